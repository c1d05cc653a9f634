// One time grid for every series and group: from the first record's bucket to the last one's, empty buckets are
// zeros. Also how much of the first and last bucket the input really covers, so a partial edge bucket is not read
// as a drop in rate.
import { CHUNK_SLOTS, type SlotChunks } from '../scanner/event-counts.js';

export interface BucketGrid {
  /** Start of the first bucket (ms, a multiple of bucketMs). */
  startMs: number;
  bucketMs: number;
  buckets: number;
}

export function makeGrid(firstMs: number, lastMs: number, bucketMs: number): BucketGrid {
  const first = Math.floor(firstMs / bucketMs);
  return { startMs: first * bucketMs, bucketMs, buckets: Math.floor(lastMs / bucketMs) - first + 1 };
}

/** Per-bucket counts of one series (in one group) on the grid. */
export function bucketCounts(chunks: SlotChunks, resolutionMs: number, grid: BucketGrid): number[] {
  const counts = new Array<number>(grid.buckets).fill(0);
  for (const [chunkIndex, slots] of chunks) {
    const base = chunkIndex * CHUNK_SLOTS;
    for (let k = 0; k < CHUNK_SLOTS; k++) {
      const n = slots[k];
      if (n === 0) continue;
      const b = Math.floor(((base + k) * resolutionMs - grid.startMs) / grid.bucketMs);
      if (b >= 0 && b < grid.buckets) counts[b] += n;
    }
  }
  return counts;
}

/**
 * Fraction (0..1] of the grid's first and last bucket during which this input (or group) was logging. A group that
 * starts later than the grid gets 0 for the first bucket's coverage.
 */
export function edgeCoverage(
  grid: BucketGrid,
  firstMs: number,
  lastMs: number,
  resolutionMs: number,
): { firstBucketCoverage: number; lastBucketCoverage: number } {
  const firstEnd = grid.startMs + grid.bucketMs;
  const lastStart = grid.startMs + (grid.buckets - 1) * grid.bucketMs;
  const clamp = (x: number): number => Math.min(1, Math.max(0, x));
  return {
    firstBucketCoverage: clamp((firstEnd - firstMs) / grid.bucketMs),
    // The last event's own slot counts as covered: an event at :59 of a minute bucket covers it fully.
    lastBucketCoverage: clamp((lastMs + resolutionMs - lastStart) / grid.bucketMs),
  };
}
