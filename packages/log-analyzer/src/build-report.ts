// Turns merged event counts into the `crawl-diag/logs@1` report: puts them on one grid, then asks the analysis
// stage for each series' and group's trend and change points.
import { analyzeTrend } from './analysis/trend.js';
import { bucketCounts, edgeCoverage, makeGrid, type BucketGrid } from './bucketer/bucket-grid.js';
import type { EventCountsData } from './scanner/event-counts.js';
import type { FileSummary, GroupSpan, LogsReport, SeriesReport } from './report.js';
import { detectSeriesChangePoints } from './change-points.js';

export interface ReportInput {
  counts: EventCountsData;
  seriesNames: string[];
  files: FileSummary[];
  /** Files (display paths) per group, for the report's `groups`. */
  groupFiles: Map<string, string[]>;
  bucketMs: number;
  firstMs: number;
  lastMs: number;
}

const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

export function buildReport(input: ReportInput): LogsReport {
  const grid = makeGrid(input.firstMs, input.lastMs, input.bucketMs);
  const res = input.counts.resolutionMs;
  const overall = edgeCoverage(grid, input.firstMs, input.lastMs, res);
  const groupNames = [...input.counts.groups.keys()].sort();

  const series: SeriesReport[] = input.seriesNames.map((name, i) => {
    const total = new Array<number>(grid.buckets).fill(0);
    const groups: SeriesReport['groups'] = {};
    for (const g of groupNames) {
      const gc = input.counts.groups.get(g)!;
      const counts = bucketCounts(gc.series[i], res, grid);
      counts.forEach((n, b) => (total[b] += n));
      groups[g] = { total: sum(counts), counts, trend: null as unknown as SeriesReport['trend'] };
    }
    const countSeries = { counts: total, bucketMs: grid.bucketMs, ...overall };
    const trend = analyzeTrend(countSeries);
    for (const g of groupNames) {
      const gc = input.counts.groups.get(g)!;
      const coverage = Number.isNaN(gc.first) ? overall : edgeCoverage(grid, gc.first, gc.last, res);
      // One group is the whole series: same counts and same coverage, so the same trend (the tests are O(n^2)).
      groups[g].trend =
        groupNames.length === 1 ? { ...trend } : analyzeTrend({ counts: groups[g].counts, bucketMs: grid.bucketMs, ...coverage });
    }
    return {
      name,
      total: sum(total),
      counts: total,
      groups,
      trend,
      changePoints: detectSeriesChangePoints(countSeries, grid),
    };
  });

  const groups: Record<string, GroupSpan> = {};
  for (const g of groupNames) {
    const gc = input.counts.groups.get(g)!;
    groups[g] = { first: iso(gc.first), last: iso(gc.last), files: input.groupFiles.get(g) ?? [] };
  }
  return {
    schema: 'crawl-diag/logs@1',
    start: new Date(grid.startMs).toISOString(),
    end: new Date(gridEnd(grid)).toISOString(),
    bucketMs: grid.bucketMs,
    buckets: grid.buckets,
    ...overall,
    files: input.files,
    groups,
    series,
  };
}

function gridEnd(grid: BucketGrid): number {
  return grid.startMs + grid.buckets * grid.bucketMs;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
