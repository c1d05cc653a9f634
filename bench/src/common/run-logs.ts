// Reads one crawl's logs through the log analyzer's crawl signals (the same reading as `crawl-diag logs compare` and
// the doctor: the crawl rate, the judged window, the shutdown left out, the ratios) and turns them into the bench's
// figures: pages per second, the rate over time, the trend verdict, per-node rates, the postponed/crawled ratio.
import { analyzeCrawl, type CrawlSignals, type LogsReport, type Trend } from '@crawl-diag/log-analyzer';
import { BenchRunError } from './errors.js';

export interface RunLogsOptions {
  /** Bucket of the rate-over-time series, ms. Every run of a bench uses the same one so charts share a grid. */
  bucketMs: number;
  /**
   * Seconds after the first crawled page that are left out of the throughput and the trend: processes are still
   * starting (a run with 8 supervisors starts 25 processes on this machine). The chart still shows them.
   */
  warmupSec: number;
}

export interface NodeRate {
  pagesPerSec: number;
  trend: Trend;
}

export interface RunLogFigures {
  /** Pages fetched ("Crawling URL" lines) per second over the measured window. */
  pagesPerSec: number;
  /** Trend of the crawl rate over the measured window (the analyzer's verdict and relative change). */
  trend: Trend;
  /** Pages fetched per second in each bucket, from the bucket of the first crawled page to the end of the logs. */
  ratePerSec: number[];
  /** Start of `ratePerSec[0]`'s bucket, ms since the epoch. */
  startMs: number;
  /** Index in `ratePerSec` where the measured window starts and ends (exclusive). */
  window: { from: number; to: number };
  /** Per supervisor (node): its rate and trend over the same window. */
  perNode: Record<string, NodeRate>;
  /** Postponed / crawled per bucket (null where nothing was crawled), aligned with `ratePerSec`. */
  postponedRatio: Array<number | null>;
  totals: { crawled: number; postponed: number; ignored: number; failed: number };
  /** The analyzer's own verdict over the whole log (warm-up included), for reference. */
  wholeRunTrend: Trend;
  /** The report and crawl signals themselves (the doctor reads them). */
  report: LogsReport;
  signals: CrawlSignals;
}

/** Worker log files are `worker-<supervisor>-<worker>.log`: one group per supervisor, i.e. per node. */
const NODE_OF_WORKER_LOG = 'worker-(\\d+)-\\d+\\.log';

export async function analyzeRunLogs(logDir: string, opts: RunLogsOptions): Promise<RunLogFigures> {
  let report: LogsReport;
  let signals: CrawlSignals;
  try {
    // The whole directory: the supervisors' "The dispatcher ends the crawl" lines mark where shutdown starts.
    ({ report, signals } = await analyzeCrawl({ paths: [logDir], bucketMs: opts.bucketMs, groupBy: NODE_OF_WORKER_LOG, warmupSec: opts.warmupSec, crawler: 'crawl-diag' }));
  } catch (err) {
    throw new BenchRunError(`no usable worker logs in ${logDir} (${(err as Error).message}); did the crawl start its workers?`);
  }
  const crawling = report.series.find((s) => s.name === 'crawling');
  if (!crawling || crawling.total === 0) throw new BenchRunError(`the crawl logged no fetched page in ${logDir}; check the crawl's logs there`);
  const first = crawling.counts.findIndex((c) => c > 0);
  const { from, to } = signals.window;
  const perSec = 1000 / opts.bucketMs;
  const perNode: Record<string, NodeRate> = {};
  for (const g of signals.groups) perNode[g.group] = { pagesPerSec: g.perSec, trend: g.trend };
  const total = (name: string) => report.series.find((s) => s.name === name)?.total ?? 0;
  return {
    pagesPerSec: signals.rate.perSec,
    trend: { verdict: signals.rate.verdict, relativeChange: signals.rate.relativeChange, pValue: signals.rate.pValue, slopePerHour: signals.rate.slopePerHour },
    ratePerSec: crawling.counts.slice(first).map((c) => c * perSec),
    startMs: Date.parse(report.start) + first * opts.bucketMs,
    window: { from: from - first, to: to - first },
    perNode,
    postponedRatio: (signals.postponedPerPage?.perBucket ?? crawling.counts.map((c) => (c > 0 ? 0 : null))).slice(first),
    totals: { crawled: crawling.total, postponed: total('postponed'), ignored: total('ignored'), failed: total('could not retrieve') },
    wholeRunTrend: crawling.trend,
    report,
    signals,
  };
}
