// Values per bucket for gauges (mean of the samples), counters (a running total differenced into an increase per
// bucket) and ratios of two count series. Null marks a bucket without a value.
import { CHUNK_SLOTS, type SlotChunks } from '../scanner/event-counts.js';
import type { BucketGrid } from './bucket-grid.js';

export type Values = Array<number | null>;

/** Per bucket: the sum of the slots (gauge sums) or their largest value (counter totals); NaN where none. */
function foldSlots(chunks: Map<number, Float64Array>, resolutionMs: number, grid: BucketGrid, fold: 'sum' | 'max'): number[] {
  const out = new Array<number>(grid.buckets).fill(NaN);
  for (const [chunkIndex, slots] of chunks) {
    const base = chunkIndex * CHUNK_SLOTS;
    for (let k = 0; k < CHUNK_SLOTS; k++) {
      const v = slots[k];
      if (fold === 'max' ? v === -Infinity : v === 0) continue;
      const b = Math.floor(((base + k) * resolutionMs - grid.startMs) / grid.bucketMs);
      if (b < 0 || b >= grid.buckets) continue;
      out[b] = Number.isNaN(out[b]) ? v : fold === 'max' ? Math.max(out[b], v) : out[b] + v;
    }
  }
  return out;
}

/** Gauge: per bucket, sum and number of samples (to average per group and over all groups). */
export function gaugeSums(values: Map<number, Float64Array>, samples: number[], resolutionMs: number, grid: BucketGrid): { sums: number[]; samples: number[] } {
  const sums = foldSlots(values, resolutionMs, grid, 'sum').map((v, b) => (samples[b] > 0 ? (Number.isNaN(v) ? 0 : v) : NaN));
  return { sums, samples };
}

export function meanValues(sums: number[], samples: number[]): Values {
  return sums.map((s, b) => (samples[b] > 0 ? s / samples[b] : null));
}

/**
 * Counter: the increase per bucket of a running total. A total that goes down was reset (the process restarted):
 * the new total is the increase. An increase spanning buckets without a sample is spread evenly over them; the
 * buckets before the first sample have no value. With `zeroAtMs` (when the crawler started, its total then 0) the
 * first sample's total is the first interval's increase, counted from that time's bucket on.
 */
export function counterIncreases(values: Map<number, Float64Array>, resolutionMs: number, grid: BucketGrid, zeroAtMs?: number): Values {
  const last = foldSlots(values, resolutionMs, grid, 'max');
  const out: Values = new Array(grid.buckets).fill(null);
  let prevIndex = -1;
  let prevTotal = NaN;
  let started = false;
  if (zeroAtMs !== undefined) {
    const zeroBucket = Math.floor((zeroAtMs - grid.startMs) / grid.bucketMs);
    const firstSample = last.findIndex((v) => !Number.isNaN(v));
    if (zeroBucket >= 0 && firstSample >= zeroBucket) {
      // A sample in the start's own bucket holds that bucket's increase; a later one, the buckets after it.
      prevIndex = firstSample === zeroBucket ? zeroBucket - 1 : zeroBucket;
      prevTotal = 0;
      started = true;
    }
  }
  for (let b = 0; b < grid.buckets; b++) {
    if (Number.isNaN(last[b])) continue;
    if (started) {
      const increase = last[b] >= prevTotal ? last[b] - prevTotal : last[b];
      const per = increase / (b - prevIndex);
      for (let k = prevIndex + 1; k <= b; k++) out[k] = per;
    }
    prevIndex = b;
    prevTotal = last[b];
    started = true;
  }
  return out;
}

/** Sum of several groups' values per bucket; null where no group has a value. */
export function sumValues(all: Values[], buckets: number): Values {
  const out: Values = new Array(buckets).fill(null);
  for (const values of all) values.forEach((v, b) => v !== null && (out[b] = (out[b] ?? 0) + v));
  return out;
}

/** numerator / denominator per bucket; null where the denominator is 0. */
export function ratioValues(numerator: number[], denominator: number[]): Values {
  return numerator.map((n, b) => (denominator[b] > 0 ? n / denominator[b] : null));
}

export type { SlotChunks };
