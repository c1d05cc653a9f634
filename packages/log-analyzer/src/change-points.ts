// Change points of a series in the report's shape ({at, before, after}); the detection is the analysis stage's.
import { detectChangePoints } from './analysis/changepoints.js';
import type { BucketGrid } from './bucketer/bucket-grid.js';
import type { CountSeries } from './analysis/types.js';
import type { SeriesReport } from './report.js';

export function detectSeriesChangePoints(series: CountSeries, grid: BucketGrid): SeriesReport['changePoints'] {
  return detectChangePoints(series).map((cp) => ({
    at: new Date(grid.startMs + cp.index * grid.bucketMs).toISOString(),
    before: cp.before,
    after: cp.after,
  }));
}
