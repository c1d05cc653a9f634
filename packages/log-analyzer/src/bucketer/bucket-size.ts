// Bucket sizes: parsing `--bucket 10s|1m|5m|1h`, and choosing one from the time span so a chart has 30 to 120
// buckets (36 to 90 in practice: enough points for a trend test, enough events per bucket to be less noisy), never
// finer than the statistics lines that gauges and counters are read from.
import { LogInputError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Sizes the automatic choice picks from: each at most 2.5x the one before, so 36 to 90 buckets result. */
const NICE_SIZES_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 432_000,
  864_000,
].map((s) => s * 1000);

export const MAX_BUCKETS_AUTO = 90;
/** More buckets than this from an explicit --bucket would make an unreadable chart and a huge report. */
export const MAX_BUCKETS = 200_000;

export function parseBucket(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  if (!m || !(ms >= 1000) || ms % 1000 !== 0) {
    throw new LogInputError(`--bucket ${text}: give a whole number of seconds or more, e.g. 10s, 1m, 5m, 1h.`);
  }
  return ms;
}

/** Fewest buckets a trend is judged on (`TREND_DEFAULTS.minBuckets`): a data floor that leaves fewer is not applied. */
const MIN_JUDGED_BUCKETS = 10;

/**
 * The smallest nice size that covers `spanMs` in at most MAX_BUCKETS_AUTO buckets; with `dataIntervalMs` (how often
 * the run's statistics lines come), never finer than that: the smallest multiple of the interval at least the nice
 * size, so each bucket holds whole intervals. The floor is left out when it would leave fewer than 10 buckets and
 * `keepFine` (other series, counted line by line, still have their own resolution to lose).
 */
export function autoBucketMs(spanMs: number, dataIntervalMs?: number | null, keepFine = false): number {
  let size = NICE_SIZES_MS[NICE_SIZES_MS.length - 1];
  for (const s of NICE_SIZES_MS) {
    if (Math.floor(spanMs / s) + 1 <= MAX_BUCKETS_AUTO) {
      size = s;
      break;
    }
  }
  if (!dataIntervalMs || !(dataIntervalMs >= 1000)) return size;
  // Whole seconds (bucket sizes are), and whole intervals per bucket.
  const interval = Math.round(dataIntervalMs / 1000) * 1000;
  const floored = interval * Math.ceil(size / interval);
  if (floored > size && keepFine && Math.floor(spanMs / floored) < MIN_JUDGED_BUCKETS) return size;
  return floored;
}

/**
 * The bucket the trends of series counted line by line are judged on when the automatic bucket was raised to the
 * statistics lines' interval (`autoBucketMs` with a data interval): the span's own automatic size, at least the
 * counts' resolution; null when that is not finer than `chosenMs`. A line per page holds information at every
 * resolution; only values read off periodic lines need whole intervals per bucket.
 */
export function countTrendBucketMs(spanMs: number, chosenMs: number, resolutionMs: number): number | null {
  const own = autoBucketMs(spanMs);
  if (!(own < chosenMs) || own < resolutionMs || own % resolutionMs !== 0) return null;
  return own;
}

export function formatBucket(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
