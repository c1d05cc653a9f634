// Change points in a series of bucket counts: when did the rate change, and what was it before and after?
//
// PELT (Killick, Fearnhead & Eckley 2012) with a Poisson segment cost, scaled by a robust dispersion estimate so
// overdispersed (bursty) counts are treated as quasi-Poisson instead of sprouting change points. Hand-written:
// npm's bayesian-changepoint is an online Gaussian model, not a Poisson segmentation, and nothing else is kept up.
import { fullBuckets } from './trend.js';
import { mean } from './robust.js';
import { shortLagNoise } from './monotone-shape.js';
import type { ChangePoint, CountSeries } from './types.js';

export interface ChangePointOptions {
  /** Penalty per change point, in units of the dispersion-scaled Poisson deviance. Default 3·ln(n) (MBIC-like). */
  penalty?: number;
  /** Shortest segment, in buckets. Default 3. */
  minSegment?: number;
  /**
   * Smallest relative difference between neighbouring segment rates worth reporting; weaker changes are merged
   * away (a 3% shift at 1000 lines per bucket is real but nobody's problem). Default 0.1.
   */
  minRelativeChange?: number;
  /** Overdispersion factor (variance / mean). Default: estimated from the series, never below 1. */
  dispersion?: number;
  /** Raise the dispersion while the residuals stay autocorrelated (see detectChangePoints). Default true. */
  autocorrelationCorrection?: boolean;
}

/** Change points of a count series; indexes refer to `series.counts` (partial edge buckets are never split off). */
/**
 * Longer series are summed into at most this many coarser buckets first (PELT's pruning degrades on long series
 * with few changes); change points are then located to within one coarse bucket.
 */
export const MAX_CHANGEPOINT_BUCKETS = 2000;

export function detectChangePoints(series: CountSeries, options: ChangePointOptions = {}): ChangePoint[] {
  const full = fullBuckets(series);
  const factor = Math.max(1, Math.ceil(full.counts.length / MAX_CHANGEPOINT_BUCKETS));
  if (factor > 1) {
    // Whole groups only (a short tail group would look like a drop); means are scaled back to one bucket.
    const coarse: number[] = [];
    for (let i = 0; i + factor <= full.counts.length; i += factor) {
      let sum = 0;
      for (let j = i; j < i + factor; j++) sum += full.counts[j];
      coarse.push(sum);
    }
    return detectChangePoints({ counts: coarse, bucketMs: series.bucketMs * factor }, options).map((cp) => ({
      index: full.offset + cp.index * factor,
      before: cp.before / factor,
      after: cp.after / factor,
    }));
  }
  const { counts, offset } = full;
  const n = counts.length;
  const minSegment = options.minSegment ?? 3;
  if (n < 2 * minSegment) return [];
  const penalty = options.penalty ?? 3 * Math.log(n);
  let dispersion = options.dispersion ?? estimateDispersion(counts);
  let cuts = pelt(n, poissonCost(counts, dispersion), penalty, minSegment);
  if (options.dispersion === undefined && (options.autocorrelationCorrection ?? true)) {
    // Autocorrelated noise (a rate that wanders) is not a string of change points: if the residuals around the
    // segment means are still serially correlated, scale the dispersion by the AR(1) long-run variance factor
    // (1 + r1) / (1 − r1) and segment again. White noise around true steps has r1 ≈ 0 and is left alone.
    for (let round = 0; round < 3; round++) {
      const r1 = residualLag1(counts, cuts);
      if (!(r1 > 2 / Math.sqrt(n))) break;
      dispersion *= (1 + r1) / (1 - r1);
      cuts = pelt(n, poissonCost(counts, dispersion), penalty, minSegment);
    }
  }
  cuts = mergeSmallChanges(counts, cuts, options.minRelativeChange ?? 0.1);
  return describe(counts, cuts).map((cp) => ({ ...cp, index: cp.index + offset }));
}

/** Segment cost function over half-open bucket ranges [from, to). */
export type SegmentCost = (from: number, to: number) => number;

/**
 * Poisson deviance-style cost of a segment, -2·loglik at the segment's MLE rate without the constant log(y!)
 * terms, divided by the dispersion factor (quasi-Poisson).
 */
export function poissonCost(counts: readonly number[], dispersion = 1): SegmentCost {
  const prefix = new Float64Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) prefix[i + 1] = prefix[i] + counts[i];
  return (from, to) => {
    const sum = prefix[to] - prefix[from];
    if (sum <= 0) return 0;
    const len = to - from;
    return (2 * (sum - sum * Math.log(sum / len))) / dispersion;
  };
}

/**
 * PELT: exact minimiser of sum(cost) + penalty·(number of change points) over segmentations with segments of at
 * least `minSegment`; returns the change point positions (start index of each new segment), ascending.
 */
export function pelt(n: number, cost: SegmentCost, penalty: number, minSegment = 1): number[] {
  const best = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const previous = new Int32Array(n + 1).fill(-1);
  best[0] = -penalty;
  let candidates: number[] = [0];
  for (let t = minSegment; t <= n; t++) {
    // A new candidate start becomes usable once a full minimum segment fits before and after it.
    const fresh = t - minSegment;
    if (fresh >= minSegment && Number.isFinite(best[fresh])) candidates.push(fresh);
    let bestValue = Number.POSITIVE_INFINITY;
    let bestStart = -1;
    const totals = candidates.map((tau) => best[tau] + cost(tau, t) + penalty);
    totals.forEach((v, k) => {
      if (v < bestValue) {
        bestValue = v;
        bestStart = candidates[k];
      }
    });
    best[t] = bestValue;
    previous[t] = bestStart;
    // Pruning (K = 0 holds for a likelihood cost): a start that cannot beat the optimum now never will.
    candidates = candidates.filter((_, k) => totals[k] - penalty <= bestValue);
  }
  const cuts: number[] = [];
  for (let t = n; t > 0; t = previous[t]) {
    if (previous[t] < 0) break;
    if (previous[t] > 0) cuts.push(previous[t]);
  }
  return cuts.reverse();
}

/**
 * Variance / mean of the counts, from first differences so a level shift does not inflate it:
 * Var(y) ≈ (1.4826·MAD(diff))² / 2. Never below 1 (Poisson).
 */
export function estimateDispersion(counts: readonly number[]): number {
  if (counts.length < 3) return 1;
  const m = mean(counts);
  if (!(m > 0)) return 1;
  return Math.max(1, shortLagNoise(counts) ** 2 / m);
}

/** Lag-1 autocorrelation of the residuals around the segment means. */
function residualLag1(counts: readonly number[], cuts: readonly number[]): number {
  const means = segmentMeans(counts, cuts);
  const bounds = [0, ...cuts, counts.length];
  const residuals: number[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) for (let i = bounds[k]; i < bounds[k + 1]; i++) residuals.push(counts[i] - means[k]);
  let num = 0;
  let den = 0;
  for (let i = 0; i < residuals.length; i++) {
    den += residuals[i] * residuals[i];
    if (i > 0) num += residuals[i] * residuals[i - 1];
  }
  return den > 0 ? num / den : 0;
}

function segmentMeans(counts: readonly number[], cuts: readonly number[]): number[] {
  const bounds = [0, ...cuts, counts.length];
  const means: number[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) means.push(mean(counts.slice(bounds[k], bounds[k + 1])));
  return means;
}

/** Repeatedly removes the change point with the smallest relative rate difference while it is below `threshold`. */
function mergeSmallChanges(counts: readonly number[], cuts: number[], threshold: number): number[] {
  let current = [...cuts];
  while (current.length > 0) {
    const means = segmentMeans(counts, current);
    let weakest = -1;
    let weakestSize = Number.POSITIVE_INFINITY;
    for (let k = 0; k < current.length; k++) {
      const hi = Math.max(means[k], means[k + 1]);
      const size = hi > 0 ? Math.abs(means[k + 1] - means[k]) / hi : 0;
      if (size < weakestSize) {
        weakestSize = size;
        weakest = k;
      }
    }
    if (weakestSize >= threshold) break;
    current = current.filter((_, k) => k !== weakest);
  }
  return current;
}

function describe(counts: readonly number[], cuts: readonly number[]): ChangePoint[] {
  const means = segmentMeans(counts, cuts);
  return cuts.map((index, k) => ({ index, before: means[k], after: means[k + 1] }));
}
