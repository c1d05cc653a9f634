// Laplace trend test on raw event times (Cox & Lewis 1966): needs no buckets, so it cross-checks the bucketed
// verdict. Under a homogeneous Poisson process on [start, end] the mean event time sits at the midpoint; events
// crowding early (U < 0) mean the rate fell. It assumes Poisson arrivals: bursty logs make it overconfident,
// which is why the verdict itself comes from the autocorrelation-corrected Mann-Kendall test.
import { twoSidedNormalP } from './robust.js';

export interface LaplaceResult {
  /** Number of events in the window. */
  n: number;
  /** Laplace statistic, standard normal under a constant rate; negative = decreasing rate. */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  direction: 'decreasing' | 'increasing' | 'none';
}

/**
 * Laplace test for events at `times` (any unit, e.g. epoch ms) observed over [start, end]; the window defaults
 * to the first and last event (which then slightly understates the evidence, never overstates it).
 */
export function laplaceTrendTest(times: readonly number[], start?: number, end?: number, alpha = 0.01): LaplaceResult {
  let lo = start ?? Number.POSITIVE_INFINITY;
  let hi = end ?? Number.NEGATIVE_INFINITY;
  if (start === undefined || end === undefined) {
    for (const t of times) {
      if (start === undefined && t < lo) lo = t;
      if (end === undefined && t > hi) hi = t;
    }
  }
  const span = hi - lo;
  let n = 0;
  let sum = 0;
  for (const t of times) {
    if (t < lo || t > hi) continue;
    n++;
    sum += t - lo;
  }
  if (n === 0 || !(span > 0)) return { n, u: 0, pValue: 1, direction: 'none' };
  const u = (sum / n - span / 2) / (span * Math.sqrt(1 / (12 * n)));
  const pValue = twoSidedNormalP(u);
  const direction = pValue < alpha ? (u < 0 ? 'decreasing' : 'increasing') : 'none';
  return { n, u, pValue, direction };
}
