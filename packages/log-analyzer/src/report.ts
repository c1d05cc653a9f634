// The `crawl-diag/logs@1` report: what `crawl-diag logs --json` prints (contract in shared DESIGN.md).
import type { Trend, ChangePoint } from './analysis/types.js';

export interface FileSummary {
  path: string;
  /** Detected or forced format name, e.g. `python-logging`, `pino`, `scrapy`, `iso8601`, `syslog`, `access-log`. */
  format: string;
  lines: number;
  /** Lines that had no timestamp and did not continue a record (garbled, unknown shape). */
  unparsed: number;
}

export interface GroupSeries {
  total: number;
  counts: number[];
  trend: Trend;
}

export interface SeriesReport {
  name: string;
  total: number;
  counts: number[];
  groups: Record<string, GroupSeries>;
  trend: Trend;
  changePoints: Array<{ at: string; before: number; after: number }>;
}

export interface LogsReport {
  schema: 'crawl-diag/logs@1';
  /** ISO time of the first bucket's start. */
  start: string;
  bucketMs: number;
  buckets: number;
  files: FileSummary[];
  series: SeriesReport[];
}

export type { Trend, ChangePoint };
