// One series over another, per bucket (`--ratio postponed/crawled`): a rising share of postponed URLs per crawled
// one is the signature of politeness contention. Its trend uses the same test and thresholds as counts.
import { analyzeValueTrend, type TrendOptions } from './trend.js';
import type { Trend } from './types.js';

/** a[i] / b[i] per bucket; null where b[i] is 0 (no denominator, no ratio). */
export function ratioSeries(a: readonly number[], b: readonly number[]): Array<number | null> {
  if (a.length !== b.length) throw new RangeError(`ratioSeries: series lengths differ (${a.length} vs ${b.length}); put them on one grid first`);
  return a.map((x, i) => (b[i] > 0 ? x / b[i] : null));
}

export interface RatioAnalysis {
  values: Array<number | null>;
  /** sum(a) / sum(b) over the whole run; null when b never occurs. */
  overall: number | null;
  trend: Trend;
}

/** Ratio per bucket, overall ratio and the ratio's trend (growth = more A per B as the run goes on). */
export function analyzeRatio(a: readonly number[], b: readonly number[], bucketMs: number, options: TrendOptions & { firstBucketCoverage?: number; lastBucketCoverage?: number } = {}): RatioAnalysis {
  const values = ratioSeries(a, b);
  // A partial edge bucket has a fine ratio in principle, but from few events: leave it out like the count trend does.
  const judged = [...values];
  if ((options.lastBucketCoverage ?? 1) < 1 && judged.length > 1) judged.pop();
  if ((options.firstBucketCoverage ?? 1) < 1 && judged.length > 1) judged.shift();
  const sa = a.reduce((s, x) => s + x, 0);
  const sb = b.reduce((s, x) => s + x, 0);
  return { values, overall: sb > 0 ? sa / sb : null, trend: analyzeValueTrend(judged, bucketMs, options) };
}
