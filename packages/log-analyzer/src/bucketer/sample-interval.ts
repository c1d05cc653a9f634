// How often a gauge or counter is sampled: the typical time between the periodic statistics lines it is read from
// (Scrapy's LogStats, Crawlee's request statistics). A bucket finer than that holds no new information: each
// interval's increase is split across buckets or repeated, and a trend test reads the repetition as structure.
import { CHUNK_SLOTS, type EventCountsData, type SlotChunks } from '../scanner/event-counts.js';
import { median } from '../analysis/robust.js';

/** Fewest gaps between samples before an interval is trusted (a run with 3 statistics lines says little). */
const MIN_GAPS = 3;

/** Times (slot indexes) at which a series matched, ascending. */
function sampleSlots(chunks: SlotChunks): number[] {
  const slots: number[] = [];
  for (const chunkIndex of [...chunks.keys()].sort((a, b) => a - b)) {
    const counts = chunks.get(chunkIndex)!;
    const base = chunkIndex * CHUNK_SLOTS;
    for (let k = 0; k < CHUNK_SLOTS; k++) if (counts[k] > 0) slots.push(base + k);
  }
  return slots;
}

/**
 * Median time between successive samples of series `index`, over every group (each group's own gaps: nodes log
 * their statistics independently); null with fewer than MIN_GAPS gaps. Measured at the counts' resolution.
 */
export function sampleIntervalMs(counts: EventCountsData, index: number): number | null {
  const gaps: number[] = [];
  for (const g of counts.groups.values()) {
    const slots = sampleSlots(g.series[index]);
    for (let i = 1; i < slots.length; i++) gaps.push(slots[i] - slots[i - 1]);
  }
  if (gaps.length < MIN_GAPS) return null;
  return median(gaps) * counts.resolutionMs;
}

/** Per series: its sample interval for gauges and counters (null where unknown), undefined for count series. */
export function valueSampleIntervals(counts: EventCountsData): Array<number | null | undefined> {
  return counts.kinds.map((kind, i) => (kind === 'gauge' || kind === 'counter' ? sampleIntervalMs(counts, i) : undefined));
}
