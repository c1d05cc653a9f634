// analyzeCrawl: the logs read with every crawler's signal lines (one scan), then the crawl signals. The entry point
// for whoever asks "how is this crawl doing": the doctor, the report, `logs compare`, the bench.
import { analyzeLogs, type AnalyzeOptions } from '../analyze.js';
import type { LogsReport } from '../report.js';
import type { SeriesPattern } from '../series.js';
import { CRAWL_SERIES } from './crawler-logs.js';
import { crawlSignals, type CrawlSignals, type CrawlSignalsOptions } from './crawl-signals.js';

export interface AnalyzeCrawlOptions extends Omit<AnalyzeOptions, 'series'>, CrawlSignalsOptions {
  /** More series to count besides the crawl signals' own (a `--line` of the operator's). */
  extraSeries?: SeriesPattern[];
}

export async function analyzeCrawl(options: AnalyzeCrawlOptions): Promise<{ report: LogsReport; signals: CrawlSignals }> {
  const { crawler, warmupSec, rateSeries, extraSeries, ...analyze } = options;
  const extra = (extraSeries ?? []).filter((p) => !CRAWL_SERIES.some((s) => s.name === p.name));
  const report = await analyzeLogs({ ...analyze, series: [...CRAWL_SERIES, ...extra] });
  return { report, signals: crawlSignals(report, { crawler, warmupSec, rateSeries }) };
}
