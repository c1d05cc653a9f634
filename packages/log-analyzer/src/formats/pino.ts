// pino / bunyan NDJSON: one JSON object per line with `time` as epoch ms (pino) or an ISO string (bunyan).
// Only the `time` field is read, from the bytes; whole lines are never JSON.parse'd.
import { DIGIT_0, indexWithin, isDigit } from './bytes.js';
import { parseIsoAt } from './iso8601.js';
import type { FormatContext, LogFormat } from './types.js';

const TIME_KEY = Buffer.from('"time":');
const PINO_LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, warning: 40, error: 50, fatal: 60, critical: 60 };

/** Position just after `"key":` (and any spaces) inside the line, or -1. */
export function jsonValueStart(buf: Buffer, key: Uint8Array, start: number, end: number): number {
  const at = indexWithin(buf, key, start, end);
  if (at < 0) return -1;
  let i = at + key.length;
  while (i < end && buf[i] === 0x20) i++;
  return i;
}

export function pinoFormat(ctx: FormatContext): LogFormat {
  return {
    name: 'pino',
    multiline: false,
    isRecordStart(buf, start, end) {
      return end - start > 2 && buf[start] === 0x7b /* { */ && buf[end - 1] === 0x7d; /* } */
    },
    parseTime(buf, start, end) {
      const i = jsonValueStart(buf, TIME_KEY, start, end);
      if (i < 0) return NaN;
      if (buf[i] === 0x22 /* " */) return parseIsoAt(buf, i + 1, end, ctx);
      if (!isDigit(buf[i])) return NaN;
      let n = 0;
      let j = i;
      while (j < end && isDigit(buf[j])) n = n * 10 + (buf[j++] - DIGIT_0);
      // Epoch seconds (some loggers) would read as 1970: below 1e11 it cannot be ms of a plausible date.
      return n < 1e11 ? n * 1000 : n;
    },
    levelNeedles: (level) => {
      const name = level.toLowerCase();
      const needles = [`"level":"${name}"`, `"level":"${level.toUpperCase()}"`];
      const num = PINO_LEVELS[name] ?? (/^\d+$/.test(level) ? Number(level) : undefined);
      if (num !== undefined) needles.push(`"level":${num},`, `"level":${num}}`);
      return needles;
    },
  };
}
