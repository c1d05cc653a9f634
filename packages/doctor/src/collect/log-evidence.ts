// Log evidence for the doctor: the logs read through the log analyzer's crawl signals (which crawler wrote them, its
// crawl rate over the judged window, the ratios that name causes, domain concentration, groups that stopped).
import { analyzeCrawl, crawlSignals, type CrawlSignals, type LogsReport } from '@crawl-diag/log-analyzer';

export interface LogEvidenceOptions {
  paths: string[];
  /** Bucket size in ms, or 'auto' (the analyzer's 30–120 buckets). */
  bucketMs?: number | 'auto';
  /** `--group-by` of the analyzer (default: one group per file). */
  groupBy?: string;
  /** Seconds after the first crawled page left out of the judgement (start-up). Default: min(15 s, a quarter of the run). */
  warmupSec?: number;
  /** `--crawler`: the crawler that wrote the logs, when the detection should not decide. */
  crawler?: string;
}

export interface LogEvidence {
  report: LogsReport;
  signals: CrawlSignals;
}

export async function gatherLogEvidence(o: LogEvidenceOptions): Promise<LogEvidence> {
  return analyzeCrawl({ paths: o.paths, bucketMs: o.bucketMs ?? 'auto', groupBy: o.groupBy, warmupSec: o.warmupSec, crawler: o.crawler });
}

/** The same from a report already built (it must have been read with the crawl signals' series, as analyzeCrawl does). */
export function logEvidenceFromReport(report: LogsReport, warmupSec?: number, crawler?: string): LogEvidence {
  return { report, signals: crawlSignals(report, { warmupSec, crawler }) };
}
