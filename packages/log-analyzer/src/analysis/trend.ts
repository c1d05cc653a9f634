// Trend verdict for one series of bucket counts.
// First, simple version (linear regression + first/last-quarter rates); the statistics issue replaces it with
// Mann-Kendall (autocorrelation-corrected) and Theil-Sen, keeping this signature.
import { linearRegression, mean } from 'simple-statistics';
import type { CountSeries, Trend } from './types.js';

const MIN_BUCKETS = 8;

export function analyzeTrend(series: CountSeries): Trend {
  const counts = trimPartialEdges(series);
  if (counts.length < MIN_BUCKETS || counts.reduce((a, b) => a + b, 0) < MIN_BUCKETS) {
    return { verdict: 'insufficient-data', relativeChange: null, pValue: null, slopePerHour: null };
  }
  const quarter = Math.max(1, Math.floor(counts.length / 4));
  const startRate = mean(counts.slice(0, quarter));
  const endRate = mean(counts.slice(-quarter));
  const relativeChange = startRate > 0 ? endRate / startRate - 1 : null;
  const { m } = linearRegression(counts.map((c, i) => [i, c]));
  const slopePerHour = m * (3_600_000 / series.bucketMs);
  let verdict: Trend['verdict'] = 'steady';
  if (relativeChange !== null && relativeChange <= -0.1) verdict = 'decay';
  else if (relativeChange !== null && relativeChange >= 0.1) verdict = 'growth';
  return { verdict, relativeChange, pValue: null, slopePerHour };
}

function trimPartialEdges(series: CountSeries): number[] {
  let counts = series.counts;
  if ((series.lastBucketCoverage ?? 1) < 1 && counts.length > 1) counts = counts.slice(0, -1);
  if ((series.firstBucketCoverage ?? 1) < 1 && counts.length > 1) counts = counts.slice(1);
  return counts;
}
