// Small numeric building blocks shared by the trend, change-point and USL code: medians, ranks, autocorrelation,
// the normal tail. Kept here so every statistic uses the same definitions (ties, empty input).
import { errorFunction } from 'simple-statistics';

/** Median of a list (average of the two middle values for an even count); NaN for an empty list. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  // Quickselect on a copy: O(n), where a full sort of the ~10^6 pairwise slopes of a long series takes ~1 s.
  const a = Float64Array.from(values);
  const mid = n >> 1;
  const upper = select(a, mid);
  if (n % 2 === 1) return upper;
  // After selecting `mid`, everything left of it is <= it: the lower middle is the largest of those.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/** k-th smallest (0-based) by Hoare-partition quickselect; reorders `a` so a[0..k) <= a[k] <= a(k..n). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Ranks 1..n with tied values sharing the average of their ranks (scipy's `rankdata(method='average')`). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = avg;
    i = j + 1;
  }
  return ranks;
}

/** Sample autocorrelation at lags 0..maxLag (the biased estimator statsmodels' `acf` uses: divide by n). */
export function autocorrelation(values: readonly number[], maxLag: number): number[] {
  const n = values.length;
  const m = mean(values);
  let denom = 0;
  for (const v of values) denom += (v - m) ** 2;
  const out: number[] = [];
  for (let lag = 0; lag <= Math.min(maxLag, n - 1); lag++) {
    if (denom === 0) {
      out.push(lag === 0 ? 1 : 0);
      continue;
    }
    let s = 0;
    for (let t = 0; t + lag < n; t++) s += (values[t] - m) * (values[t + lag] - m);
    out.push(s / denom);
  }
  return out;
}

/** Two-sided p-value of a standard normal score: P(|Z| >= |z|). */
export function twoSidedNormalP(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? Number.NaN : 0;
  // erfc(|z|/sqrt2) = 1 - erf(|z|/sqrt2); simple-statistics' erf is accurate to ~1e-7, ample for p vs 0.01.
  return Math.max(0, Math.min(1, 1 - errorFunction(Math.abs(z) / Math.SQRT2)));
}

/** Upper normal quantile for a two-sided level: 1.959964 for alpha = 0.05. */
export function normalQuantileTwoSided(alpha: number): number {
  // Acklam-free: bisection on twoSidedNormalP is exact enough and needs no extra table.
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (twoSidedNormalP(mid) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The finite values of a gapped series with their positions (array indexes) as x. */
export function presentPoints(values: ReadonlyArray<number | null>): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) {
      xs.push(i);
      ys.push(v);
    }
  });
  return { xs, ys };
}

/**
 * AR(1) coefficient from a lag-1 autocorrelation r1 of n values with an estimated mean, bias-corrected
 * (E[r1] ≈ phi − (1 + 4·phi)/n, Marriott & Pope 1954) and taken one standard error (sqrt((1 − phi²)/n)) up: a short
 * series underestimates a slow wander more often than not. At most 0.98; may be ≤ 0 (no positive correlation).
 */
export function ar1Upper(r1: number, n: number): number {
  if (n < 5) return 0;
  const unbiased = (r1 * n + 1) / (n - 4);
  return Math.min(0.98, unbiased + Math.sqrt(Math.max(0, 1 - unbiased * unbiased) / n));
}
