// Turns merged event counts into the `crawl-diag/logs@1` report: puts them on one grid, then asks the analysis
// stage for each series' and group's trend and change points.
import { analyzeTrend, analyzeValueTrend, STATISTICS_DETECTABLE_DECLINE } from './analysis/trend.js';
import { analyzeGroups, type GroupFindings } from './analysis/groups.js';
import { counterIncreases, gaugeSums, meanValues, ratioValues, sumValues, type Values } from './bucketer/bucket-values.js';
import { LogInputError } from './errors.js';
import { bucketCounts, edgeCoverage, makeGrid, type BucketGrid } from './bucketer/bucket-grid.js';
import type { EventCountsData, SlotChunks } from './scanner/event-counts.js';
import type { Trend } from './analysis/types.js';
import type { FileSummary, GroupSpan, KeySeriesReport, LogsReport, SeriesReport, ValueSeriesReport } from './report.js';
import { detectSeriesChangePoints } from './change-points.js';
import { crawlSignals, rateTrend } from './crawl-signals/crawl-signals.js';

export interface ReportInput {
  counts: EventCountsData;
  seriesNames: string[];
  /** Per series: 'count' (default), 'gauge' or 'counter'. */
  seriesKinds?: string[];
  /** Per series: a note on how its numbers were made (shown with value series), or undefined. */
  seriesNotes?: Array<string | undefined>;
  /** Per series: a counter that is 0 when the crawler starts (see SeriesPattern.zeroAtStart). */
  seriesZeroAtStart?: boolean[];
  /** Per series: the typical time between a gauge's or counter's samples (null unknown, undefined for counts). */
  sampleIntervals?: Array<number | null | undefined>;
  /** Per group whose log begins with its crawler starting: that time (the crawler's totals were 0). */
  crawlerStarts?: Map<string, number>;
  /** Ratios of two count series, by name. */
  ratios?: Array<{ name: string; numerator: string; denominator: string }>;
  files: FileSummary[];
  /** Files (display paths) per group, for the report's `groups`. */
  groupFiles: Map<string, string[]>;
  bucketMs: number;
  /**
   * Judge the trends of count series on buckets of this size when it is finer than `bucketMs` (a multiple of the
   * counts' resolution): the report's bucket was raised to the statistics lines' interval, and a series counted line
   * by line need not lose its own resolution for that (see `countTrendBucketMs`).
   */
  countTrendBucketMs?: number | null;
  firstMs: number;
  lastMs: number;
}

const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

export function buildReport(input: ReportInput): LogsReport {
  const grid = makeGrid(input.firstMs, input.lastMs, input.bucketMs);
  const res = input.counts.resolutionMs;
  const overall = edgeCoverage(grid, input.firstMs, input.lastMs, res);
  const groupNames = [...input.counts.groups.keys()].sort();

  const kinds = input.seriesKinds ?? input.seriesNames.map(() => 'count');
  const fine = input.countTrendBucketMs;
  const fineGrid = fine && fine < input.bucketMs && fine % res === 0 ? makeGrid(input.firstMs, input.lastMs, fine) : null;
  /** The trend of the summed series `parts` (or one group's, with its own span) on the finer grid. */
  const fineCounts = (g: BucketGrid, parts: SlotChunks[]): number[] => {
    const counts = new Array<number>(g.buckets).fill(0);
    for (const p of parts) bucketCounts(p, res, g).forEach((n, b) => (counts[b] += n));
    return counts;
  };
  const fineTrend = (g: BucketGrid, counts: number[], span?: { first: number; last: number }): Trend => {
    const coverage = span && !Number.isNaN(span.first) ? edgeCoverage(g, span.first, span.last, res) : edgeCoverage(g, input.firstMs, input.lastMs, res);
    return { ...analyzeTrend({ counts, bucketMs: g.bucketMs, ...coverage }), judgedBucketMs: g.bucketMs };
  };
  const allSeries: SeriesReport[] = input.seriesNames.map((name, i) => {
    const total = new Array<number>(grid.buckets).fill(0);
    const groups: SeriesReport['groups'] = {};
    for (const g of groupNames) {
      const gc = input.counts.groups.get(g)!;
      const counts = bucketCounts(gc.series[i], res, grid);
      counts.forEach((n, b) => (total[b] += n));
      groups[g] = { total: sum(counts), counts, trend: null as unknown as SeriesReport['trend'] };
    }
    const countSeries = { counts: total, bucketMs: grid.bucketMs, ...overall };
    const judged = kinds[i] === 'count' ? fineGrid : null;
    const judgedCounts = judged ? fineCounts(judged, groupNames.map((g) => input.counts.groups.get(g)!.series[i])) : null;
    const trend = judged ? fineTrend(judged, judgedCounts!) : analyzeTrend(countSeries);
    for (const g of groupNames) {
      const gc = input.counts.groups.get(g)!;
      const coverage = Number.isNaN(gc.first) ? overall : edgeCoverage(grid, gc.first, gc.last, res);
      // One group is the whole series: same counts and same coverage, so the same trend (the tests are O(n^2)).
      groups[g].trend =
        groupNames.length === 1
          ? { ...trend }
          : judged
            ? fineTrend(judged, fineCounts(judged, [gc.series[i]]), gc)
            : analyzeTrend({ counts: groups[g].counts, bucketMs: grid.bucketMs, ...coverage });
    }
    const findings = groupNames.length > 1 ? groupFindings(groups, grid, overall) : null;
    if (findings) {
      for (const f of findings.groups) groups[f.group].share = { start: f.shareStart, end: f.shareEnd, perBucket: f.share };
    }
    return {
      name,
      total: sum(total),
      counts: total,
      groups,
      trend,
      changePoints: detectSeriesChangePoints(countSeries, grid),
      ...(judged ? { judged: { bucketMs: judged.bucketMs, startMs: judged.startMs, counts: judgedCounts! } } : {}),
      ...(findings ? { stoppedGroups: stoppedGroups(findings) } : {}),
    };
  });

  const series = allSeries.filter((_, i) => kinds[i] === 'count');
  const values: ValueSeriesReport[] = [];
  input.seriesNames.forEach((name, i) => {
    if (kinds[i] === 'count' || kinds[i] === 'key') return;
    const groupValues: Record<string, Values> = {};
    const sums: number[][] = [];
    const samples: number[][] = [];
    for (const g of groupNames) {
      const gc = input.counts.groups.get(g)!;
      if (kinds[i] === 'counter') {
        const zeroAt = input.seriesZeroAtStart?.[i] ? input.crawlerStarts?.get(g) : undefined;
        groupValues[g] = counterIncreases(gc.values[i], res, grid, zeroAt);
      }
      else {
        const n = allSeries[i].groups[g].counts;
        const gs = gaugeSums(gc.values[i], n, res, grid);
        sums.push(gs.sums);
        samples.push(n);
        groupValues[g] = meanValues(gs.sums, n);
      }
    }
    const total =
      kinds[i] === 'counter'
        ? sumValues(Object.values(groupValues), grid.buckets)
        : meanValues(
            sumPerBucket(sums.map((xs) => xs.map((x) => (Number.isNaN(x) ? 0 : x))), grid.buckets),
            sumPerBucket(samples, grid.buckets),
          );
    const note = input.seriesNotes?.[i];
    const interval = input.sampleIntervals?.[i];
    values.push({
      ...valueSeries(name, kinds[i] as 'gauge' | 'counter', total, groupValues, grid.bucketMs),
      ...(note ? { note } : {}),
      ...(typeof interval === 'number' ? { sampleIntervalMs: interval } : {}),
    });
  });
  for (const r of input.ratios ?? []) {
    const find = (n: string): SeriesReport => {
      const s = series.find((x) => x.name === n);
      if (!s) throw new LogInputError(`--ratio ${r.name}: no count series named '${n}' (series: ${series.map((x) => x.name).join(', ')}).`);
      return s;
    };
    const num = find(r.numerator);
    const den = find(r.denominator);
    const groupValues: Record<string, Values> = {};
    for (const g of groupNames) groupValues[g] = ratioValues(num.groups[g].counts, den.groups[g].counts);
    const v = valueSeries(r.name, 'ratio', ratioValues(num.counts, den.counts), groupValues, grid.bucketMs);
    values.push({ ...v, of: { numerator: r.numerator, denominator: r.denominator } });
  }

  const keys: KeySeriesReport[] = [];
  input.seriesNames.forEach((name, i) => {
    if (kinds[i] !== 'key') return;
    const perBucket: Array<Record<string, number>> = Array.from({ length: grid.buckets }, () => ({}));
    for (const g of groupNames) {
      for (const [slot, perKey] of input.counts.groups.get(g)!.keys?.[i] ?? []) {
        const b = Math.floor((slot * res - grid.startMs) / grid.bucketMs);
        if (b < 0 || b >= grid.buckets) continue;
        const into = perBucket[b];
        for (const [key, n] of perKey) into[key] = (into[key] ?? 0) + n;
      }
    }
    keys.push({ name, total: allSeries[i].total, counts: allSeries[i].counts, perBucket });
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
    ...(values.length > 0 ? { values } : {}),
    ...(keys.length > 0 ? { keys } : {}),
  };
}

/**
 * The report of the series in `shown` (what the operator asked for), with the crawl rate judged on all of `full`:
 * the crawl signals read series nobody asked `logs` for (the crawler's own page lines, its failed fetches, the
 * crawl's end), so they are counted in the same scan and left out here. The signals run once, on the report the
 * other readers of the crawl (`logs compare`, the bench, the doctor) build from the same series, so the verdict is
 * theirs. No rate for a log of something else: the signals would fall back to any series with lines, which is not a
 * crawl rate, nor for a crawler that logged no page.
 */
export function withCrawlRate(full: LogsReport, shown: ReadonlySet<string>, crawler?: string): LogsReport {
  const signals = crawlSignals(full, { crawler });
  const values = full.values?.filter((v) => shown.has(v.name)) ?? [];
  const keys = full.keys?.filter((k) => shown.has(k.name)) ?? [];
  const { values: _values, keys: _keys, ...rest } = full;
  const report: LogsReport = {
    ...rest,
    series: full.series.filter((s) => shown.has(s.name)),
    ...(values.length > 0 ? { values } : {}),
    ...(keys.length > 0 ? { keys } : {}),
  };
  const { series, kind, perBucket, perSecEarly, perSecLate, pages } = signals.rate;
  if (signals.crawler === 'unknown' || !perBucket.some((c) => c > 0)) return report;
  return {
    ...report,
    crawlRate: {
      crawler: signals.crawler,
      crawlerFrom: signals.crawlerFrom,
      crawlerReason: signals.crawlerReason,
      series,
      kind,
      window: { from: signals.window.fromAt, to: signals.window.toAt },
      ...rateTrend(signals.rate),
      perSecEarly,
      perSecLate,
      pages,
      ...(signals.warnings.length > 0 ? { warnings: signals.warnings } : {}),
    },
  };
}

/**
 * The analysis stage's per-group findings for one series: each group's share of the total over time, and groups
 * that stopped.
 */
function groupFindings(
  groups: SeriesReport['groups'],
  grid: BucketGrid,
  coverage: { firstBucketCoverage?: number; lastBucketCoverage?: number },
): GroupFindings {
  const counts: Record<string, number[]> = {};
  for (const [g, gs] of Object.entries(groups)) counts[g] = gs.counts;
  return analyzeGroups(counts, { bucketMs: grid.bucketMs, startMs: grid.startMs, ...coverage });
}

/** A node that stopped is its own finding ("crawler-3.log: no lines after 14:32"), not part of a general slowdown. */
function stoppedGroups(findings: GroupFindings): NonNullable<SeriesReport['stoppedGroups']> {
  return findings.stopped.map((s) => ({
    group: s.group,
    lastEventAt: s.lastEventAt,
    silentBuckets: s.silentBuckets,
    rateBefore: s.rateBefore,
  }));
}

function valueSeries(
  name: string,
  kind: ValueSeriesReport['kind'],
  total: Values,
  groupValues: Record<string, Values>,
  bucketMs: number,
): ValueSeriesReport {
  // A dozen statistics lines in a few minutes' run cannot show every decline: such a run says so, not "steady".
  const options = { minDetectableDecline: STATISTICS_DETECTABLE_DECLINE };
  const trend = analyzeValueTrend(total, bucketMs, options);
  const names = Object.keys(groupValues);
  const groups: ValueSeriesReport['groups'] = {};
  for (const g of names) {
    groups[g] = { values: groupValues[g], trend: names.length === 1 ? { ...trend } : analyzeValueTrend(groupValues[g], bucketMs, options) };
  }
  return { name, kind, values: total, groups, trend };
}

function sumPerBucket(rows: number[][], buckets: number): number[] {
  const out = new Array<number>(buckets).fill(0);
  for (const row of rows) row.forEach((x, b) => (out[b] += x));
  return out;
}

function gridEnd(grid: BucketGrid): number {
  return grid.startMs + grid.buckets * grid.bucketMs;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
