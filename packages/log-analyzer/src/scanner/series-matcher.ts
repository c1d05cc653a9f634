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

  constructor(series: SeriesSpec[], format: LogFormat) {
    series.forEach((s, i) => {
      if (s.substring !== undefined) this.addNeedle(i, Buffer.from(s.substring, 'utf8'));
      else if (s.level !== undefined) for (const n of format.levelNeedles(s.level)) this.addNeedle(i, Buffer.from(n));
      else if (s.regex) this.addRegex(i, s.regex);
    });
    this.hasRegex = series.some((s) => s.regex);
  }

  private addNeedle(series: number, needle: Buffer): void {
    const finder: NeedleFinder = {
      series,
      next: Infinity,
      find: (from) => {
        const at = this.buf.indexOf(needle, from);
        return at < 0 || at >= this.chunkEnd ? Infinity : at;
      },
    };
    this.finders.push(finder);
  }

  private addRegex(series: number, spec: { source: string; flags: string }): void {
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
        return m ? m.index + this.chunkStart : Infinity;
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
