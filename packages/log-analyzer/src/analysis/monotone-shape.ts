// What a monotone (isotonic) fit says about the shape of a run, beyond "is there a trend": where a start-up ramp
// ends (warm-up), and whether the run went back against its own direction for a sustained stretch (a wandering
// rate) instead of moving one way and staying there (a decay). Both are measured against the noise scale read off
// short-lag differences, which a smooth trend barely touches. Rules and thresholds: ANALYSIS.md, "Trend verdict".
import { isotonicFit } from './isotonic.js';
import { mean, median } from './robust.js';

/**
 * Standard deviation of the bucket-to-bucket noise, from first differences so a trend or a level shift does not
 * inflate it: 1.4826·MAD(diff)/√2 (exact for white noise; a smooth trend only shifts the differences' median).
 */
export function shortLagNoise(values: readonly number[]): number {
  if (values.length < 3) return 0;
  const diffs: number[] = [];
  for (let i = 1; i < values.length; i++) diffs.push(values[i] - values[i - 1]);
  const center = median(diffs);
  return (1.4826 * median(diffs.map((d) => Math.abs(d - center)))) / Math.SQRT2;
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
 * Buckets of a start-up ramp (a pool still growing, caches still cold) before the rate's peak, or 0. The split is
 * the best unimodal fit (rising on [0, k), falling on [k, n), k ≤ MAX_WARMUP_SHARE of the run); it is a warm-up
 * only when the ramp's mean is at least 20% below the level just after it AND below it by more than 3 standard
 * errors of the short-lag noise, so a steady run's noise is not cut away.
 */
export function warmupLength(values: readonly number[]): number {
  const n = values.length;
  const maxK = Math.floor(n * MAX_WARMUP_SHARE);
  if (maxK < 2) return 0;
  let bestK = 0;
  let bestSse = monotoneSse(values, 0, n, true);
  for (let k = 2; k <= maxK; k++) {
    const sse = monotoneSse(values, 0, k, false) + monotoneSse(values, k, n, true);
    if (sse < bestSse) {
      bestSse = sse;
      bestK = k;
    }
  }
  if (bestK === 0) return 0;
  const ramp = mean(values.slice(0, bestK));
  const after = values.slice(bestK, bestK + Math.max(3, bestK));
  const level = mean(after);
  const noise = shortLagNoise(values);
  // Sparse counts (mostly zeros) have no measurable short-lag noise: no ramp can be told from chance there.
  if (!(noise > 0)) return 0;
  const se = noise * Math.sqrt(1 / bestK + 1 / after.length);
  return ramp <= 0.8 * level && level - ramp > 3 * se ? bestK : 0;
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
