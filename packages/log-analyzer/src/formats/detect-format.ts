// Per-file format detection: the format whose timestamps parse on the most of the first lines wins.
import { createFormat, DETECTABLE_FORMATS } from './registry.js';
import type { FormatContext, FormatName } from './types.js';

/** How many non-empty lines of the head are tried. */
const SAMPLE_LINES = 200;

/** The best format for a file's first bytes, or null when no format parses a single line. */
export function detectFormat(head: Buffer, ctx: FormatContext): FormatName | null {
  const lines = sampleLines(head);
  let best: FormatName | null = null;
  let bestHits = 0;
  for (const name of DETECTABLE_FORMATS) {
    const format = createFormat(name, ctx);
    let hits = 0;
    for (const [s, e] of lines) {
      if (format.isRecordStart(head, s, e) && !Number.isNaN(format.parseTime(head, s, e))) hits++;
    }
    if (hits > bestHits) {
      best = name;
      bestHits = hits;
    }
  }
  if (best === null && lines.length > 0) {
    // Crawlee's default text log has no stamps at all: known by its line shape (its statistics carry the time).
    const crawlee = createFormat('crawlee', ctx);
    const shaped = lines.filter(([s, e]) => crawlee.isRecordStart(head, s, e)).length;
    if (shaped * 2 >= lines.length) return 'crawlee';
  }
  return best;
}

/** Counts lines of the head whose stamp parses in the given format (to check a forced --time-format). */
export function sampleLines(head: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let s = 0;
  while (s < head.length && out.length < SAMPLE_LINES) {
    let e = head.indexOf(10, s);
    if (e < 0) e = head.length;
    let end = e;
    if (end > s && head[end - 1] === 13) end--;
    if (end > s) out.push([s, end]);
    s = e + 1;
  }
  return out;
}
