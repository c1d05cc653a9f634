// Finds the series matches of a chunk the way grep does: one search per needle over the whole chunk (the SIMD
// kernel for texts and levels, one regex search for regexes), advanced past each line that matched; the per-line
// cost is one integer comparison.
import type { LogFormat } from '../formats/types.js';
import type { SeriesSpec } from '../series.js';
import { ChunkKernel } from './wasm/chunk-kernel.js';

interface NeedleFinder {
  series: number;
  /** Next match start in the current chunk, or Infinity. */
  next: number;
  /** Searches from `from` (absolute buffer offset) to the chunk end. */
  find(from: number): number;
}

export class SeriesMatcher {
  private readonly finders: NeedleFinder[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private chunkStart = 0;
  private chunkEnd = 0;
  /** latin1 copy of the chunk for regex series (byte offsets equal string offsets). */
  private text = '';
  private readonly hasRegex: boolean;
  /** The smallest `next` of all finders. */
  minNext = Infinity;
  /** Per series, the number captured by its regex's first group at its current match (gauges, counters). */
  readonly captured: Float64Array;
  /** Per key series, the text its regex's first group captured at its current match. */
  readonly capturedKey: string[];

  constructor(series: SeriesSpec[], format: LogFormat) {
    this.captured = new Float64Array(series.length);
    this.capturedKey = new Array<string>(series.length).fill('');
    series.forEach((s, i) => {
      if (s.substring !== undefined) this.addNeedle(i, Buffer.from(s.substring, 'utf8'));
      else if (s.level !== undefined) for (const n of format.levelNeedles(s.level)) this.addNeedle(i, Buffer.from(n));
      else if (s.regex) this.addRegex(i, s.regex, s.kind === 'count' ? 'none' : s.kind === 'key' ? 'text' : 'number');
    });
    this.hasRegex = series.some((s) => s.regex);
    this.kernel = ChunkKernel.forNeedles(this.needleBytes);
  }

  /** Needles of the text and level series, in the kernel's order. */
  private readonly needleBytes: Uint8Array[] = [];
  /** Holds the current chunk; the line scanner reads its line ends from it too. */
  readonly kernel: ChunkKernel;

  private addNeedle(series: number, needle: Buffer): void {
    if (needle.length === 0) return;
    // Searched by the SIMD kernel over the whole chunk (chunk-kernel.ts); here only its sorted matches are read.
    const index = this.needleBytes.length;
    this.needleBytes.push(needle);
    const finder: NeedleFinder = {
      series,
      next: Infinity,
      find: (from) => {
        const kernel = this.kernel;
        const at = kernel.needle(index).next(from - this.chunkStart + kernel.inputAt);
        return at < 0 ? Infinity : at - kernel.inputAt + this.chunkStart;
      },
    };
    this.finders.push(finder);
  }

  private addRegex(series: number, spec: { source: string; flags: string }, captures: 'none' | 'number' | 'text'): void {
    // The chunk is searched as latin1 text so string offsets are byte offsets; non-ASCII literals in the pattern
    // are turned into their UTF-8 bytes read as latin1 to match (character classes over non-ASCII do not).
    const source = Buffer.from(spec.source, 'utf8').toString('latin1');
    const flags = spec.flags.replace(/[gyu]/g, '') + 'gm';
    const re = new RegExp(source, flags);
    this.finders.push({
      series,
      next: Infinity,
      find: (from) => {
        re.lastIndex = from - this.chunkStart;
        const m = re.exec(this.text);
        if (!m) return Infinity;
        if (captures === 'number') this.captured[series] = Number(m[1]);
        else if (captures === 'text') this.capturedKey[series] = m[1] ?? '';
        return m.index + this.chunkStart;
      },
    });
  }

  /** Starts a chunk buf[start, end) and finds each needle's first match. */
  begin(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.chunkStart = start;
    this.chunkEnd = end;
    this.kernel.load(buf, start, end);
    if (this.hasRegex) this.text = buf.toString('latin1', start, end);
    let min = Infinity;
    for (const f of this.finders) {
      f.next = f.find(start);
      if (f.next < min) min = f.next;
    }
    this.minNext = min;
  }

  /**
   * Called when a match starts before `lineEnd`: reports each series with a match in [.., lineEnd) through
   * `onMatch` and moves those finders past `nextLineStart`.
   */
  takeLine(lineEnd: number, nextLineStart: number, onMatch: (series: number) => void): void {
    let min = Infinity;
    for (const f of this.finders) {
      if (f.next < lineEnd) {
        onMatch(f.series);
        f.next = f.find(nextLineStart);
      } else if (f.next < nextLineStart) {
        // A match that starts on the newline itself (a regex matching `\n`): skip it.
        f.next = f.find(nextLineStart);
      }
      if (f.next < min) min = f.next;
    }
    this.minNext = min;
  }
}
