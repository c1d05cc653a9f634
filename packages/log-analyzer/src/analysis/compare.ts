// Comparing runs of the same crawl at different node counts (`crawl-diag logs compare`): throughput from the same
// time window of each run (so in-run decay does not distort it), per-node throughput, scaling efficiency against
// the smallest run, whether decay gets stronger with more nodes, and a USL fit with three or more node counts.
// Pure: the caller reads the logs (analyzeLogs) and hands in bucket counts.
import { analyzeTrend, fullBuckets } from './trend.js';
import { analyzeGroups, type StoppedGroup } from './groups.js';
import { fitUsl, type UslFit, type UslOptions } from './usl.js';
import { mannKendallS } from './mann-kendall.js';
import type { Trend } from './types.js';

export interface RunInput {
  /** Where the run came from (its directory). */
  label: string;
  /** Node count; when absent, the number of groups that logged anything. */
  nodes?: number;
  startMs: number;
  bucketMs: number;
  /** Main series, all groups together. */
  counts: number[];
  /** Main series per group (node). */
  groups: Record<string, number[]>;
  firstBucketCoverage?: number;
  lastBucketCoverage?: number;
  /**
   * The run's verdict when it has been judged already (the crawl signals' rate, over the window they judge, on the
   * page lines' own resolution): used as it is, so `logs compare` says what `logs` and doctor say of the same run.
   * Absent: the whole run's main series is judged here.
   */
  trend?: Trend;
}

export interface CompareOptions {
  /**
   * Length of the throughput window from each run's first full bucket. Default: the first third of the shortest
   * run (at least 5 buckets), so a decay later in a run does not lower its throughput. Never longer than the
   * shortest run.
   */
  windowMs?: number;
  /** Options of the USL fit (bootstrap resamples, seed). */
  usl?: UslOptions;
  /** |Change in relative change| between the smallest and largest run that counts as stronger/weaker decay. Default 0.1. */
  decayShift?: number;
}

export interface RunComparison {
  label: string;
  nodes: number;
  nodesFrom: 'given' | 'groups';
  start: string;
  bucketMs: number;
  /** Full buckets in the throughput window, and the lines in them. */
  windowBuckets: number;
  windowLines: number;
  /** Lines of the main series per second in the window. */
  throughput: number;
  throughputPerNode: number;
  /** Per group: lines per second in the window. */
  perNode: Record<string, number>;
  /** Throughput per node relative to the smallest run's (1 = linear scaling). */
  efficiency: number | null;
  /** Trend over the whole run. */
  trend: Trend;
  stopped: StoppedGroup[];
}

export type DecayWithNodes = 'stronger' | 'weaker' | 'unchanged' | 'unknown';

export interface Comparison {
  windowMs: number;
  runs: RunComparison[];
  scaling: {
    baselineNodes: number;
    /** Does decay get stronger as nodes are added (relative change more negative at higher node counts)? */
    decayWithNodes: DecayWithNodes;
    /** Relative change at the smallest and at the largest node count. */
    decayAtFewest: number | null;
    decayAtMost: number | null;
  };
  /** Null with fewer than three distinct node counts (`uslSkipped` says why). */
  usl: UslFit | null;
  uslSkipped?: string;
}

export function compareRuns(inputs: readonly RunInput[], options: CompareOptions = {}): Comparison {
  if (inputs.length === 0) throw new RangeError('compareRuns: no runs');
  const prepared = inputs.map((run) => {
    const full = fullBuckets({ counts: run.counts, bucketMs: run.bucketMs, firstBucketCoverage: run.firstBucketCoverage, lastBucketCoverage: run.lastBucketCoverage });
    const active = Object.entries(run.groups).filter(([, c]) => c.some((x) => x > 0)).length;
    return { run, full, nodes: run.nodes ?? Math.max(1, active), nodesFrom: run.nodes !== undefined ? ('given' as const) : ('groups' as const) };
  });
  const shortest = Math.min(...prepared.map((p) => p.full.counts.length * p.run.bucketMs));
  const largestBucket = Math.max(...prepared.map((p) => p.run.bucketMs));
  const defaultWindow = Math.max(shortest / 3, 5 * largestBucket);
  const windowMs = Math.min(options.windowMs ?? defaultWindow, shortest);
  const baseline = [...prepared].sort((a, b) => a.nodes - b.nodes)[0];
  const runs: RunComparison[] = prepared.map(({ run, full, nodes, nodesFrom }) => {
    const windowBuckets = Math.max(1, Math.floor(windowMs / run.bucketMs));
    const from = full.offset;
    const to = Math.min(run.counts.length, from + windowBuckets);
    const seconds = ((to - from) * run.bucketMs) / 1000;
    const sum = (c: number[]): number => c.slice(from, to).reduce((a, b) => a + b, 0);
    const windowLines = sum(run.counts);
    const perNode: Record<string, number> = {};
    for (const [g, c] of Object.entries(run.groups)) perNode[g] = seconds > 0 ? sum(c) / seconds : 0;
    const throughput = seconds > 0 ? windowLines / seconds : 0;
    const groupCoverage = { firstBucketCoverage: run.firstBucketCoverage, lastBucketCoverage: run.lastBucketCoverage };
    return {
      label: run.label,
      nodes,
      nodesFrom,
      start: new Date(run.startMs).toISOString(),
      bucketMs: run.bucketMs,
      windowBuckets: to - from,
      windowLines,
      throughput,
      throughputPerNode: throughput / nodes,
      perNode,
      efficiency: null,
      trend: run.trend ?? analyzeTrend({ counts: run.counts, bucketMs: run.bucketMs, ...groupCoverage }),
      stopped: Object.keys(run.groups).length > 1 ? analyzeGroups(run.groups, { bucketMs: run.bucketMs, startMs: run.startMs, ...groupCoverage }).stopped : [],
    };
  });
  const basePerNode = runs[prepared.indexOf(baseline)].throughputPerNode;
  for (const r of runs) r.efficiency = basePerNode > 0 ? r.throughputPerNode / basePerNode : null;
  return {
    windowMs,
    runs,
    scaling: { baselineNodes: baseline.nodes, ...decayWithNodes(runs, options.decayShift ?? 0.1) },
    ...uslOf(runs, options.usl),
  };
}

function decayWithNodes(runs: RunComparison[], shift: number): Omit<Comparison['scaling'], 'baselineNodes'> {
  const judged = runs.filter((r) => r.trend.relativeChange !== null).sort((a, b) => a.nodes - b.nodes);
  const distinct = new Set(judged.map((r) => r.nodes)).size;
  if (judged.length < 2 || distinct < 2) return { decayWithNodes: 'unknown', decayAtFewest: judged[0]?.trend.relativeChange ?? null, decayAtMost: null };
  const fewest = judged[0].trend.relativeChange!;
  const most = judged[judged.length - 1].trend.relativeChange!;
  // Direction over all runs (Kendall's S of relative change against node count), size between the extremes.
  const s = mannKendallS(judged.map((r) => r.trend.relativeChange!));
  let verdict: DecayWithNodes = 'unchanged';
  if (s < 0 && most - fewest <= -shift) verdict = 'stronger';
  else if (s > 0 && most - fewest >= shift) verdict = 'weaker';
  return { decayWithNodes: verdict, decayAtFewest: fewest, decayAtMost: most };
}

function uslOf(runs: RunComparison[], options: UslOptions | undefined): { usl: UslFit | null; uslSkipped?: string } {
  const distinct = new Set(runs.map((r) => r.nodes)).size;
  if (distinct < 3) return { usl: null, uslSkipped: `needs 3 or more node counts, got ${distinct}` };
  if (runs.every((r) => r.throughput === 0)) return { usl: null, uslSkipped: 'no throughput in any run' };
  return { usl: fitUsl(runs.map((r) => ({ nodes: r.nodes, throughput: r.throughput })), options) };
}
