// Finds the series matches of a chunk the way grep does: one Buffer#indexOf (or one regex search) per needle over
// the whole chunk, advanced past each line that matched; the per-line cost is one integer comparison.
import type { LogFormat } from '../formats/types.js';
import type { SeriesSpec } from '../series.js';

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

  constructor(series: SeriesSpec[], format: LogFormat) {
    this.captured = new Float64Array(series.length);
    series.forEach((s, i) => {
      if (s.substring !== undefined) this.addNeedle(i, Buffer.from(s.substring, 'utf8'));
      else if (s.level !== undefined) for (const n of format.levelNeedles(s.level)) this.addNeedle(i, Buffer.from(n));
      else if (s.regex) this.addRegex(i, s.regex, s.kind !== 'count');
    });
    this.hasRegex = series.some((s) => s.regex);
  }

  private addNeedle(series: number, needle: Buffer): void {
    if (needle.length === 0) return;
    // Buffer#indexOf with a Buffer needle costs a slow native call per match (it sets up a string search each
    // time); a single byte goes to memchr through a fast call. So jump between occurrences of the needle's
    // rarest byte and compare the rest here. Byte frequencies come from the first chunk scanned.
    let rareAt = -1;
    let rare = 0;
    const finder: NeedleFinder = {
      series,
      next: Infinity,
      find: (from) => {
        const buf = this.buf;
        const end = this.chunkEnd;
        const n = needle.length;
        if (rareAt < 0) {
          rareAt = rarestByteIndex(needle, this.byteFrequencies());
          rare = needle[rareAt];
        }
        let p = buf.indexOf(rare, from + rareAt);
        while (p >= 0 && p < end) {
          const start = p - rareAt;
          if (start + n <= end) {
            let k = 0;
            while (k < n && buf[start + k] === needle[k]) k++;
            if (k === n) return start;
          }
          p = buf.indexOf(rare, p + 1);
        }
        return Infinity;
      },
    };
    this.finders.push(finder);
  }

  private frequencies: Uint32Array | null = null;

  /** Byte counts of (up to 64 KB of) the first chunk: what "rare" means in this input. */
  private byteFrequencies(): Uint32Array {
    if (!this.frequencies) {
      const f = new Uint32Array(256);
      const end = Math.min(this.chunkEnd, this.chunkStart + (64 << 10));
      for (let i = this.chunkStart; i < end; i++) f[this.buf[i]]++;
      this.frequencies = f;
    }
    return this.frequencies;
  }

  private addRegex(series: number, spec: { source: string; flags: string }, captures: boolean): void {
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
        if (captures) this.captured[series] = Number(m[1]);
        return m.index + this.chunkStart;
      },
    });
  }

  /** Starts a chunk buf[start, end) and finds each needle's first match. */
  begin(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.chunkStart = start;
    this.chunkEnd = end;
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

/** Index of the needle byte seen least often in the input (the first of equals). */
function rarestByteIndex(needle: Uint8Array, frequencies: Uint32Array): number {
  let best = 0;
  for (let i = 1; i < needle.length; i++) if (frequencies[needle[i]] < frequencies[needle[best]]) best = i;
  return best;
}
