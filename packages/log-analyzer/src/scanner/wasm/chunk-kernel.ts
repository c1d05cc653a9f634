// The scanner's searches over a chunk, run by the WebAssembly SIMD kernel (kernel.wat): the chunk is copied into
// the module's memory once, then its line ends and each needle's matches come back as sorted offsets. Written by
// hand because no npm package searches bytes with SIMD from Node without a native addon; JavaScript itself has
// no vector instructions, and one native `indexOf` call per line or per candidate costs 30-50 ns, which was most
// of the scan time (packages/log-analyzer/README.md, "Speed and memory").
import { KERNEL_WASM_BASE64 } from './kernel-bytes.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  newlines(start: number, end: number, out: number, cap: number, prevNul: number): number;
  find(start: number, end: number, needle: number, len: number, out: number, cap: number, a: number, z: number): number;
}

let compiled: WebAssembly.Module | null = null;

/** Offsets per output batch; a full batch is followed by another call. */
const LINE_CAP = 1 << 16;
const MATCH_CAP = 1 << 14;
const PAGE = 65536;
/** Bytes after the chunk that the kernel may read (16 past a line end, 64 plus a needle past a match start). */
const PADDING = 128;
/** Bytes of the first chunk whose byte counts say which needle bytes are rare in this input. */
const SAMPLE_BYTES = 64 << 10;

/** Sorted match offsets of one needle in the loaded chunk, read batch by batch. */
export class NeedleMatches {
  private view: Int32Array;
  private count = 0;
  private k = 0;

  /** The two needle positions the kernel compares first: its rarest bytes in the input (set by `tune`). */
  private a = 0;
  private z: number;

  constructor(
    private readonly kernel: ChunkKernel,
    private readonly needleAt: number,
    readonly bytes: Uint8Array,
    private readonly outAt: number,
  ) {
    this.view = new Int32Array(0);
    this.z = bytes.length - 1;
  }

  /**
   * Picks the positions of the needle's two rarest bytes (by the input's byte counts), preferring two different
   * byte values: the fewer places both agree, the fewer candidates are compared in full.
   */
  tune(frequencies: Uint32Array): void {
    [this.a, this.z] = rarePositions(this.bytes, frequencies);
  }

  /** Starts over on the chunk just loaded. */
  reset(): void {
    this.view = new Int32Array(this.kernel.memoryBuffer(), this.outAt, MATCH_CAP);
    this.count = this.search(this.kernel.inputAt);
    this.k = 0;
  }

  private search(from: number): number {
    return this.kernel.exports.find(from, this.kernel.inputEnd, this.needleAt, this.bytes.length, this.outAt, MATCH_CAP, this.a, this.z);
  }

  /** The first match starting at or after memory offset `from`, or -1. */
  next(from: number): number {
    for (;;) {
      const view = this.view;
      while (this.k < this.count && view[this.k] < from) this.k++;
      if (this.k < this.count) return view[this.k];
      if (this.count < MATCH_CAP) return -1;
      this.count = this.search(view[this.count - 1] + 1);
      this.k = 0;
    }
  }
}

/**
 * The positions of a needle's two rarest bytes (by the input's byte counts), preferring two different byte values:
 * the fewer places both agree, the fewer candidates are compared in full.
 */
export function rarePositions(bytes: Uint8Array, frequencies: Uint32Array): [number, number] {
  const order = [...bytes.keys()].sort((x, y) => frequencies[bytes[x]] - frequencies[bytes[y]] || x - y);
  const a = order[0];
  return [a, order.find((i) => bytes[i] !== bytes[a]) ?? order[order.length > 1 ? 1 : 0]];
}

/** Byte counts of the first SAMPLE_BYTES of buf[start, end). */
export function byteFrequencies(buf: Uint8Array, start: number, end: number): Uint32Array {
  const frequencies = new Uint32Array(256);
  const sampleEnd = Math.min(end, start + SAMPLE_BYTES);
  for (let i = start; i < sampleEnd; i++) frequencies[buf[i]]++;
  return frequencies;
}

/** The compiled kernel module, compiled once per thread. */
export function kernelModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64')));
}

export class ChunkKernel {
  readonly exports: KernelExports;
  /** Where the loaded chunk starts and ends in the module's memory. */
  readonly inputAt: number;
  inputEnd: number;
  private readonly linesAt: number;
  private bytes: Uint8Array;
  private readonly needles: NeedleMatches[] = [];
  /** Needle positions are picked on the first chunk's bytes. */
  private tuned = false;

  /**
   * A kernel for these needles, reused within the thread: a worker scans dozens of file ranges, each with a new
   * scanner, and a fresh module instance with a few MB of memory each time is wasted work. Sharing is safe
   * because a scan uses the kernel only synchronously, from `load` to its last read.
   */
  static forNeedles(needles: Uint8Array[]): ChunkKernel {
    const key = needles.map((n) => Buffer.from(n).toString('hex')).join(',');
    let kernel = reusable.get(key);
    if (!kernel) {
      if (reusable.size >= MAX_REUSABLE) reusable.delete(reusable.keys().next().value as string);
      kernel = new ChunkKernel(needles);
      reusable.set(key, kernel);
    }
    return kernel;
  }

  /** `needles`: every byte string that will be searched, fixed for the kernel's life. */
  constructor(needles: Uint8Array[]) {
    this.exports = new WebAssembly.Instance(kernelModule()).exports as unknown as KernelExports;
    // Layout: needles, line-end batch, one match batch per needle, then the chunk.
    let at = 0;
    const needleAt = needles.map((n) => {
      const here = at;
      at += n.length;
      return here;
    });
    at = align(at, 64);
    this.linesAt = at;
    at += LINE_CAP * 4;
    const outAt = needles.map(() => {
      const here = at;
      at += MATCH_CAP * 4;
      return here;
    });
    this.inputAt = align(at, 64);
    this.inputEnd = this.inputAt;
    this.ensure(this.inputAt + PADDING);
    this.bytes = new Uint8Array(this.exports.memory.buffer);
    needles.forEach((n, i) => {
      this.bytes.set(n, needleAt[i]);
      this.needles.push(new NeedleMatches(this, needleAt[i], n, outAt[i]));
    });
  }

  /** The matcher of the i-th needle given to the constructor. */
  needle(i: number): NeedleMatches {
    return this.needles[i];
  }

  memoryBuffer(): ArrayBuffer {
    return this.exports.memory.buffer;
  }

  /** Copies buf[start, end) into the module's memory and finds every needle's matches in it. */
  load(buf: Uint8Array, start: number, end: number): void {
    const len = end - start;
    this.ensure(this.inputAt + len + PADDING);
    const bytes = this.bytes;
    bytes.set(buf.subarray(start, end), this.inputAt);
    bytes.fill(0, this.inputAt + len, this.inputAt + len + PADDING);
    this.inputEnd = this.inputAt + len;
    if (!this.tuned && len > 0) {
      this.tuned = true;
      const frequencies = byteFrequencies(bytes, this.inputAt, this.inputEnd);
      for (const n of this.needles) n.tune(frequencies);
    }
    for (const n of this.needles) n.reset();
  }

  /**
   * Line ends of the loaded chunk (each '\n', and the first byte of each run of NUL bytes), batch by batch: `firstLineBatch()` then `nextLineBatch()` while the batch before
   * was full (`lineBatchFull`); each returns how many offsets `lineEnds` holds (memory offsets of each '\n', in
   * order). The view is overwritten by the next call.
   */
  lineEnds: Int32Array = new Int32Array(0);
  lineBatchFull = false;

  firstLineBatch(): number {
    this.lineEnds = new Int32Array(this.exports.memory.buffer, this.linesAt, LINE_CAP);
    return this.lineBatchFrom(this.inputAt);
  }

  nextLineBatch(): number {
    return this.lineBatchFrom(this.lineEnds[LINE_CAP - 1] + 1);
  }

  private lineBatchFrom(from: number): number {
    const prevNul = from > this.inputAt && this.bytes[from - 1] === 0 ? 1 : 0;
    const count = this.exports.newlines(from, this.inputEnd, this.linesAt, LINE_CAP, prevNul);
    this.lineBatchFull = count === LINE_CAP;
    return count;
  }

  private ensure(bytes: number): void {
    const memory = this.exports.memory;
    if (memory.buffer.byteLength >= bytes) return;
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    this.bytes = new Uint8Array(memory.buffer);
  }
}

const reusable = new Map<string, ChunkKernel>();
/** Kernels kept per thread (one per needle set in use; more only with --follow over different formats). */
const MAX_REUSABLE = 4;

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
