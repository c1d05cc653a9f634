// Isotonic (monotone) regression by the pool-adjacent-violators algorithm: the best-fitting non-increasing or
// non-decreasing step function. The trend test detrends with it, so a step drop is removed as trend instead of
// being mistaken for autocorrelated noise. Hand-written: it is 20 lines, and no npm package is kept for it.

/** Least-squares monotone fit to `values`, non-increasing when `decreasing`, else non-decreasing. */
export function isotonicFit(values: readonly number[], decreasing: boolean): number[] {
  const sign = decreasing ? -1 : 1;
  const sums: number[] = [];
  const sizes: number[] = [];
  for (const v of values) {
    sums.push(sign * v);
    sizes.push(1);
    while (sums.length > 1) {
      const k = sums.length - 1;
      if (sums[k - 1] / sizes[k - 1] <= sums[k] / sizes[k]) break;
      sums[k - 1] += sums[k];
      sizes[k - 1] += sizes[k];
      sums.pop();
      sizes.pop();
    }
  }
  const out: number[] = [];
  sums.forEach((s, k) => {
    for (let i = 0; i < sizes[k]; i++) out.push(sign * (s / sizes[k]));
  });
  return out;
}
