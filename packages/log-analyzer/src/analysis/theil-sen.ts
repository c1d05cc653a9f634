// Theil-Sen line: the median of pairwise slopes (Sen 1968), intercept = median(y - slope x) (Conover's choice,
// as in pyMannKendall and scipy's `theilslopes`).
//
// Hand-written rather than ml-regression-theil-sen: that package is a thin O(n^2) wrapper with an ml-regression
// class hierarchy around it, no release in years, and no handling of our gapped series; the estimator is 15 lines.
import { median } from './robust.js';

export interface TheilSenLine {
  slope: number;
  intercept: number;
}

/** Above this many points, slopes are taken on a fixed stride of pairs so memory stays bounded (~2M slopes). */
const MAX_PAIRS = 2_000_000;

export function theilSen(xs: readonly number[], ys: readonly number[]): TheilSenLine {
  const n = Math.min(xs.length, ys.length);
  if (n === 0) return { slope: Number.NaN, intercept: Number.NaN };
  if (n === 1) return { slope: 0, intercept: ys[0] };
  const totalPairs = (n * (n - 1)) / 2;
  const stride = Math.max(1, Math.ceil(totalPairs / MAX_PAIRS));
  const slopes = new Float64Array(Math.ceil(totalPairs / stride));
  let count = 0;
  let pair = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++, pair++) {
      if (pair % stride !== 0) continue;
      const dx = xs[j] - xs[i];
      if (dx !== 0) slopes[count++] = (ys[j] - ys[i]) / dx;
    }
  }
  const slope = count > 0 ? median(slopes.subarray(0, count)) : 0;
  const intercept = median(ys.map((y, i) => y - slope * xs[i]));
  return { slope, intercept };
}
