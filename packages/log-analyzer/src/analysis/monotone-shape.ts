// What a monotone (isotonic) fit says about the shape of a run, beyond "is there a trend": where a start-up ramp
// ends (warm-up), and whether the run went back against its own direction for a sustained stretch (a wandering
// rate) instead of moving one way and staying there (a decay). Both are measured against the noise scale read off
// short-lag differences, which a smooth trend barely touches. Rules and thresholds: ANALYSIS.md, "Trend verdict".
import { isotonicFit } from './isotonic.js';
import { ar1Upper, mean, median } from './robust.js';

/**
 * Standard deviation of the bucket-to-bucket noise, from first differences so a trend or a level shift does not
 * inflate it: 1.4826·MAD(diff)/√2 (exact for white noise; a smooth trend only shifts the differences' median).
 * Counts of a few lines per bucket make most differences 0, and so the MAD 0, whatever the noise: then the mean
 * absolute deviation stands in, scaled to a standard deviation (√(π/2), exact for normal noise), as robust z-scores
 * do when the MAD vanishes.
 */
export function shortLagNoise(values: readonly number[]): number {
  if (values.length < 3) return 0;
  const diffs: number[] = [];
  for (let i = 1; i < values.length; i++) diffs.push(values[i] - values[i - 1]);
  const center = median(diffs);
  const deviations = diffs.map((d) => Math.abs(d - center));
  const mad = median(deviations);
  if (mad > 0) return (1.4826 * mad) / Math.SQRT2;
  return (Math.sqrt(Math.PI / 2) * mean(deviations)) / Math.SQRT2;
}

/** Sum of squared residuals of the monotone fit of values[from, to). */
function monotoneSse(values: readonly number[], from: number, to: number, decreasing: boolean): number {
  const part = values.slice(from, to);
  const fit = isotonicFit(part, decreasing);
  let sse = 0;
  part.forEach((v, i) => (sse += (v - fit[i]) ** 2));
  return sse;
}

/**
 * Longest warm-up considered, as a share of the run: a start-up ramp (a pool filling, connections opening) is brief;
 * a rise over a longer stretch is the run's own shape, or a wandering rate.
 */
export const MAX_WARMUP_SHARE = 0.15;

/**
 * Highest start of a warm-up, as a share of the level it rises to: a crawler starts with few requests in flight (an
 * autoscaled pool, connections still opening). A longer rise from higher up is a wandering rate, not a start-up.
 */
export const MAX_WARMUP_START = 0.6;

/**
 * A start-up of at most this many buckets may start higher, up to MAX_STARTUP_START of the level: the first bucket
 * or two are partly idle (the log begins before the first responses arrive), a dip no wander makes that fast.
 */
export const STARTUP_BUCKETS = 2;
export const MAX_STARTUP_START = 0.8;

/**
 * Buckets of a start-up ramp (a pool still growing, caches still cold) before the rate's peak, or 0. The split is
 * the best unimodal fit (rising on [0, k), falling on [k, n), k ≤ MAX_WARMUP_SHARE of the run); it is a warm-up
 * only when the rising fit starts at most MAX_WARMUP_START of the level just after the split (MAX_STARTUP_START
 * for a start-up of STARTUP_BUCKETS or fewer) AND the ramp's mean is
 * below that level by more than 3 standard errors of the short-lag noise, so a steady run's noise is not cut away.
 */
export function warmupLength(values: readonly number[]): number {
  const n = values.length;
  const maxK = Math.floor(n * MAX_WARMUP_SHARE);
  if (maxK < 1) return 0;
  let bestK = 0;
  let bestSse = monotoneSse(values, 0, n, true);
  for (let k = 1; k <= maxK; k++) {
    const sse = monotoneSse(values, 0, k, false) + monotoneSse(values, k, n, true);
    // Ties (the peak fits either side exactly) keep the shorter warm-up: the peak belongs to the run.
    if (sse < bestSse - 1e-9 * (1 + bestSse)) {
      bestSse = sse;
      bestK = k;
    }
  }
  if (bestK === 0) return 0;
  const start = isotonicFit(values.slice(0, bestK), false)[0];
  const ramp = mean(values.slice(0, bestK));
  const after = values.slice(bestK, bestK + Math.max(3, bestK));
  const level = mean(after);
  const noise = shortLagNoise(values);
  // Sparse counts (mostly zeros) have no measurable short-lag noise: no ramp can be told from chance there.
  if (!(noise > 0)) return 0;
  const se = noise * Math.sqrt(1 / bestK + 1 / after.length);
  const highestStart = bestK <= STARTUP_BUCKETS ? MAX_STARTUP_START : MAX_WARMUP_START;
  return start <= highestStart * level && level - ramp > 3 * se ? bestK : 0;
}

export interface Excursion {
  /** Size of the monotone fit's change from the first to the last bucket (≥ 0). */
  drop: number;
  /**
   * Largest mean residual from the monotone fit over any window of a tenth of the run (≥ 3 buckets), less what
   * white noise of the short-lag scale reaches (3 standard errors), as a share of `drop`. 0 for a run that moves
   * one way and stays; large for a rate that went back up (or down) for a sustained stretch.
   */
  ratio: number;
}

/** The sustained excursions of a run around its monotone fit in the given direction. */
export function monotoneExcursion(values: readonly number[], decreasing: boolean): Excursion {
  const n = values.length;
  const fit = isotonicFit(values, decreasing);
  const drop = Math.abs(fit[0] - fit[n - 1]);
  const window = Math.min(n, Math.max(3, Math.round(n / 10)));
  let largest = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i] - fit[i];
    if (i >= window) sum -= values[i - window] - fit[i - window];
    if (i >= window - 1) largest = Math.max(largest, Math.abs(sum / window));
  }
  const excess = Math.max(0, largest - (3 * shortLagNoise(values)) / Math.sqrt(window));
  return { drop, ratio: drop > 0 ? excess / drop : excess > 0 ? Number.POSITIVE_INFINITY : 0 };
}

export interface LevelShift {
  /** First index after the split. */
  index: number;
  /** Mean after / mean before − 1. */
  relativeChange: number;
  /**
   * (mean after − mean before) / its standard error, the residuals' variance scaled by the AR(1) long-run factor
   * (1 + phi) / (1 − phi), phi their lag-1 autocorrelation bias-corrected (Marriott & Pope) and one standard error
   * up, as for `ar1Factor`.
   */
  t: number;
}

/**
 * The best single split of the run into two levels (least squares, each side at least a tenth of the run and 3
 * buckets) and how far the two levels stand apart in long-run standard errors. Null for fewer than 6 values or a
 * zero mean before the split.
 */
export function levelShift(values: readonly number[]): LevelShift | null {
  const n = values.length;
  const minSide = Math.max(3, Math.floor(n / 10));
  if (n < 2 * minSide) return null;
  const sum = [0];
  const sumSq = [0];
  for (const v of values) {
    sum.push(sum[sum.length - 1] + v);
    sumSq.push(sumSq[sumSq.length - 1] + v * v);
  }
  const sse = (a: number, b: number): number => sumSq[b] - sumSq[a] - (sum[b] - sum[a]) ** 2 / (b - a);
  let index = -1;
  let best = Number.POSITIVE_INFINITY;
  for (let k = minSide; k <= n - minSide; k++) {
    const e = sse(0, k) + sse(k, n);
    if (e < best) {
      best = e;
      index = k;
    }
  }
  const before = sum[index] / index;
  const after = (sum[n] - sum[index]) / (n - index);
  if (!(before > 0)) return null;
  let c0 = 0;
  let c1 = 0;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const r = values[i] - (i < index ? before : after);
    c0 += r * r;
    if (i > 0) c1 += r * previous;
    previous = r;
  }
  const relativeChange = after / before - 1;
  if (c0 === 0) return { index, relativeChange, t: after === before ? 0 : Math.sign(after - before) * Number.POSITIVE_INFINITY };
  const phi = Math.max(0, ar1Upper(c1 / c0, n));
  const longRunVariance = (c0 / (n - 2)) * ((1 + phi) / (1 - phi));
  return { index, relativeChange, t: (after - before) / Math.sqrt(longRunVariance * (1 / index + 1 / (n - index))) };
}

/** Buckets averaged on each side of a split to measure its jump (`stepSharpness`). */
export const JUMP_WINDOW = 3;

export interface StepSharpness {
  /**
   * The jump across the split (the mean of JUMP_WINDOW buckets after it less the mean of JUMP_WINDOW before it, one
   * bucket skipped on each side, where a step falls mid-bucket; the largest in the split's direction within one
   * bucket of it), in robust standard deviations (1.4826·MAD) of the same difference taken at every position of
   * the run, after its median.
   */
  z: number;
  /** That jump as a share of the difference between the two levels: near 1 when the change happened at once. */
  share: number;
}

/**
 * How abruptly a run moved from one level to the other at `index` (the split of `levelShift`). A step (a server
 * losing half its capacity at once) makes one jump that stands far out of the jumps measured anywhere else in the
 * run and accounts for the whole difference of the levels; a wandering rate gets from one level to the other over
 * many buckets, each no larger than its other moves. Null when the run is too short for the comparison (fewer
 * than 8 positions) or its jumps have no spread (sparse counts, mostly 0).
 */
export function stepSharpness(values: readonly number[], index: number): StepSharpness | null {
  const n = values.length;
  const m = JUMP_WINDOW;
  const sum = [0];
  for (const v of values) sum.push(sum[sum.length - 1] + v);
  const meanOf = (a: number, b: number) => (sum[b] - sum[a]) / (b - a);
  const jumpAt = (k: number) => meanOf(k + 1, k + 1 + m) - meanOf(k - 1 - m, k - 1);
  const first = m + 1;
  const last = n - 1 - m;
  if (last - first + 1 < 8 || index < first || index > last) return null;
  const jumps: number[] = [];
  for (let k = first; k <= last; k++) jumps.push(jumpAt(k));
  const center = median(jumps);
  const scale = 1.4826 * median(jumps.map((d) => Math.abs(d - center)));
  if (!(scale > 0)) return null;
  const levels = meanOf(index, n) - meanOf(0, index);
  let jump = 0;
  for (let k = Math.max(first, index - 1); k <= Math.min(last, index + 1); k++) {
    const j = jumpAt(k);
    if (Math.sign(j) === Math.sign(levels) && Math.abs(j) > Math.abs(jump)) jump = j;
  }
  return { z: (jump - center) / scale, share: levels !== 0 ? jump / levels : 0 };
}
