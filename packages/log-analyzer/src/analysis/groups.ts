// Per-group findings on one time grid: which nodes/processes decay and which do not, each one's share of the
// total over time, and groups that stopped altogether ("crawler-3.log: no lines after 14:32:10") — a different
// problem from everyone slowing down, with a different fix.
import { analyzeTrend, type TrendOptions } from './trend.js';
import { estimateDispersion } from './changepoints.js';
import type { Trend } from './types.js';

export interface GroupAnalysisOptions {
  bucketMs: number;
  /** Epoch ms of the first bucket's start (for the times in findings). */
  startMs: number;
  firstBucketCoverage?: number;
  lastBucketCoverage?: number;
  /** Exact epoch ms of each group's last event, when the caller knows it (better than the bucket's end). */
  lastEventAt?: Record<string, number>;
  /**
   * A silent tail counts as a stop only when, at the group's earlier rate (dispersion-adjusted), that much
   * silence has probability below this. Default 1e-4.
   */
  stopProbability?: number;
  /** Fewest silent full buckets before a group can be called stopped. Default 3. */
  minSilentBuckets?: number;
  trend?: TrendOptions;
}

export interface StoppedGroup {
  group: string;
  /** Index of the last bucket with an event. */
  lastEventBucket: number;
  /** ISO time of the last event if known exactly, else of the end of its bucket. */
  lastEventAt: string;
  lastEventExact: boolean;
  /** Full buckets of silence after it. */
  silentBuckets: number;
  /** Mean events per bucket while the group was active. */
  rateBefore: number;
}

export interface GroupFinding {
  group: string;
  total: number;
  trend: Trend;
  /** Share of the total per bucket (null where the total is 0). */
  share: Array<number | null>;
  /** Share over the first and the last tenth of the run (at least 3 buckets). */
  shareStart: number | null;
  shareEnd: number | null;
  stopped: boolean;
}

export interface GroupFindings {
  groups: GroupFinding[];
  stopped: StoppedGroup[];
  decaying: string[];
  steady: string[];
  growing: string[];
  insufficient: string[];
  /** Every group that kept running and could be judged is decaying (and at least one could be judged). */
  everyoneSlowing: boolean;
  /** One line per finding, for people. */
  summary: string[];
}

export function analyzeGroups(groups: Record<string, number[]>, options: GroupAnalysisOptions): GroupFindings {
  const names = Object.keys(groups).sort();
  const n = names.length > 0 ? groups[names[0]].length : 0;
  const totals = new Array<number>(n).fill(0);
  for (const name of names) groups[name].forEach((c, i) => (totals[i] += c));
  const window = Math.max(3, Math.round(n / 10));
  const stopped: StoppedGroup[] = [];
  const findings: GroupFinding[] = names.map((group) => {
    const counts = groups[group];
    const trend = analyzeTrend(
      { counts, bucketMs: options.bucketMs, firstBucketCoverage: options.firstBucketCoverage, lastBucketCoverage: options.lastBucketCoverage },
      options.trend,
    );
    const stop = detectStop(group, counts, totals, options);
    if (stop) stopped.push(stop);
    return {
      group,
      total: counts.reduce((a, b) => a + b, 0),
      trend,
      share: counts.map((c, i) => (totals[i] > 0 ? c / totals[i] : null)),
      shareStart: shareOver(counts, totals, 0, window),
      shareEnd: shareOver(counts, totals, n - window, n),
      stopped: stop !== null,
    };
  });
  const byVerdict = (v: Trend['verdict']): string[] => findings.filter((f) => f.trend.verdict === v).map((f) => f.group);
  const running = findings.filter((f) => !f.stopped && f.trend.verdict !== 'insufficient-data');
  const everyoneSlowing = running.length > 0 && running.every((f) => f.trend.verdict === 'decay');
  const summary = stopped.map((s) => `${s.group}: no lines after ${s.lastEventAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`);
  if (everyoneSlowing) summary.push(`all ${running.length} running group(s) decay`);
  else {
    const decaying = running.filter((f) => f.trend.verdict === 'decay').map((f) => f.group);
    if (decaying.length > 0) summary.push(`decaying: ${decaying.join(', ')} (of ${running.length} running)`);
  }
  return {
    groups: findings,
    stopped,
    decaying: byVerdict('decay'),
    steady: byVerdict('steady'),
    growing: byVerdict('growth'),
    insufficient: byVerdict('insufficient-data'),
    everyoneSlowing,
    summary,
  };
}

function shareOver(counts: number[], totals: number[], from: number, to: number): number | null {
  let g = 0;
  let t = 0;
  for (let i = Math.max(0, from); i < Math.min(to, counts.length); i++) {
    g += counts[i];
    t += totals[i];
  }
  return t > 0 ? g / t : null;
}

/**
 * A group stopped when its tail is silent for longer than its own earlier rate makes plausible, while the
 * other groups still log after its last event (if everybody falls silent together, the run ended).
 */
function detectStop(group: string, counts: number[], totals: number[], options: GroupAnalysisOptions): StoppedGroup | null {
  const n = counts.length;
  let last = -1;
  for (let i = n - 1; i >= 0; i--) {
    if (counts[i] > 0) {
      last = i;
      break;
    }
  }
  if (last < 0) return null;
  let first = 0;
  while (counts[first] === 0) first++;
  // A partial last bucket counts only by its covered fraction.
  const lastCoverage = options.lastBucketCoverage ?? 1;
  const silentFull = n - 1 - last - (lastCoverage < 1 && last < n - 1 ? 1 : 0);
  const silentEffective = silentFull + (last < n - 1 && lastCoverage < 1 ? lastCoverage : 0);
  if (silentFull < (options.minSilentBuckets ?? 3)) return null;
  let othersAfter = 0;
  for (let i = last + 1; i < n; i++) othersAfter += totals[i] - counts[i];
  if (othersAfter <= 0) return null;
  // Rate while active, leaving out a partial first bucket.
  const activeFrom = first === 0 && (options.firstBucketCoverage ?? 1) < 1 && last > 0 ? 1 : first;
  const active = counts.slice(activeFrom, last + 1);
  const rateBefore = active.reduce((a, b) => a + b, 0) / Math.max(1, active.length);
  const dispersion = estimateDispersion(active);
  // Under a negative binomial with variance = dispersion·mean, P(0 in one bucket) = dispersion^(-mean/(dispersion-1)),
  // which tends to exp(-mean) (Poisson) as dispersion -> 1. Sparse logs defeat the dispersion estimate, so the
  // observed share of empty buckets while active (smoothed) is used when it is higher.
  const modelLogP0 = dispersion > 1.0001 ? (-rateBefore / (dispersion - 1)) * Math.log(dispersion) : -rateBefore;
  const zeros = active.filter((c) => c === 0).length;
  const logP0 = Math.max(modelLogP0, Math.log((zeros + 1) / (active.length + 2)));
  if (logP0 * silentEffective > Math.log(options.stopProbability ?? 1e-4)) return null;
  // And never quiet this long before: a gap the group already recovered from is not a stop.
  if (silentFull <= 1.5 * longestZeroRun(active)) return null;
  const exact = options.lastEventAt?.[group];
  const at = exact ?? options.startMs + (last + 1) * options.bucketMs;
  return {
    group,
    lastEventBucket: last,
    lastEventAt: new Date(at).toISOString(),
    lastEventExact: exact !== undefined,
    silentBuckets: silentFull,
    rateBefore,
  };
}

function longestZeroRun(counts: readonly number[]): number {
  let longest = 0;
  let run = 0;
  for (const c of counts) {
    run = c === 0 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}
