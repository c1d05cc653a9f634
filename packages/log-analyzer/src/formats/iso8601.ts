// Lines that start with an ISO 8601 stamp: `2024-01-01T12:00:00.123Z …`, `2024-01-01 12:00:00+02:00 …`,
// `2024-01-01T12:00:00,5 …`. A stamp without a zone is naive (local time unless --tz).
import { fourDigits, fractionMs, isDigit, naiveMs, twoDigits, zoneOffsetMinutes } from './bytes.js';
import type { FormatContext, LogFormat } from './types.js';

/** `YYYY-MM-DD?HH:MM:SS` at `start`, where `?` is `T` or the given separator byte. Digits are checked. */
export function isDateTimeAt(buf: Buffer, start: number, sep: number): boolean {
  const t = buf[start + 10];
  return (
    buf[start + 4] === 0x2d &&
    buf[start + 7] === 0x2d &&
    (t === sep || t === 0x54) &&
    buf[start + 13] === 0x3a &&
    buf[start + 16] === 0x3a &&
    isDigit(buf[start]) &&
    isDigit(buf[start + 3]) &&
    isDigit(buf[start + 5]) &&
    isDigit(buf[start + 9]) &&
    isDigit(buf[start + 11]) &&
    isDigit(buf[start + 18])
  );
}

/** Parses an ISO 8601 date-time at `start` (up to `end`); NaN when it is not one. */
export function parseIsoAt(buf: Buffer, start: number, end: number, ctx: FormatContext): number {
  if (end - start < 19 || !isDateTimeAt(buf, start, 0x20)) return NaN;
  const y = fourDigits(buf, start);
  const mo = twoDigits(buf, start + 5);
  const d = twoDigits(buf, start + 8);
  const h = twoDigits(buf, start + 11);
  const mi = twoDigits(buf, start + 14);
  const s = twoDigits(buf, start + 17);
  if (Number.isNaN(y + mo + d + h + mi + s) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return NaN;
  }
  let i = start + 19;
  let ms = 0;
  if (i < end && (buf[i] === 0x2e || buf[i] === 0x2c) && isDigit(buf[i + 1])) {
    const f = fractionMs(buf, i + 1, end);
    ms = f.ms;
    i = f.next;
  }
  const naive = naiveMs(y, mo, d, h, mi, s, ms);
  const zone = zoneOffsetMinutes(buf, i, end);
  if (!Number.isNaN(zone.minutes)) return naive - zone.minutes * 60_000;
  return ctx.naive.toUtc(naive);
}

export function iso8601Format(ctx: FormatContext): LogFormat {
  return {
    name: 'iso8601',
    multiline: true,
    isRecordStart(buf, start, end) {
      if (end - start < 19 || !isDateTimeAt(buf, start, 0x20)) return false;
      // The stamp must end there: a digit right after the seconds would be some other layout.
      return end - start === 19 || !isDigit(buf[start + 19]);
    },
    parseTime: (buf, start, end) => parseIsoAt(buf, start, end, ctx),
    levelNeedles: (level) => {
      const l = level.toUpperCase();
      return [` ${l} `, `[${l}]`, ` ${l}:`];
    },
  };
}
