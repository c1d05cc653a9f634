// Log evidence for the doctor: the logs read through the log analyzer's crawl signals (which crawler wrote them, its
// crawl rate over the judged window, the ratios that name causes, domain concentration, groups that stopped).
import { analyzeCrawl, crawlSignals, detectCrawler, LogInputError, type CrawlSignals, type LogsReport } from '@crawl-diag/log-analyzer';

/** What the doctor reads, for the errors that say a log is not one of them. */
export const LOGS_THE_DOCTOR_READS =
  "the doctor reads a crawler's own log: Scrapy's (LOG_FILE; `Crawled (200) <GET …>` or LogStats lines), Crawlee's (its " +
  'statistics lines, text or JSON), crawl-diag\'s or the original Python crawler\'s (`Crawling URL` / `will be crawled`), ' +
  "or a web server's or proxy's access log; give that file (rotated parts and .gz too), or say which crawler wrote it with --crawler";

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
  let got: LogEvidence;
  try {
    got = await analyzeCrawl({ paths: o.paths, bucketMs: o.bucketMs ?? 'auto', groupBy: o.groupBy, warmupSec: o.warmupSec, crawler: o.crawler });
  } catch (err) {
    // The analyzer says what was wrong with the files; the doctor adds what it would have needed.
    if (err instanceof LogInputError) throw new LogInputError(`${err.message.replace(/\.$/, '')}; ${LOGS_THE_DOCTOR_READS}.`, { path: err.path, exitCode: err.exitCode });
    throw err;
  }
  // Logs with timestamps but no crawler's lines (an application's log, a crawler the doctor does not know): judging
  // "the crawl rate" of some other line would report a healthy or a decaying crawl that nobody measured.
  // The same with --crawler given: none of that crawler's page lines, and nothing of any other crawler either.
  const noneGiven = got.signals.crawlerFrom === 'given' && got.signals.rate.perBucket.every((c) => c === 0) && detectCrawler(got.report).crawler === 'unknown';
  if (got.signals.crawler === 'unknown' || noneGiven) {
    const files = got.report.files;
    const lines = files.reduce((n, f) => n + f.lines, 0);
    const formats = [...new Set(files.map((f) => f.format))].join(', ');
    throw new LogInputError(
      `${o.paths.join(' ')}: ${noneGiven ? `none of ${got.signals.crawler}'s page lines, nor any other crawler's,` : "no crawler's page lines"} in ${files.length} file(s), ${lines} line(s) (format ${formats || 'none'}); ${LOGS_THE_DOCTOR_READS}.`,
    );
  }
  return got;
}

/** The same from a report already built (it must have been read with the crawl signals' series, as analyzeCrawl does). */
export function logEvidenceFromReport(report: LogsReport, warmupSec?: number, crawler?: string): LogEvidence {
  return { report, signals: crawlSignals(report, { warmupSec, crawler }) };
}
