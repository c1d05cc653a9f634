// Crawlee's text log (the `LoggerText` of @apify/log, which every Crawlee v3 crawler uses by default). What the
// bytes look like was read from the sources, not guessed: @apify/log 2.5.54 `src/logger_text.ts` builds a line as
//   gray(date) + color(level) + levelIndent + yellow(' ' + prefix + ':') + ' ' + message + gray(' ' + JSON(data))
// where `date` is `new Date().toISOString().replace('Z', '').replace('T', ' ') + ' '` (UTC, and only with
// `skipTime: false`: the DEFAULT is no date at all), `level` is ERROR, SFAIL, WARN, INFO, DEBUG or PERF padded with
// spaces to 5 characters, and the colours are ANSI escapes that ansi-colors writes even into files. The Apify
// platform's run log puts an ISO stamp with `Z` and a space in front of the same line. So, after ANSI escapes:
//   [2024-05-13 10:00:00.123 |2024-05-13T10:00:00.123Z ]INFO  HttpCrawler:Statistics: HttpCrawler request statistics: {...}
// A line without a stamp (the default) is timed by the `"crawlerRuntimeMillis":N` its statistics carry
// (crawlee packages/core/src/crawlers/statistics.ts `calculate()`): the run's start (`referenceMs`, found by the
// caller from the file's end: see crawleeRunStart) plus N. Other lines of such a log cannot be timed.
import { fourDigits, fractionMs, isDigit, naiveMs, twoDigits } from './bytes.js';
import { isDateTimeAt } from './iso8601.js';
import type { FormatContext, LogFormat } from './types.js';

const ESC = 0x1b;
const LEVELS = ['ERROR', 'SFAIL', 'WARN', 'INFO', 'DEBUG', 'PERF'].map((l) => Buffer.from(l));
/** @apify/log pads level names to this width (`getLevelIndent`). */
const LEVEL_WIDTH = 5;
const RUNTIME_KEY = Buffer.from('"crawlerRuntimeMillis":');

/** Skips ANSI CSI escapes (`ESC [ params letter`) at i. */
function skipAnsi(buf: Buffer, i: number, end: number): number {
  while (i + 1 < end && buf[i] === ESC && buf[i + 1] === 0x5b) {
    let j = i + 2;
    while (j < end && (buf[j] < 0x40 || buf[j] > 0x7e)) j++;
    i = j + 1;
  }
  return i;
}

/** Position after a level name padded like @apify/log does (ANSI escapes skipped), or -1. */
function afterLevel(buf: Buffer, i: number, end: number): number {
  i = skipAnsi(buf, i, end);
  for (const level of LEVELS) {
    if (i + level.length > end) continue;
    let k = 0;
    while (k < level.length && buf[i + k] === level[k]) k++;
    if (k < level.length) continue;
    // The padding, then the space before the prefix or message: LEVEL_WIDTH - length + 1 spaces, escapes between.
    let j = i + k;
    for (let spaces = LEVEL_WIDTH - level.length + 1; spaces > 0; spaces--) {
      j = skipAnsi(buf, j, end);
      if (buf[j] !== 0x20) return -1;
      j++;
    }
    return j;
  }
  return -1;
}

/** Length of a stamp `YYYY-MM-DD HH:mm:ss.SSS` or `YYYY-MM-DDTHH:mm:ss.SSSZ` at i followed by a space, or -1. */
function stampLength(buf: Buffer, i: number, end: number): number {
  if (end - i < 20 || !isDateTimeAt(buf, i, 0x20)) return -1;
  let j = i + 19;
  if (buf[j] === 0x2e && isDigit(buf[j + 1])) j = fractionMs(buf, j + 1, end).next;
  if (buf[j] === 0x5a /* Z */) j++;
  return buf[j] === 0x20 ? j - i + 1 : -1;
}

export function crawleeFormat(ctx: FormatContext): LogFormat {
  return {
    name: 'crawlee',
    multiline: true,
    untimedRecords: true,
    isRecordStart(buf, start, end) {
      const i = skipAnsi(buf, start, end);
      if (i < end && isDigit(buf[i])) {
        const n = stampLength(buf, i, end);
        return n > 0 && afterLevel(buf, i + n, end) > 0;
      }
      return afterLevel(buf, i, end) > 0;
    },
    parseTime(buf, start, end) {
      const i = skipAnsi(buf, start, end);
      if (i < end && isDigit(buf[i])) {
        if (stampLength(buf, i, end) < 0) return NaN;
        // toISOString() is UTC, with or without the Z: never a local time.
        const ms = buf[i + 19] === 0x2e ? fractionMs(buf, i + 20, end).ms : 0;
        const t = naiveMs(fourDigits(buf, i), twoDigits(buf, i + 5), twoDigits(buf, i + 8), twoDigits(buf, i + 11), twoDigits(buf, i + 14), twoDigits(buf, i + 17), ms);
        return Number.isFinite(t) ? t : NaN;
      }
      const runtime = crawlerRuntimeMillis(buf, start, end);
      return Number.isNaN(runtime) ? NaN : ctx.referenceMs + runtime;
    },
    levelNeedles: (level) => {
      const l = level.toUpperCase();
      const short = l === 'WARNING' ? 'WARN' : l === 'SOFT_FAIL' ? 'SFAIL' : l;
      const pad = ' '.repeat(Math.max(0, LEVEL_WIDTH - short.length) + 1);
      // Coloured (the level ends with the colour reset) and plain.
      return [`${short}\x1b[39m${pad.slice(1)}\x1b[33m `, `${short}\x1b[39m${pad}`, `${short}${pad}`];
    },
  };
}

/** The `"crawlerRuntimeMillis":N` of a statistics line, or NaN. */
export function crawlerRuntimeMillis(buf: Buffer, start: number, end: number): number {
  const at = buf.indexOf(RUNTIME_KEY, start);
  if (at < 0 || at >= end) return NaN;
  let j = at + RUNTIME_KEY.length;
  if (!isDigit(buf[j])) return NaN;
  let n = 0;
  while (j < end && isDigit(buf[j])) n = n * 10 + (buf[j++] - 48);
  return n;
}

/**
 * When the run of an untimed Crawlee log started: the file's modification time minus the last
 * `crawlerRuntimeMillis` in its last bytes (the final statistics are written as the crawler ends). NaN if the tail
 * has none.
 */
export function crawleeRunStart(tail: Buffer, mtimeMs: number): number {
  let last = NaN;
  let from = 0;
  for (;;) {
    const at = tail.indexOf(RUNTIME_KEY, from);
    if (at < 0) break;
    const nl = tail.indexOf(10, at);
    const n = crawlerRuntimeMillis(tail, at, nl < 0 ? tail.length : nl);
    if (!Number.isNaN(n)) last = n;
    from = at + 1;
  }
  return Number.isNaN(last) ? NaN : mtimeMs - last;
}
