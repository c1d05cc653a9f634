// Reads one crawl's worker logs with the log-analyzer library (the same code as `crawl-diag logs`) and turns them
// into the bench's figures: pages per second, the rate over time, the trend verdict, per-node rates, and the
// postponed/crawled ratio over time.
import { join } from 'node:path';
import { analyzeLogs, analyzeTrend, type LogsReport, type SeriesReport, type Trend } from '@crawl-diag/log-analyzer';
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
}

/** Worker log files are `worker-<supervisor>-<worker>.log`: one group per supervisor, i.e. per node. */
const NODE_OF_WORKER_LOG = 'worker-(\\d+)-\\d+\\.log';

export async function analyzeRunLogs(logDir: string, opts: RunLogsOptions): Promise<RunLogFigures> {
  let report: LogsReport;
  try {
    report = await analyzeLogs({ paths: [join(logDir, 'worker-*.log')], bucketMs: opts.bucketMs, groupBy: NODE_OF_WORKER_LOG });
  } catch (err) {
    throw new BenchRunError(`no usable worker logs in ${logDir} (${(err as Error).message}); did the crawl start its workers?`);
  }
  const crawling = seriesNamed(report, 'crawling');
  const first = crawling.counts.findIndex((c) => c > 0);
  if (first < 0) throw new BenchRunError(`the crawl logged no fetched page in ${logDir}; check the crawl's logs there`);
  // The last bucket is cut short by the end of the run: leave it out of the measurement. So is the shutdown: from
  // the bucket where the dispatcher told the supervisors to stop, workers only finish what they hold.
  let lastFull = (report.lastBucketCoverage ?? 1) < 1 ? crawling.counts.length - 1 : crawling.counts.length;
  const stopMs = await crawlStopTime(logDir, opts.bucketMs);
  if (stopMs !== undefined) {
    const stopBucket = Math.floor((stopMs - Date.parse(report.start)) / opts.bucketMs);
    if (stopBucket > first) lastFull = Math.min(lastFull, stopBucket);
  }
  const warmupBuckets = Math.ceil((opts.warmupSec * 1000) / opts.bucketMs);
  // The first crawl bucket is partial too (the first page arrives mid-bucket), hence the +1.
  const from = Math.min(first + 1 + warmupBuckets, lastFull);
  const window = { from: from - first, to: lastFull - first };
  const perSec = 1000 / opts.bucketMs;

  const measure = (counts: number[]): NodeRate => {
    const part = counts.slice(from, lastFull);
    const secs = (part.length * opts.bucketMs) / 1000;
    return {
      pagesPerSec: secs > 0 ? part.reduce((s, c) => s + c, 0) / secs : 0,
      trend: analyzeTrend({ counts: part, bucketMs: opts.bucketMs }),
    };
  };
  const all = measure(crawling.counts);
  const perNode: Record<string, NodeRate> = {};
  for (const [node, g] of Object.entries(crawling.groups)) perNode[node] = measure(g.counts);

  const postponed = seriesNamed(report, 'postponed');
  const tail = (s: SeriesReport) => s.counts.slice(first);
  const postponedRatio = tail(crawling).map((c, i) => (c > 0 ? tail(postponed)[i] / c : null));
  return {
    pagesPerSec: all.pagesPerSec,
    trend: all.trend,
    ratePerSec: tail(crawling).map((c) => c * perSec),
    startMs: Date.parse(report.start) + first * opts.bucketMs,
    window,
    perNode,
    postponedRatio,
    totals: {
      crawled: crawling.total,
      postponed: postponed.total,
      ignored: seriesNamed(report, 'ignored').total,
      failed: seriesNamed(report, 'could not retrieve').total,
    },
    wholeRunTrend: crawling.trend,
  };
}

/** Start of the bucket in which the first supervisor logged that the dispatcher ends the crawl, if any did. */
async function crawlStopTime(logDir: string, bucketMs: number): Promise<number | undefined> {
  try {
    const r = await analyzeLogs({
      paths: [join(logDir, 'supervisor-*.log')],
      bucketMs,
      series: [{ name: 'crawl end', substring: 'The dispatcher ends the crawl' }],
    });
    const i = r.series[0].counts.findIndex((c) => c > 0);
    return i < 0 ? undefined : Date.parse(r.start) + i * bucketMs;
  } catch {
    return undefined; // no supervisor logs: measure to the end of the worker logs
  }
}

function seriesNamed(report: LogsReport, name: string): SeriesReport {
  const s = report.series.find((x) => x.name === name);
  if (!s) throw new BenchRunError(`the log analyzer reported no '${name}' series`);
  return s;
}
