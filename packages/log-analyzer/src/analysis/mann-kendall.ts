// Mann-Kendall trend test with tie correction and the Hamed & Rao (1998) variance correction for autocorrelation.
//
// Hand-written: no well-kept npm package implements the test (simple-statistics has none). Follows
// Hamed, K.H. & Rao, A.R. (1998) "A modified Mann-Kendall trend test for autocorrelated data", J. Hydrology 204,
// and the reference implementation in pyMannKendall (`hamed_rao_modification_test`).
import { ar1Upper, autocorrelation, averageRanks, normalQuantileTwoSided, presentPoints, twoSidedNormalP } from './robust.js';
import { theilSen } from './theil-sen.js';
import { isotonicFit } from './isotonic.js';

export interface MannKendallResult {
  /** Number of (non-missing) observations. */
  n: number;
  /** Kendall's S: sum of signs over all ordered pairs. */
  s: number;
  /** Variance of S under no trend, independent observations, with the tie correction. */
  varS: number;
  /** n / n*: the Hamed-Rao inflation factor applied to varS (1 = no autocorrelation correction). */
  varianceFactor: number;
  /** varS * varianceFactor. */
  varSCorrected: number;
  /** Continuity-corrected normal score with the corrected variance. */
  z: number;
  /** Two-sided p-value of z. */
  pValue: number;
  /** Kendall's tau: S / (n(n-1)/2). */
  tau: number;
}

export interface MannKendallOptions {
  /** Apply the Hamed-Rao autocorrelation correction. Default true. */
  autocorrelationCorrection?: boolean;
  /** Significance level for keeping a rank autocorrelation in the correction. Default 0.05 (as in the paper). */
  acfAlpha?: number;
  /** Largest lag considered in the correction. Default: all lags (n - 1), as in the paper. */
  maxLag?: number;
  /**
   * What to remove before estimating the noise's autocorrelation. `linear` (the paper's choice) subtracts the
   * Theil-Sen line; `monotone` subtracts the isotonic fit in the direction of S, so a step or a curved decay is
   * not counted as autocorrelation. Default `line-or-step`.
   */
  detrend?: 'linear' | 'monotone' | 'line-or-step';
  /**
   * Also floor the factor with an AR(1) model fitted to the residual ranks (lag-1 correlation, bias-corrected
   * for the short series), when that correlation is significant: Hamed-Rao's per-lag significance filter drops
   * the long tail of a slowly wandering rate. Default true.
   */
  ar1Floor?: boolean;
  /**
   * Floor for the variance factor. Default 1: negative autocorrelation never makes the test *less* conservative,
   * because a false decay alarm costs an operator more than a missed weak trend.
   */
  minVarianceFactor?: number;
}

/** Mann-Kendall S; null entries (missing values) are skipped, x positions are the array indexes. */
export function mannKendallS(values: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < values.length - 1; i++) {
    const vi = values[i];
    for (let j = i + 1; j < values.length; j++) s += Math.sign(values[j] - vi);
  }
  return s;
}

/** Var(S) with the tie correction: [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18 over groups of t tied values. */
export function mannKendallVariance(values: readonly number[]): number {
  const n = values.length;
  const tieCounts = new Map<number, number>();
  for (const v of values) tieCounts.set(v, (tieCounts.get(v) ?? 0) + 1);
  let ties = 0;
  for (const t of tieCounts.values()) if (t > 1) ties += t * (t - 1) * (2 * t + 5);
  return (n * (n - 1) * (2 * n + 5) - ties) / 18;
}

/**
 * Hamed-Rao n/n*: detrend, rank, and sum the significant rank autocorrelations:
 * n/n* = 1 + 2 / (n(n-1)(n-2)) * sum_k (n-k)(n-k-1)(n-k-2) r_k.
 */
export function hamedRaoFactor(values: readonly number[], xs: readonly number[], options: MannKendallOptions = {}): number {
  const n = values.length;
  if (n < 3) return 1;
  const ranks = averageRanks(residuals(values, xs, options.detrend ?? 'line-or-step'));
  const maxLag = Math.min(options.maxLag ?? n - 1, n - 1);
  const acf = autocorrelation(ranks, maxLag);
  const bound = normalQuantileTwoSided(options.acfAlpha ?? 0.05) / Math.sqrt(n);
  let sum = 0;
  for (let k = 1; k < acf.length; k++) {
    if (Math.abs(acf[k]) > bound) sum += (n - k) * (n - k - 1) * (n - k - 2) * acf[k];
  }
  let factor = 1 + (2 / (n * (n - 1) * (n - 2))) * sum;
  // Only when the lag-1 correlation is itself significant, as for every lag above: white noise pays nothing.
  if ((options.ar1Floor ?? true) && (acf[1] ?? 0) > bound) factor = Math.max(factor, ar1Factor(acf[1], n));
  return Math.max(options.minVarianceFactor ?? 1, factor);
}

/**
 * The same factor under an AR(1) model with lag-1 correlation r1, bias-corrected for a short series with an
 * estimated mean (E[r1] ≈ phi − (1 + 4·phi)/n, Marriott & Pope 1954) and taken one standard error up, so
 * r_k = phi^k at every lag.
 */
export function ar1Factor(r1: number, n: number): number {
  if (n < 4) return 1;
  const phi = ar1Upper(r1, n);
  if (!(phi > 0)) return 1;
  let sum = 0;
  let rho = 1;
  for (let k = 1; k < n - 2; k++) {
    rho *= phi;
    if (rho < 1e-6) break;
    sum += (n - k) * (n - k - 1) * (n - k - 2) * rho;
  }
  return 1 + (2 / (n * (n - 1) * (n - 2))) * sum;
}

function residuals(values: readonly number[], xs: readonly number[], detrend: 'linear' | 'monotone' | 'line-or-step'): number[] {
  if (detrend === 'linear' || detrend === 'line-or-step') {
    const { slope, intercept } = theilSen(xs, values);
    const line = values.map((v, i) => v - slope * xs[i] - intercept);
    if (detrend === 'linear') return line;
    const step = stepResiduals(values);
    return sumOfSquares(step) < sumOfSquares(line) ? step : line;
  }
  const fit = isotonicFit(values, mannKendallS(values) < 0);
  return values.map((v, i) => v - fit[i]);
}

/**
 * Mann-Kendall test on a series with optional gaps (null). Observations are taken at their array index, so gaps
 * keep the spacing of the others.
 */
export function mannKendall(series: ReadonlyArray<number | null>, options: MannKendallOptions = {}): MannKendallResult {
  const { xs, ys } = presentPoints(series);
  const n = ys.length;
  const s = mannKendallS(ys);
  const varS = mannKendallVariance(ys);
  const varianceFactor = options.autocorrelationCorrection === false ? 1 : hamedRaoFactor(ys, xs, options);
  const varSCorrected = varS * varianceFactor;
  let z = 0;
  if (varSCorrected > 0) {
    if (s > 0) z = (s - 1) / Math.sqrt(varSCorrected);
    else if (s < 0) z = (s + 1) / Math.sqrt(varSCorrected);
  }
  const pValue = varSCorrected > 0 ? twoSidedNormalP(z) : 1;
  const tau = n > 1 ? s / ((n * (n - 1)) / 2) : 0;
  return { n, s, varS, varianceFactor, varSCorrected, z, pValue, tau };
}

/** Residuals from the best single step (two means, split anywhere leaving >= 2 points a side). */
function stepResiduals(values: readonly number[]): number[] {
  const n = values.length;
  const prefix = [0];
  const prefixSq = [0];
  for (const v of values) {
    prefix.push(prefix[prefix.length - 1] + v);
    prefixSq.push(prefixSq[prefixSq.length - 1] + v * v);
  }
  const sse = (a: number, b: number): number => prefixSq[b] - prefixSq[a] - (prefix[b] - prefix[a]) ** 2 / (b - a);
  let best = -1;
  let bestSse = Number.POSITIVE_INFINITY;
  for (let k = 2; k <= n - 2; k++) {
    const e = sse(0, k) + sse(k, n);
    if (e < bestSse) {
      bestSse = e;
      best = k;
    }
  }
  if (best < 0) return values.map((v) => v - prefix[n] / n);
  const m1 = prefix[best] / best;
  const m2 = (prefix[n] - prefix[best]) / (n - best);
  return values.map((v, i) => v - (i < best ? m1 : m2));
}

function sumOfSquares(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v * v;
  return s;
}
