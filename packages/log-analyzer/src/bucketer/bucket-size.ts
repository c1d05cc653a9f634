// Bucket sizes: parsing `--bucket 10s|1m|5m|1h`, and choosing one from the time span so a chart has 30 to 120
// buckets (36 to 90 in practice: enough points for a trend test, enough events per bucket to be less noisy).
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

/** The smallest nice size that covers `spanMs` in at most MAX_BUCKETS_AUTO buckets. */
export function autoBucketMs(spanMs: number): number {
  for (const size of NICE_SIZES_MS) if (Math.floor(spanMs / size) + 1 <= MAX_BUCKETS_AUTO) return size;
  return NICE_SIZES_MS[NICE_SIZES_MS.length - 1];
}

export function formatBucket(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
