// The scan core for fixed-layout formats (Python logging, Scrapy, ISO 8601) when every series is a literal (a
// text or a level): the WebAssembly kernel's `scan` (kernel.wat) walks the chunk once, finds every needle and line
// end, tells records from continuations and garbage exactly as LineScanner does, turns a matched record's stamp
// into its slot and counts it, so JavaScript sees per-slot counts, not lines. JavaScript answers the kernel's two
// questions (the zone offset of a naive hour it has not seen, a new place for its counting window) and hands the
// counts over to EventCounts after each chunk. Regex series and other formats keep LineScanner.
import type { LogFormat } from '../formats/types.js';
import type { NaiveTimeConverter } from '../formats/timezone.js';
import { parseFixedOffset } from '../formats/timezone.js';
import type { SeriesSpec } from '../series.js';
import type { ChunkScanner } from './chunk-scanner.js';
import { CHUNK_SLOTS, type EventCounts, type GroupCounts } from './event-counts.js';
import { byteFrequencies, kernelModule, rarePositions } from './wasm/chunk-kernel.js';

const FORMAT_CODES: Record<string, number> = { 'python-logging': 1, scrapy: 2, iso8601: 3 };

/**
 * What each format's isRecordStart (formats/python-logging.ts, scrapy.ts, iso8601.ts) checks, as data for the
 * kernel: the byte at each position (two characters: either one), the digits of `YYYY-MM-DD?HH:MM:SS` it tests, the
 * shortest record. ISO 8601's last rule (no digit right after the seconds) is the kernel's own.
 */
const DATE_TIME = { 4: '-', 7: '-', 10: ' T', 13: ':', 16: ':' };
const DATE_TIME_DIGITS = [0, 3, 5, 9, 11, 18];
const RECORD_LAYOUTS: Record<number, { bytes: Record<number, string>; minLength: number }> = {
  1: { bytes: { ...DATE_TIME, 19: ',.', 23: ' ', 24: '-', 25: ' ' }, minLength: 26 },
  2: { bytes: { ...DATE_TIME, 19: ' ', 20: '[' }, minLength: 22 },
  3: { bytes: DATE_TIME, minLength: 19 },
};

/** Byte offsets of the kernel's configuration and state (the CFG list at the top of `scan` in kernel.wat). */
const CFG = {
  format: 0, needles: 4, table: 8, window: 12, slots: 16, resolution: 20, fixedZone: 24, offset: 28, hourKey: 32,
  needKey: 36, resume: 40, lines: 44, unparsed: 48, nulBytes: 52, windowBase: 56, needSlot: 64, first: 72, last: 80,
} as const;
/** The scanner state kept between chunks (record, line numbers, window base, cached hour), saved per scanner. */
const STATE_BYTES = 192;
const TABLE_AT = 2048;
const ENTRY_BYTES = 64;
const PAGE = 65536;
/** Window slots per series: two chunks of EventCounts, the hour before the current one too (lines out of order). */
const WINDOW_SLOTS = 2 * CHUNK_SLOTS;
const NO_HOUR = -2147483648;
const OLDER_ENTRIES = 4096;
/** Room for a chunk copied in (not read in place): a joined line cut by reads, up to the reader's MAX_LINE_BYTES plus a chunk. */
const SCRATCH_BYTES = 80 << 20;

interface KernelExports {
  memory: WebAssembly.Memory;
  scan(from: number, end: number): number;
}

/** Can `scanWithKernel` run this scan? */
export function kernelScannable(format: LogFormat, series: SeriesSpec[], groupField?: string): boolean {
  return (
    FORMAT_CODES[format.name] !== undefined &&
    !groupField &&
    series.length <= 32 &&
    series.every((s) => (s.kind ?? 'count') === 'count' && (s.substring !== undefined || s.level !== undefined))
  );
}

/** One module instance per needle set and format, reused within the thread (state is saved per scanner). */
class RecordKernel {
  readonly exports: KernelExports;
  readonly inputAt: number;
  readonly padding: number;
  readonly windowAt: number;
  /** Counts older than the window: (slot i64, series mask i32) entries, OLDER_ENTRIES of them. */
  readonly olderAt: number;
  bytes: Uint8Array;
  view: DataView;
  tuned = false;
  owner: KernelScanner | null = null;

  constructor(
    readonly formatCode: number,
    readonly needles: Array<{ bytes: Uint8Array; series: number }>,
    readonly seriesCount: number,
  ) {
    this.exports = new WebAssembly.Instance(kernelModule()).exports as unknown as KernelExports;
    // The table has 4 entries at least: the kernel keeps up to 4 needles in locals, unused ones copies of the first.
    const entries = Math.max(4, needles.length);
    let at = TABLE_AT + entries * ENTRY_BYTES;
    const needleAt = needles.map((n) => {
      const here = at;
      at += n.bytes.length;
      return here;
    });
    this.windowAt = align(at, 64);
    at = this.windowAt + WINDOW_SLOTS * 4 * seriesCount;
    this.olderAt = at;
    at += OLDER_ENTRIES * 16;
    this.inputAt = align(at, 64);
    this.padding = 64 + Math.max(16, ...needles.map((n) => n.bytes.length));
    this.ensure(this.inputAt + this.padding);
    this.bytes = new Uint8Array(this.exports.memory.buffer);
    this.view = new DataView(this.exports.memory.buffer);
    needles.forEach((n, k) => {
      this.bytes.set(n.bytes, needleAt[k]);
      const entry = TABLE_AT + k * ENTRY_BYTES;
      this.view.setInt32(entry, needleAt[k], true);
      this.view.setInt32(entry + 4, n.bytes.length, true);
      this.view.setInt32(entry + 16, n.series, true);
    });
    this.setLayout(formatCode);
    this.tune(new Uint32Array(256));
  }

  /** The record test's layout (CFG 256-335, see $isRecordStart): which of a line's first 32 bytes are what. */
  private setLayout(formatCode: number): void {
    const layout = RECORD_LAYOUTS[formatCode];
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    let eq = 0;
    let alt = 0;
    for (const [pos, chars] of Object.entries(layout.bytes)) {
      const i = Number(pos);
      a[i] = chars.charCodeAt(0);
      b[i] = chars.charCodeAt(chars.length - 1);
      if (chars.length === 1) eq |= 1 << i;
      else alt |= 1 << i;
    }
    this.bytes.set(a.subarray(0, 16), 256);
    this.bytes.set(a.subarray(16), 272);
    this.bytes.set(b.subarray(0, 16), 288);
    this.bytes.set(b.subarray(16), 304);
    this.view.setInt32(320, eq, true);
    this.view.setInt32(324, alt, true);
    this.view.setInt32(328, DATE_TIME_DIGITS.reduce((m, i) => m | (1 << i), 0), true);
    this.view.setInt32(332, layout.minLength, true);
  }

  /** Picks each needle's two compared positions by the input's byte counts (see rarePositions). */
  tune(frequencies: Uint32Array): void {
    const padded = [...this.needles, ...new Array(Math.max(0, 4 - this.needles.length)).fill(this.needles[0])];
    padded.forEach((n, k) => {
      if (!n) return;
      const [a, z] = rarePositions(n.bytes, frequencies);
      const entry = TABLE_AT + k * ENTRY_BYTES;
      this.view.setInt32(entry + 8, a, true);
      this.view.setInt32(entry + 12, z, true);
      this.bytes.fill(n.bytes[a], entry + 32, entry + 48);
      this.bytes.fill(n.bytes[z], entry + 48, entry + 64);
    });
  }

  /**
   * Two read buffers inside this module's memory, after a scratch region big enough for any chunk the reader
   * joins (a line cut by a read, MAX_LINE_BYTES at most): the memory never grows after they are handed out (that
   * would detach them). The scratch region is address space only until a long line is copied there.
   */
  readBuffers(chunkBytes: number): Buffer[] {
    if (this.ownBuffers?.[0].length !== chunkBytes) {
      const first = align(this.inputAt + SCRATCH_BYTES + this.padding, 64);
      const second = align(first + chunkBytes + this.padding, 64);
      this.ensure(second + chunkBytes + this.padding);
      this.frozen = true;
      this.ownBuffers = [first, second].map((at) => Buffer.from(this.exports.memory.buffer, at, chunkBytes));
    }
    return this.ownBuffers;
  }

  private ownBuffers: Buffer[] | null = null;
  /** Read buffers were handed out: growing the memory would detach them. */
  private frozen = false;

  ensure(bytes: number): void {
    const memory = this.exports.memory;
    if (memory.buffer.byteLength >= bytes) return;
    if (this.frozen && this.ownBuffers) {
      if (bytes > this.inputAt + SCRATCH_BYTES + this.padding) throw new Error(`scan kernel: a chunk of ${bytes - this.inputAt} bytes does not fit its scratch region`);
    }
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    this.bytes = new Uint8Array(memory.buffer);
    this.view = new DataView(memory.buffer);
  }
}

const kernels = new Map<string, RecordKernel>();
const MAX_KERNELS = 4;

function kernelFor(formatCode: number, needles: Array<{ bytes: Uint8Array; series: number }>, seriesCount: number): RecordKernel {
  const key = `${formatCode}/${seriesCount}/` + needles.map((n) => `${n.series}:${Buffer.from(n.bytes).toString('hex')}`).join(',');
  let kernel = kernels.get(key);
  if (!kernel) {
    if (kernels.size >= MAX_KERNELS) kernels.delete(kernels.keys().next().value as string);
    kernel = new RecordKernel(formatCode, needles, seriesCount);
    kernels.set(key, kernel);
  }
  return kernel;
}

export interface KernelScannerOptions {
  format: LogFormat;
  series: SeriesSpec[];
  counts: EventCounts;
  group: string;
  /** The zone of naive stamps (the format's own converter). */
  naive: NaiveTimeConverter;
}

export class KernelScanner implements ChunkScanner {
  lines = 0;
  unparsed = 0;
  nulBytes = 0;
  firstTime = NaN;
  lastTime = NaN;

  private readonly kernel: RecordKernel;
  private readonly counts: EventCounts;
  private readonly groupName: string;
  private group: GroupCounts | null = null;
  private readonly naive: NaiveTimeConverter;
  private readonly resolutionMs: number;
  private readonly state = new Uint8Array(STATE_BYTES);

  constructor(options: KernelScannerOptions) {
    const needles: Array<{ bytes: Uint8Array; series: number }> = [];
    options.series.forEach((s, i) => {
      const texts = s.substring !== undefined ? [s.substring] : options.format.levelNeedles(s.level as string);
      for (const t of texts) if (t.length > 0) needles.push({ bytes: Buffer.from(t, 'utf8'), series: i });
    });
    this.kernel = kernelFor(FORMAT_CODES[options.format.name], needles, options.series.length);
    this.counts = options.counts;
    this.groupName = options.group;
    this.naive = options.naive;
    this.resolutionMs = options.counts.data.resolutionMs;
    // The starting state: no record open, no hour cached, the window nowhere (the first count places it).
    const v = new DataView(this.state.buffer);
    v.setInt32(CFG.format, this.kernel.formatCode, true);
    v.setInt32(CFG.needles, needles.length, true);
    v.setInt32(CFG.table, TABLE_AT, true);
    v.setInt32(CFG.window, this.kernel.windowAt, true);
    v.setInt32(CFG.slots, WINDOW_SLOTS, true);
    v.setInt32(CFG.resolution, this.resolutionMs, true);
    const fixed = parseFixedOffset(options.naive.zone);
    v.setInt32(CFG.fixedZone, fixed === null ? 0 : 1, true);
    v.setInt32(CFG.offset, fixed ?? 0, true);
    v.setInt32(CFG.hourKey, NO_HOUR, true);
    v.setBigInt64(CFG.windowBase, -(1n << 60n), true);
    v.setFloat64(CFG.first, NaN, true);
    v.setFloat64(CFG.last, NaN, true);
    v.setInt32(124, -1, true); // no line counted as garbage yet
  }

  /** Two buffers to read a file into, inside the kernel's memory, so that chunks are scanned where they are read. */
  readBuffers(chunkBytes: number): Buffer[] {
    return this.kernel.readBuffers(chunkBytes);
  }

  scan(buf: Buffer, start: number, end: number): void {
    const kernel = this.kernel;
    const len = end - start;
    let at: number;
    if (buf.buffer === kernel.exports.memory.buffer) {
      // Read straight into the kernel's memory (readBuffers): scanned where it is. The bytes after `end` are not
      // zeroed (the reader still needs them); the kernel reads past its end but reports nothing there.
      at = buf.byteOffset + start;
    } else {
      kernel.ensure(kernel.inputAt + len + kernel.padding);
      at = kernel.inputAt;
      kernel.bytes.set(buf.subarray(start, end), at);
      kernel.bytes.fill(0, at + len, at + len + kernel.padding);
    }
    const bytes = kernel.bytes;
    if (!kernel.tuned && len > 0) {
      kernel.tuned = true;
      kernel.tune(byteFrequencies(bytes, at, at + len));
    }
    bytes.set(this.state, 0);
    const v = kernel.view;
    v.setInt32(336, kernel.olderAt, true);
    v.setInt32(340, 0, true);
    v.setInt32(344, OLDER_ENTRIES, true);
    v.setInt32(CFG.lines, 0, true);
    v.setInt32(CFG.unparsed, 0, true);
    v.setInt32(CFG.nulBytes, 0, true);
    const stop = at + len;
    let from = at;
    for (;;) {
      const code = kernel.exports.scan(from, stop);
      if (code === 0) break;
      from = v.getInt32(CFG.resume, true);
      if (code === 2) {
        // The zone offset of a naive hour: what NaiveTimeConverter gives for the hour's start.
        const key = v.getInt32(CFG.needKey, true);
        v.setInt32(CFG.hourKey, key, true);
        v.setInt32(CFG.offset, key * 3_600_000 - this.naive.toUtc(key * 3_600_000), true);
      } else if (code === 3) {
        this.handOver();
        const slot = Number(v.getBigInt64(CFG.needSlot, true));
        v.setBigInt64(CFG.windowBase, BigInt((Math.floor(slot / CHUNK_SLOTS) - 1) * CHUNK_SLOTS), true);
      } else if (code === 4) this.handOverOlder();
      else throw new Error(`scan kernel: unexpected code ${code}`);
    }
    this.handOverOlder();
    this.lines += v.getInt32(CFG.lines, true);
    this.unparsed += v.getInt32(CFG.unparsed, true);
    this.nulBytes += v.getInt32(CFG.nulBytes, true);
    this.handOver();
    this.firstTime = v.getFloat64(CFG.first, true);
    this.lastTime = v.getFloat64(CFG.last, true);
    if (!Number.isNaN(this.firstTime)) {
      const g = (this.group ??= this.counts.group(this.groupName));
      this.counts.seen(g, this.firstTime);
      this.counts.seen(g, this.lastTime);
    }
    this.state.set(bytes.subarray(0, STATE_BYTES));
  }

  /** Adds the counts older than the window into EventCounts and empties their list. */
  private handOverOlder(): void {
    const v = this.kernel.view;
    const n = v.getInt32(340, true);
    if (n === 0) return;
    const g = (this.group ??= this.counts.group(this.groupName));
    for (let k = 0; k < n; k++) {
      const at = this.kernel.olderAt + k * 16;
      const slot = Number(v.getBigInt64(at, true));
      const chunkIndex = Math.floor(slot / CHUNK_SLOTS);
      for (let bits = v.getInt32(at + 8, true); bits !== 0; bits &= bits - 1) {
        this.counts.addAt(g, 31 - Math.clz32(bits & -bits), chunkIndex, slot - chunkIndex * CHUNK_SLOTS);
      }
    }
    v.setInt32(340, 0, true);
  }

  /** Adds the window's counters into EventCounts and zeroes them. */
  private handOver(): void {
    const kernel = this.kernel;
    const base = Number(kernel.view.getBigInt64(CFG.windowBase, true));
    if (base < -(2 ** 52)) return; // not placed yet
    const series = this.counts.data.seriesCount;
    const window = new Uint32Array(kernel.bytes.buffer, kernel.windowAt, WINDOW_SLOTS * series);
    const g = (this.group ??= this.counts.group(this.groupName));
    for (let s = 0; s < series; s++) {
      for (let half = 0; half < WINDOW_SLOTS / CHUNK_SLOTS; half++) {
        const from = s * WINDOW_SLOTS + half * CHUNK_SLOTS;
        const part = window.subarray(from, from + CHUNK_SLOTS);
        let any = false;
        for (let k = 0; k < CHUNK_SLOTS; k++) if (part[k] !== 0) { any = true; break; }
        if (!any) continue;
        const chunkIndex = base / CHUNK_SLOTS + half;
        let chunk = g.series[s].get(chunkIndex);
        if (!chunk) {
          chunk = new Uint32Array(CHUNK_SLOTS);
          g.series[s].set(chunkIndex, chunk);
        }
        for (let k = 0; k < CHUNK_SLOTS; k++) chunk[k] += part[k];
        part.fill(0);
      }
    }
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
