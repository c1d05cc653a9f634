// Event counts per group and series at a fine time resolution (1 s unless a coarser bucket was asked for),
// kept in hour-sized typed-array chunks so memory follows the time span, not the number of lines. Mergeable
// (structured-clone friendly) so worker threads can each fill one.

/** Slots per chunk. */
export const CHUNK_SLOTS = 3600;

/** chunk index -> counts of that chunk's slots. */
export type SlotChunks = Map<number, Uint32Array>;

export interface GroupCounts {
  /** One SlotChunks per series, in series order. */
  series: SlotChunks[];
  /** Per series, the chunk last counted into and its index (events come in time order: nearly always a hit). */
  lastChunk?: Array<Uint32Array | null>;
  lastChunkIndex?: number[];
  /** Per series with values: per chunk, the sum (gauge) or the largest value (counter) of each slot. */
  values: Array<Map<number, Float64Array>>;
  /** Per key series: per slot, how many matches each key (a URL's host) had. Absent until a key is counted. */
  keys?: Array<Map<number, Map<string, number>> | undefined>;
  /** Earliest and latest record time seen for the group (ms; NaN if none). */
  first: number;
  last: number;
}

export interface EventCountsData {
  resolutionMs: number;
  seriesCount: number;
  /** Per series: 'count', 'gauge' (values summed; the slot counts say how many) or 'counter' (largest value kept). */
  kinds: string[];
  groups: Map<string, GroupCounts>;
}

export class EventCounts {
  readonly data: EventCountsData;

  constructor(resolutionMs: number, seriesCount: number, kinds: string[] = new Array(seriesCount).fill('count')) {
    this.data = { resolutionMs, seriesCount, kinds, groups: new Map() };
  }

  static from(data: EventCountsData): EventCounts {
    const c = new EventCounts(data.resolutionMs, data.seriesCount, data.kinds);
    for (const [k, v] of data.groups) c.data.groups.set(k, v);
    return c;
  }

  group(name: string): GroupCounts {
    let g = this.data.groups.get(name);
    if (!g) {
      g = {
        series: Array.from({ length: this.data.seriesCount }, () => new Map()),
        values: Array.from({ length: this.data.seriesCount }, () => new Map()),
        first: NaN,
        last: NaN,
      };
      this.data.groups.set(name, g);
    }
    return g;
  }

  /**
   * Counts one event of series `seriesIndex` at time `t` (ms) in group `g`. The group's time span is not widened
   * here: the caller has passed `t` to `seen` already (the line scanner does so once per record, not per match).
   */
  add(g: GroupCounts, seriesIndex: number, t: number): void {
    const slot = Math.floor(t / this.data.resolutionMs);
    const chunkIndex = Math.floor(slot / CHUNK_SLOTS);
    this.addAt(g, seriesIndex, chunkIndex, slot - chunkIndex * CHUNK_SLOTS);
  }

  /**
   * `add` with the time already split into its chunk and the slot within it (both small integers, which the line
   * scanner computes once per record rather than once per match).
   */
  addAt(g: GroupCounts, seriesIndex: number, chunkIndex: number, slotInChunk: number): void {
    const lastChunk = (g.lastChunk ??= new Array(this.data.seriesCount).fill(null));
    const lastIndex = (g.lastChunkIndex ??= new Array(this.data.seriesCount).fill(-1));
    let chunk = lastChunk[seriesIndex];
    if (lastIndex[seriesIndex] !== chunkIndex || chunk === null) {
      const chunks = g.series[seriesIndex];
      chunk = chunks.get(chunkIndex) ?? null;
      if (!chunk) {
        chunk = new Uint32Array(CHUNK_SLOTS);
        chunks.set(chunkIndex, chunk);
      }
      lastChunk[seriesIndex] = chunk;
      lastIndex[seriesIndex] = chunkIndex;
    }
    chunk[slotInChunk]++;
  }

  /** Records a gauge or counter value of series `seriesIndex` at time `t`. */
  addValue(g: GroupCounts, seriesIndex: number, t: number, value: number): void {
    if (!Number.isFinite(value)) return;
    this.add(g, seriesIndex, t);
    const slot = Math.floor(t / this.data.resolutionMs);
    const chunkIndex = Math.floor(slot / CHUNK_SLOTS);
    const chunks = g.values[seriesIndex];
    let chunk = chunks.get(chunkIndex);
    if (!chunk) {
      chunk = new Float64Array(CHUNK_SLOTS).fill(this.data.kinds[seriesIndex] === 'counter' ? -Infinity : 0);
      chunks.set(chunkIndex, chunk);
    }
    const k = slot - chunkIndex * CHUNK_SLOTS;
    if (this.data.kinds[seriesIndex] === 'counter') chunk[k] = Math.max(chunk[k], value);
    else chunk[k] += value;
  }

  /** Counts one match of key series `seriesIndex` for `key` in slot `slot` (time / resolution). */
  addKey(g: GroupCounts, seriesIndex: number, slot: number, key: string, n = 1): void {
    const all = (g.keys ??= new Array(this.data.seriesCount).fill(undefined));
    const slots = (all[seriesIndex] ??= new Map());
    let perKey = slots.get(slot);
    if (!perKey) slots.set(slot, (perKey = new Map()));
    perKey.set(key, (perKey.get(key) ?? 0) + n);
  }

  /** Widens the group's known time span. */
  seen(g: GroupCounts, t: number): void {
    if (!(t >= g.first)) g.first = t;
    if (!(t <= g.last)) g.last = t;
  }

  /** The data without the per-thread lookup caches, for posting to another thread. */
  transferable(): EventCountsData {
    for (const g of this.data.groups.values()) {
      delete g.lastChunk;
      delete g.lastChunkIndex;
    }
    return this.data;
  }

  merge(other: EventCountsData): void {
    if (other.resolutionMs !== this.data.resolutionMs) throw new Error('merging counts of different resolutions');
    for (const [name, og] of other.groups) {
      const g = this.group(name);
      og.series.forEach((chunks, i) => {
        for (const [idx, arr] of chunks) {
          const mine = g.series[i].get(idx);
          if (!mine) {
            g.series[i].set(idx, arr);
            if (g.lastChunkIndex?.[i] === idx) g.lastChunk![i] = arr;
          }
          else for (let k = 0; k < CHUNK_SLOTS; k++) mine[k] += arr[k];
        }
      });
      og.values.forEach((chunks, i) => {
        const counter = this.data.kinds[i] === 'counter';
        for (const [idx, arr] of chunks) {
          const mine = g.values[i].get(idx);
          if (!mine) g.values[i].set(idx, arr);
          else for (let k = 0; k < CHUNK_SLOTS; k++) mine[k] = counter ? Math.max(mine[k], arr[k]) : mine[k] + arr[k];
        }
      });
      og.keys?.forEach((slots, i) => {
        if (!slots) return;
        for (const [slot, perKey] of slots) for (const [key, n] of perKey) this.addKey(g, i, slot, key, n);
      });
      if (!Number.isNaN(og.first)) this.seen(g, og.first);
      if (!Number.isNaN(og.last)) this.seen(g, og.last);
    }
  }
}
