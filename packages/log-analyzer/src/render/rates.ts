// Rates at the start and the end of a run (events per minute), from the first and last quarter of the buckets,
// leaving out a partial edge bucket so a run that began mid-minute does not look slow at the start.
import type { LogsReport } from '../report.js';

export interface EdgeRates {
  startPerMin: number | null;
  endPerMin: number | null;
}

export function edgeRates(counts: number[], report: Pick<LogsReport, 'bucketMs' | 'firstBucketCoverage' | 'lastBucketCoverage'>): EdgeRates {
  let xs = counts;
  if ((report.lastBucketCoverage ?? 1) < 1 && xs.length > 2) xs = xs.slice(0, -1);
  if ((report.firstBucketCoverage ?? 1) < 1 && xs.length > 2) xs = xs.slice(1);
  if (xs.length === 0) return { startPerMin: null, endPerMin: null };
  const quarter = Math.max(1, Math.floor(xs.length / 4));
  const perMin = 60_000 / report.bucketMs;
  const avg = (part: number[]): number => (part.reduce((a, b) => a + b, 0) / part.length) * perMin;
  return { startPerMin: avg(xs.slice(0, quarter)), endPerMin: avg(xs.slice(-quarter)) };
}
