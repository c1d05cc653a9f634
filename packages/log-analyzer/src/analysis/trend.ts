// Trend verdict for one series of bucket counts (or gauge values): is the crawl really slowing, and by how much?
//
// Significance: Mann-Kendall with tie correction and the Hamed-Rao autocorrelation correction, the noise's
// autocorrelation read off the residuals of a monotone (isotonic) fit, so the curvature of a smooth decay or a step
// is not mistaken for autocorrelated noise. Shape: a start-up ramp before the rate's peak is left out (warm-up), and
// a run that goes back against its direction for a sustained stretch (a wandering rate) is not a trend. Size:
// Theil-Sen slope, and the relative change of the rate from the run's start to its end. A verdict needs all of
// significant (p < alpha), large (|relative change| >= minRelativeChange) and sustained. Where asked (values read
// off statistics lines), a run too short or noisy to have shown a 20% decline is insufficient-data, not steady.
// Thresholds: ANALYSIS.md.
import { mannKendall, mannKendallS } from './mann-kendall.js';
import { theilSen } from './theil-sen.js';
import { mean, normalQuantileTwoSided, presentPoints, twoSidedNormalP } from './robust.js';
import { levelShift, MAX_WARMUP_SHARE, monotoneExcursion, shortLagNoise, stepSharpness, warmupLength, type LevelShift } from './monotone-shape.js';
import type { CountSeries, Trend, Verdict } from './types.js';

export interface TrendOptions {
  /** Two-sided significance level of the Mann-Kendall test. Default 0.01. */
  alpha?: number;
  /** Smallest |relative change| start→end that counts as decay or growth. Default 0.10 (10%). */
  minRelativeChange?: number;
  /** Fewest full buckets to judge a trend at all. Default 10. */
  minBuckets?: number;
  /** Fewest events (sum of counts) to judge a count series. Default 20. Not applied to gauge values. */
  minEvents?: number;
  /**
   * Allow for serially correlated noise: the Hamed-Rao correction of the test, and the sustained-excursion rule
   * (`maxExcursion`). Default true.
   */
  autocorrelationCorrection?: boolean;
  /**
   * Largest sustained excursion against the trend's direction, as a share of the trend's size, that still counts
   * as a trend (see `monotoneExcursion`). Default 0.10: the excursion is already net of what white noise reaches
   * (3 standard errors), so a monotone decay leaves next to none, while a slowly wandering steady rate leaves its
   * swing; 0.15 let more of those wanders through (6.5-7.5% false alarms against 6%), and at 0.08 two real decays
   * of 51% and 60% with a bump on the way down (excursions 0.089 and 0.092) were lost (the curve and the real
   * runs: ANALYSIS.md).
   */
  maxExcursion?: number;
  /** Leave a start-up ramp before the rate's peak out of the judged window (see `warmupLength`). Default true. */
  warmup?: boolean;
  /**
   * A single step whose two levels stand at least this many long-run standard errors apart (see `levelShift`)
   * is a decay or growth even when the rank test is not significant. Default 9: what AR(1) wanders with phi up to
   * 0.95 stay below in 99.5% of runs (white noise: 3.7), measured in bench/detector.
   */
  minShiftT?: number;
  /**
   * An abrupt step needs less: two levels at least this many long-run standard errors apart, when the change
   * happened at once (see `stepSharpness`): its jump stands at least `minJumpZ` robust standard deviations out of
   * the run's other jumps and makes at least half the levels' difference, after the first MAX_WARMUP_SHARE of the
   * run (a start-up is not a step), and the rate still holds half of it at the end (a dip it climbs back from is no
   * step). Default 3, with `minJumpZ` 5: every steady class of bench/detector stays below
   * that pair in 99.5% of runs (AR(1) wanders phi 0.9–0.95 included), ANALYSIS.md.
   */
  minAbruptShiftT?: number;
  minJumpZ?: number;
  /**
   * The decline a steady verdict must have been able to see: a run whose noise and length leave the rank test
   * unable to call a linear decline of this size (share of the mean level) with `DETECTION_POWER` is
   * `insufficient-data`, not `steady`, and says the decline it could have shown (see `detectableDecline`). Default
   * 0 (off): a series counted line by line has as many buckets as the span allows. The report's values read off
   * periodic statistics lines, a dozen points in a few minutes' run, use STATISTICS_DETECTABLE_DECLINE.
   */
  minDetectableDecline?: number;
}

export const TREND_DEFAULTS: Required<TrendOptions> = {
  alpha: 0.01,
  minRelativeChange: 0.1,
  minBuckets: 10,
  minEvents: 20,
  autocorrelationCorrection: true,
  maxExcursion: 0.1,
  warmup: true,
  minShiftT: 9,
  minAbruptShiftT: 3,
  minJumpZ: 5,
  minDetectableDecline: 0,
};

/** `minDetectableDecline` of the values read off statistics lines: the 20% declines the detector is built to call. */
export const STATISTICS_DETECTABLE_DECLINE = 0.2;

/** Probability with which `detectableDecline` is seen: the conventional 80%. */
export const DETECTION_POWER = 0.8;

/** Mann-Kendall and Theil-Sen are O(n^2): longer series are summed into at most this many coarser buckets. */
export const MAX_TREND_POINTS = 600;

const INSUFFICIENT: Trend = { verdict: 'insufficient-data', relativeChange: null, pValue: null, slopePerHour: null };

/** Trend of a count series; partial first/last buckets (coverage < 1) are left out so they cannot fake a trend. */
export function analyzeTrend(series: CountSeries, options: TrendOptions = {}): Trend {
  const opts = { ...TREND_DEFAULTS, ...options };
  const counts = fullBuckets(series).counts;
  let events = 0;
  for (const c of counts) events += c;
  if (counts.length < opts.minBuckets || events < opts.minEvents) return { ...INSUFFICIENT };
  return analyzeValueTrend(counts, series.bucketMs, opts);
}

/**
 * Trend of a series of values per bucket (counts, gauge means, ratios); null marks a bucket with no value.
 * The same test and thresholds as `analyzeTrend`, without the event-count minimum.
 */
export function analyzeValueTrend(values: ReadonlyArray<number | null>, bucketMs: number, options: TrendOptions = {}): Trend {
  const opts = { ...TREND_DEFAULTS, ...options };
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v)).length;
  if (present < opts.minBuckets) return { ...INSUFFICIENT };
  const { values: coarse, factor } = coarsen(values, MAX_TREND_POINTS);
  const warmup = opts.warmup ? warmupCut(coarse) : 0;
  const judged = coarse.slice(warmup);
  const mk = mannKendall(judged, { autocorrelationCorrection: opts.autocorrelationCorrection, detrend: 'monotone' });
  const { xs, ys } = presentPoints(judged);
  const line = theilSen(xs, ys);
  // Per-bucket slope in the caller's bucket units (a coarse point sums `factor` buckets, or averages them for gauges).
  const slopePerBucket = line.slope / (factor * factor);
  const slopePerHour = slopePerBucket * (3_600_000 / bucketMs);
  const change = relativeChangeOf(xs, ys, line.slope, line.intercept);
  let relativeChange = change.value;
  // The direction: the Sen slope's sign, or Kendall's S where ties make that slope exactly 0 (counts of a few lines
  // per bucket, mostly zeros late in a falling run: over half the pairs tie, so the median slope is 0 however
  // clearly the rate fell).
  const direction = Math.sign(line.slope) || Math.sign(mk.s);
  let verdict = change.disputed ? 'steady' : decide(mk.pValue, direction, relativeChange, opts);
  let wandering = false;
  if ((verdict === 'decay' || verdict === 'growth') && opts.autocorrelationCorrection) {
    wandering = monotoneExcursion(ys, verdict === 'decay').ratio > opts.maxExcursion;
    if (wandering) verdict = 'steady';
  }
  // A step that stands far above the noise, or an abrupt one clear of it, is a decay (or growth) even where the
  // rank test, which weighs every pair of buckets alike, is weak: a late step under autocorrelated noise. Its size
  // is then the step's: the line
  // through a late step is nearly flat, and the two levels are the run's start and end.
  let sustainedShift = false;
  if (verdict === 'steady' && !change.disputed && relativeChange !== null) {
    const shift = levelShift(ys);
    const sign = shift === null ? 0 : Math.sign(shift.relativeChange);
    if (
      shift !== null &&
      Math.sign(relativeChange) === sign &&
      Math.abs(shift.relativeChange) >= opts.minRelativeChange &&
      // A jump does not make a run that went back against its direction for a sustained stretch a decay.
      (sign * shift.t >= opts.minShiftT || (!wandering && abruptStep(ys, shift, opts)))
    ) {
      verdict = sign < 0 ? 'decay' : 'growth';
      relativeChange = shift.relativeChange;
      sustainedShift = true;
      wandering = false;
    }
  }
  // A steady verdict says "no decline of the size that matters"; a run too short or too noisy to show one says
  // nothing, and so is not steady.
  // Both shapes: the rank test sees a linear decline best and a step worst (a step at mid-run leaves the pairs
  // within each half to chance), and a crawl's decline can be either.
  let detectable: number | null = null;
  let detectableStepDrop: number | null = null;
  if (verdict === 'steady' && !wandering && opts.minDetectableDecline > 0) {
    detectable = detectableDecline(ys, mk.varianceFactor, opts.alpha);
    detectableStepDrop = detectableStep(ys, mk.varianceFactor, opts.alpha, opts.minShiftT);
    if (Math.max(detectable ?? 0, detectableStepDrop ?? 0) > opts.minDetectableDecline) verdict = 'insufficient-data';
  }
  // Nor does a run whose own size says it moved as much as the declines that matter, where no route could confirm it
  // (a dozen statistics points across a step): "steady" would contradict its size.
  let unconfirmed = false;
  if (verdict === 'steady' && !wandering && opts.minDetectableDecline > 0 && relativeChange !== null && Math.abs(relativeChange) >= opts.minDetectableDecline) {
    verdict = 'insufficient-data';
    unconfirmed = true;
  }
  const trend: Trend = { verdict, relativeChange, pValue: mk.pValue, slopePerHour };
  if (detectable !== null && Number.isFinite(detectable)) trend.detectableDecline = detectable;
  if (detectableStepDrop !== null) trend.detectableStep = Number.isFinite(detectableStepDrop) ? detectableStepDrop : null;
  if (warmup > 0) trend.warmupBuckets = warmup * factor;
  if (wandering) trend.wandering = true;
  if (sustainedShift) trend.sustainedShift = true;
  if (unconfirmed) trend.unconfirmed = true;
  return trend;
}

/** The single step of `levelShift` is abrupt, clear of the noise and sustained (`minAbruptShiftT`, `minJumpZ`). */
function abruptStep(values: readonly number[], shift: LevelShift, opts: Required<TrendOptions>): boolean {
  const sign = Math.sign(shift.relativeChange);
  if (shift.index < Math.ceil(MAX_WARMUP_SHARE * values.length) || sign * shift.t < opts.minAbruptShiftT) return false;
  const sharp = stepSharpness(values, shift.index);
  if (sharp === null || sign * sharp.z < opts.minJumpZ || sharp.share < MIN_JUMP_SHARE) return false;
  // Sustained: the last third after the jump still holds at least half of it. A dip the rate climbs back from (a
  // machine's hiccup) can be abrupt and clear 3 standard errors; it does not clear the 9 of the other route.
  const before = mean(values.slice(0, shift.index));
  const after = values.slice(shift.index);
  const end = mean(after.slice(-Math.max(2, Math.floor(after.length / 3))));
  return sign * (end - before) >= 0.5 * sign * (mean(after) - before);
}

/** Share of the two levels' difference an abrupt step's jump must make. */
const MIN_JUMP_SHARE = 0.5;

/**
 * The smallest linear decline over the run, as a share of the series' mean level, that the rank test calls at
 * two-sided `alpha` with probability DETECTION_POWER, given the run's length n, its short-lag noise sigma (normal)
 * and the test's autocorrelation factor f (Var(S) is multiplied by f). Under a slope b per bucket, each pair k
 * buckets apart is concordant with probability Phi(b·k / (sigma·√2)), so
 *   E[S](b) = sum over k of (n − k)·(2·Phi(b·k / (sigma·√2)) − 1),
 * and the decline is the b where E[S] = (z(alpha/2) + z(power))·sqrt(f·Var(S)), times (n − 1) / level. (The
 * linearised form, b·n^1.5 / (2·sigma·√π), is the least-squares slope's z times sqrt(3/π), Sen 1968; it
 * overstates the power of a large b, which the exact sum does not.) Null when the level is not positive.
 */
export function detectableDecline(values: readonly number[], varianceFactor: number, alpha: number): number | null {
  const n = values.length;
  const level = mean(values);
  if (n < 3 || !(level > 0)) return null;
  const sigma = shortLagNoise(values);
  if (!(sigma > 0)) return 0;
  const needed = requiredS(n, varianceFactor, alpha);
  const expectedS = (slope: number): number => {
    let s = 0;
    for (let k = 1; k < n; k++) s += (n - k) * (2 * normalCdf((slope * k) / (sigma * Math.SQRT2)) - 1);
    return s;
  };
  const most = (n * (n - 1)) / 2;
  // Past every pair concordant the test cannot reach it: no decline is detectable.
  if (needed >= most) return Number.POSITIVE_INFINITY;
  let lo = 0;
  let hi = sigma;
  while (expectedS(hi) < needed) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (expectedS(mid) < needed) lo = mid;
    else hi = mid;
  }
  return (hi * (n - 1)) / level;
}

/**
 * The smallest step drop at mid-run, as a share of the series' mean level, that the verdict calls with probability
 * DETECTION_POWER (the same n, sigma and f as `detectableDecline`): the smaller of what its two routes to a step
 * need. The rank test: a step of size d between the halves (h and n − h points) makes each of the h·(n − h) pairs
 * across it concordant with probability Phi(d / (sigma·√2)) and leaves the pairs within each half to chance, so
 *   E[S](d) = h·(n − h)·(2·Phi(d / (sigma·√2)) − 1) = (z(alpha/2) + z(power))·sqrt(f·Var(S)),
 * which a dozen points cannot reach at any d (every pair across concordant falls short). The level shift: t =
 * d / (sigma·√f·√(1/h + 1/(n − h))) must reach `minShiftT` with that power: d = (minShiftT + z(power))·sigma·√f·
 * √(1/h + 1/(n − h)) (the noise's long-run variance taken as sigma²·f; the abrupt route's lower bar is not
 * counted, as a step need not be abrupt). Mid-run is the step both see best. +Infinity when neither can call any
 * step; null when the level is not positive.
 */
export function detectableStep(values: readonly number[], varianceFactor: number, alpha: number, minShiftT: number): number | null {
  const n = values.length;
  const level = mean(values);
  if (n < 3 || !(level > 0)) return null;
  const sigma = shortLagNoise(values);
  if (!(sigma > 0)) return 0;
  const h = Math.floor(n / 2);
  const across = h * (n - h);
  const needed = requiredS(n, varianceFactor, alpha);
  const byRank = needed < across ? normalQuantileTwoSided(1 - needed / across) * sigma * Math.SQRT2 : Number.POSITIVE_INFINITY;
  const byShift = (minShiftT + normalQuantileTwoSided(2 * (1 - DETECTION_POWER))) * sigma * Math.sqrt(varianceFactor * (1 / h + 1 / (n - h)));
  return Math.min(byRank, byShift) / level;
}

/** The S a decline must reach in expectation to be called at `alpha` with DETECTION_POWER: (z(alpha/2) + z(power))·sqrt(f·Var(S)). */
function requiredS(n: number, varianceFactor: number, alpha: number): number {
  const z = normalQuantileTwoSided(alpha) + normalQuantileTwoSided(2 * (1 - DETECTION_POWER));
  return z * Math.sqrt((varianceFactor * n * (n - 1) * (2 * n + 5)) / 18);
}

function normalCdf(x: number): number {
  const tail = twoSidedNormalP(Math.abs(x)) / 2;
  return x >= 0 ? 1 - tail : tail;
}

/**
 * Points (of the possibly coarsened series) to leave out as a start-up ramp: the warm-up of `warmupLength` over
 * the present values, only when the rest of the run falls (a ramp before a steady or rising run is not cut).
 */
function warmupCut(values: ReadonlyArray<number | null>): number {
  const { xs, ys } = presentPoints(values);
  const k = warmupLength(ys);
  if (k === 0 || !(mannKendallS(ys.slice(k)) < 0)) return 0;
  return xs[k];
}

/** The counts without partial edge buckets, and the index of the first kept bucket in the original series. */
export function fullBuckets(series: CountSeries): { counts: number[]; offset: number } {
  let counts = series.counts;
  let offset = 0;
  if ((series.lastBucketCoverage ?? 1) < 1 && counts.length > 1) counts = counts.slice(0, -1);
  if ((series.firstBucketCoverage ?? 1) < 1 && counts.length > 1) {
    counts = counts.slice(1);
    offset = 1;
  }
  return { counts, offset };
}

function decide(pValue: number, direction: number, relativeChange: number | null, opts: Required<TrendOptions>): Verdict {
  if (!(pValue < opts.alpha)) return 'steady';
  if (relativeChange === null) {
    // Rate starts at zero: only growth is possible, and its size cannot be expressed relative to zero.
    return direction > 0 ? 'growth' : 'steady';
  }
  if (relativeChange <= -opts.minRelativeChange && direction < 0) return 'decay';
  if (relativeChange >= opts.minRelativeChange && direction > 0) return 'growth';
  return 'steady';
}

/**
 * Rate change from the start of the run to its end. Two estimates: the Theil-Sen line at the first and last x
 * (exact for a linear trend, overshoots for a step), and the means of the first and last tenths (at least 3
 * buckets; exact for a step, short of the truth for a linear trend). When they agree in direction the smaller
 * one is reported, so neither shape is overstated; otherwise the line's value, flagged as disputed.
 * Sparse counts (the line starts at or below 0, e.g. mostly-zero buckets) use the means of the first and last
 * thirds instead, the steadiest estimate there is. Null when the run starts with no events at all.
 */
function relativeChangeOf(xs: number[], ys: number[], slope: number, intercept: number): { value: number | null; disputed: boolean } {
  if (xs.length === 0) return { value: null, disputed: false };
  const lineStart = intercept + slope * xs[0];
  const lineEnd = intercept + slope * xs[xs.length - 1];
  if (!(lineStart > 0)) return { value: endsChange(ys, Math.max(3, Math.floor(ys.length / 3))), disputed: false };
  const fromLine = Math.max(-1, lineEnd / lineStart - 1);
  const fromEnds = endsChange(ys, Math.max(3, Math.round(ys.length / 10)));
  if (fromEnds === null) return { value: fromLine, disputed: false };
  if (Math.sign(fromLine) !== Math.sign(fromEnds)) return { value: fromLine, disputed: true };
  return { value: Math.abs(fromLine) <= Math.abs(fromEnds) ? fromLine : fromEnds, disputed: false };
}

/** last window's mean / first window's mean − 1; null when the first window is empty. */
function endsChange(ys: number[], window: number): number | null {
  const first = mean(ys.slice(0, window));
  const last = mean(ys.slice(-window));
  return first > 0 ? Math.max(-1, last / first - 1) : null;
}

/** Sums runs of `factor` buckets (null only when all are null) so at most `maxPoints` remain. */
function coarsen(values: ReadonlyArray<number | null>, maxPoints: number): { values: Array<number | null>; factor: number } {
  if (values.length <= maxPoints) return { values: [...values], factor: 1 };
  const factor = Math.ceil(values.length / maxPoints);
  const out: Array<number | null> = [];
  // Only whole groups: a short tail group would look like a drop.
  for (let i = 0; i + factor <= values.length; i += factor) {
    let sum = 0;
    let seen = 0;
    for (let j = i; j < i + factor; j++) {
      const v = values[j];
      if (v !== null && Number.isFinite(v)) {
        sum += v;
        seen++;
      }
    }
    // Average over present values, scaled to the group size, so a gap does not look like a drop.
    out.push(seen === 0 ? null : (sum / seen) * factor);
  }
  return { values: out, factor };
}
