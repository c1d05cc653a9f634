// Change points of a series, in the report's shape ({at, before, after}). The detection itself belongs to the
// analysis stage; until it provides `detectChangePoints`, none are reported.
import type { BucketGrid } from './bucketer/bucket-grid.js';
import type { CountSeries } from './analysis/types.js';
import type { SeriesReport } from './report.js';

export function detectSeriesChangePoints(series: CountSeries, grid: BucketGrid): SeriesReport['changePoints'] {
  void series;
  void grid;
  return [];
}
