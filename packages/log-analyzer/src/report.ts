// The `crawl-diag/logs@1` report: what `crawl-diag logs --json` prints (contract in shared DESIGN.md).
// Fields marked "extra" are additions the contract allows ("more fields may be added").
import type { Trend, ChangePoint } from './analysis/types.js';
import type { CrawlerKind } from './crawl-signals/crawler-logs.js';

export interface FileSummary {
  path: string;
  /** Detected or forced format name, e.g. `python-logging`, `pino`, `scrapy`, `iso8601`, `syslog`, `access-log`. */
  format: string;
  lines: number;
  /** Lines that had no timestamp and did not continue a record (garbled, unknown shape). */
  unparsed: number;
  /**
   * Extra, only when there were any: NUL bytes skipped (what logrotate's copytruncate leaves at the start of a log
   * whose writer kept its offset, or a crash at its end). A run of them ends a line.
   */
  nulBytes?: number;
  /** Extra: the group its records count toward (unless grouped by a JSON field). */
  group?: string;
  /** Extra: first and last record time in the file (ISO), null for a file without records. */
  first?: string | null;
  last?: string | null;
  /** Extra: size on disk (compressed size for .gz); absent for stdin. */
  bytes?: number;
}

export interface GroupSeries {
  total: number;
  counts: number[];
  trend: Trend;
  /**
   * Extra: the group's share of the series' total, only when there is more than one group. `start` and `end` are
   * its share over the first and the last tenth of the buckets (at least 3); `perBucket` per bucket (null where the
   * total is 0).
   */
  share?: GroupShare;
}

export interface GroupShare {
  start: number | null;
  end: number | null;
  perBucket: Array<number | null>;
}

export interface SeriesReport {
  name: string;
  total: number;
  counts: number[];
  groups: Record<string, GroupSeries>;
  trend: Trend;
  changePoints: Array<{ at: string; before: number; after: number }>;
  /**
   * Extra, only where `trend.judgedBucketMs` is set: the whole series' counts on the grid the trend was judged on
   * (its first bucket starts at `startMs`), so a reader judging a window of the series (the crawl rate) judges it on
   * the same resolution.
   */
  judged?: { bucketMs: number; startMs: number; counts: number[] };
  /**
   * Extra: groups (nodes, processes) whose lines stopped while the others went on, distinct from everyone slowing
   * down; only when there is more than one group. `lastEventAt` is the end of the group's last non-empty bucket.
   */
  stoppedGroups?: Array<{ group: string; lastEventAt: string; silentBuckets: number; rateBefore: number }>;
}

/** Extra: a series of values rather than counts: a gauge, a counter's increase, or the ratio of two series. */
export interface ValueSeriesReport {
  name: string;
  kind: 'gauge' | 'counter' | 'ratio';
  /** For a ratio: the series names divided. */
  of?: { numerator: string; denominator: string };
  /** Per bucket: gauge mean, counter increase in the bucket, or the ratio; null where there is no value. */
  values: Array<number | null>;
  groups: Record<string, { values: Array<number | null>; trend: Trend }>;
  trend: Trend;
  /** Extra: how the numbers were made, when it matters for reading them (Crawlee's statistics differenced). */
  note?: string;
  /**
   * Extra (gauges and counters): the typical time between the lines the values are read from (their statistics
   * interval). A `bucketMs` below it splits or repeats each value: see `bucketWarnings`.
   */
  sampleIntervalMs?: number;
}

/**
 * One warning per gauge or counter read from lines further apart than the report's buckets: its values repeat or
 * split across buckets, and the bucket that would show it truly is named.
 */
export function bucketWarnings(report: Pick<LogsReport, 'bucketMs' | 'values'>): string[] {
  const seconds = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`);
  return (report.values ?? [])
    .filter((v) => v.sampleIntervalMs !== undefined && v.sampleIntervalMs > report.bucketMs)
    .map(
      (v) =>
        `'${v.name}' comes from lines every ${seconds(v.sampleIntervalMs!)}, more than the ${seconds(report.bucketMs)} buckets: ` +
        `its values are split or repeated across buckets; give --bucket ${seconds(v.sampleIntervalMs!)} or more to see it at its own resolution.`,
    );
}

/**
 * Extra: a key series (`kind: 'key'`): lines whose regex captured a text key (a URL's host), counted per key and
 * bucket, e.g. how many pages of each domain were fetched in each bucket.
 */
export interface KeySeriesReport {
  name: string;
  total: number;
  /** Matches per bucket (all keys). */
  counts: number[];
  /** Per bucket: matches per key. */
  perBucket: Array<Record<string, number>>;
}

/** Extra: when a group (node, process) was logging, and which files it came from. */
export interface GroupSpan {
  first: string | null;
  last: string | null;
  files: string[];
}

export interface LogsReport {
  schema: 'crawl-diag/logs@1';
  /** ISO time of the first bucket's start. */
  start: string;
  /** Extra: ISO time of the last bucket's end. */
  end?: string;
  bucketMs: number;
  buckets: number;
  /** Extra: fraction of the first / last bucket the input covers (a partial edge bucket is not a rate change). */
  firstBucketCoverage?: number;
  lastBucketCoverage?: number;
  files: FileSummary[];
  /** Extra: per group, its time span and files. */
  groups?: Record<string, GroupSpan>;
  series: SeriesReport[];
  /** Extra: gauges (--value), counters (--counter, Scrapy LogStats) and ratios (--ratio); absent when none. */
  values?: ValueSeriesReport[];
  /** Extra: key series (matches per key and bucket, e.g. pages per domain); absent when none was asked for. */
  keys?: KeySeriesReport[];
  /**
   * Extra: the crawl rate as the crawl signals judge it (what `logs compare`, the bench and the doctor read), when
   * the logs are a known crawler's and it was asked for (`crawl-diag logs` asks); absent otherwise.
   */
  crawlRate?: CrawlRateReport;
}

/**
 * The crawler's pages per second over the judged window (start-up and shutdown left out), with its trend: the one
 * verdict on the crawl, where the series above each have their own (a crawler that logs every attempt shows them
 * steady while its pages fall).
 */
export interface CrawlRateReport extends Trend {
  crawler: CrawlerKind;
  /** `given`: the operator named the crawler (`--crawler`); `detected`: read from the logs (`crawlerReason` says how). */
  crawlerFrom: 'given' | 'detected';
  crawlerReason: string;
  /** The series the pages are read from: `crawled (scrapy)`, or `crawling − could not retrieve` (failures taken off). */
  series: string;
  /** `count`: a line per page; `counter`: a running total differenced (Scrapy LogStats, Crawlee statistics). */
  kind: 'count' | 'counter';
  /** The judged window, ISO times (bucket edges of the report's grid). */
  window: { from: string; to: string };
  /** Mean pages per second over the first and last third of the window. */
  perSecEarly: number;
  perSecLate: number;
  /** Pages in the window. */
  pages: number;
  /** What the signals found amiss (a `--crawler` the logs do not look like); absent when nothing. */
  warnings?: string[];
}

export type { Trend, ChangePoint };
