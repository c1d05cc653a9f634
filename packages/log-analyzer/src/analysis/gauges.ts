// Numbers inside stats lines. A gauge (`--value`, e.g. Scrapy's "at 310 pages/min") is averaged per bucket; a
// counter (`--counter`, a cumulative total such as Crawlee's requestsFinished) is differenced into a count per
// bucket, surviving restarts (a counter that goes down was reset to zero).

export interface GaugeSample {
  /** Epoch ms. */
  t: number;
  value: number;
}

export interface GaugeGrid {
  /** Epoch ms of the first bucket's start. */
  startMs: number;
  bucketMs: number;
  buckets: number;
}

const bucketOf = (t: number, grid: GaugeGrid): number => Math.floor((t - grid.startMs) / grid.bucketMs);

/** Mean of the samples in each bucket; null for a bucket without samples (a gauge has no value there, not 0). */
export function gaugeBuckets(samples: readonly GaugeSample[], grid: GaugeGrid): Array<number | null> {
  const sums = new Array<number>(grid.buckets).fill(0);
  const counts = new Array<number>(grid.buckets).fill(0);
  for (const s of samples) {
    const b = bucketOf(s.t, grid);
    if (b < 0 || b >= grid.buckets || !Number.isFinite(s.value)) continue;
    sums[b] += s.value;
    counts[b]++;
  }
  return sums.map((s, i) => (counts[i] > 0 ? s / counts[i] : null));
}

/**
 * Increase of a cumulative counter per bucket. Each increase between two consecutive samples is spread over the
 * time between them in proportion to each bucket's overlap (a counter logged every minute on 10 s buckets gives
 * an even rate, not spikes). A drop means a reset: the increase is then the new value (counted from zero), as
 * Prometheus' `increase()` does. Buckets before the first or after the last sample are null (unknown).
 */
export function counterToRate(samples: readonly GaugeSample[], grid: GaugeGrid): Array<number | null> {
  const out: Array<number | null> = new Array(grid.buckets).fill(null);
  const sorted = [...samples].filter((s) => Number.isFinite(s.value)).sort((a, b) => a.t - b.t);
  if (sorted.length < 2) return out;
  const first = Math.max(0, bucketOf(sorted[0].t, grid));
  const last = Math.min(grid.buckets - 1, bucketOf(sorted[sorted.length - 1].t, grid));
  for (let b = first; b <= last; b++) out[b] = 0;
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    const increase = cur.value >= prev.value ? cur.value - prev.value : cur.value;
    if (increase === 0) continue;
    const span = cur.t - prev.t;
    if (span <= 0) {
      addTo(out, bucketOf(cur.t, grid), increase);
      continue;
    }
    for (let b = Math.max(0, bucketOf(prev.t, grid)); b <= Math.min(grid.buckets - 1, bucketOf(cur.t, grid)); b++) {
      const from = Math.max(prev.t, grid.startMs + b * grid.bucketMs);
      const to = Math.min(cur.t, grid.startMs + (b + 1) * grid.bucketMs);
      if (to > from) addTo(out, b, (increase * (to - from)) / span);
    }
  }
  return out;
}

function addTo(out: Array<number | null>, b: number, v: number): void {
  if (b < 0 || b >= out.length) return;
  out[b] = (out[b] ?? 0) + v;
}
