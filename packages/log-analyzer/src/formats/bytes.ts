// Byte-level helpers for parsing timestamps straight from a Buffer, with no string per line.

export const DIGIT_0 = 48;

export function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}

/** Two ASCII digits at `i` as a number; NaN when either is not a digit. */
export function twoDigits(buf: Buffer, i: number): number {
  const a = buf[i] - DIGIT_0;
  const b = buf[i + 1] - DIGIT_0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

export function fourDigits(buf: Buffer, i: number): number {
  return twoDigits(buf, i) * 100 + twoDigits(buf, i + 2);
}

/** Reads 1..9 fraction digits from `i` (stopping at `end` or a non-digit) as milliseconds. */
export function fractionMs(buf: Buffer, i: number, end: number): { ms: number; next: number } {
  let ms = 0;
  let scale = 100;
  let j = i;
  while (j < end && isDigit(buf[j])) {
    ms += (buf[j] - DIGIT_0) * scale;
    scale /= 10;
    j++;
  }
  return { ms: Math.floor(ms), next: j };
}

/**
 * Position of `needle` in buf[start, end), or -1. A plain loop rather than Buffer#indexOf because indexOf cannot be
 * told where to stop, and a missing needle would make it scan the rest of the chunk for every line.
 */
export function indexWithin(buf: Buffer, needle: Uint8Array, start: number, end: number): number {
  const n = needle.length;
  const first = needle[0];
  outer: for (let i = start; i <= end - n; i++) {
    if (buf[i] !== first) continue;
    for (let k = 1; k < n; k++) if (buf[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_BY_KEY = new Map<number, number>(
  MONTHS.map((m, i) => [(m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i + 1]),
);

/** English three-letter month abbreviation at `i` (`Jan` … `Dec`) as 1..12; NaN otherwise. */
export function monthAbbrev(buf: Buffer, i: number): number {
  return MONTH_BY_KEY.get((buf[i] << 16) | (buf[i + 1] << 8) | buf[i + 2]) ?? NaN;
}

export function monthFromName(name: string): number {
  const i = MONTHS.findIndex((m) => m.toLowerCase() === name.slice(0, 3).toLowerCase());
  return i < 0 ? NaN : i + 1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil), no Date object. */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Wall-clock fields as if they were UTC, in ms. */
export function naiveMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
}

/** Parses a zone designator at `i`: `Z`, `+hh:mm`, `+hhmm`, `+hh`. Returns offset minutes (east positive) or NaN. */
export function zoneOffsetMinutes(buf: Buffer, i: number, end: number): { minutes: number; next: number } {
  if (i >= end) return { minutes: NaN, next: i };
  const c = buf[i];
  if (c === 0x5a /* Z */) return { minutes: 0, next: i + 1 };
  if (c !== 0x2b && c !== 0x2d) return { minutes: NaN, next: i };
  const sign = c === 0x2b ? 1 : -1;
  const hh = twoDigits(buf, i + 1);
  if (Number.isNaN(hh) || i + 3 > end) return { minutes: NaN, next: i };
  let j = i + 3;
  let mm = 0;
  if (buf[j] === 0x3a /* : */ && j + 3 <= end) {
    mm = twoDigits(buf, j + 1);
    j += 3;
  } else if (j + 2 <= end && isDigit(buf[j])) {
    mm = twoDigits(buf, j);
    j += 2;
  }
  if (Number.isNaN(mm)) return { minutes: NaN, next: i };
  return { minutes: sign * (hh * 60 + mm), next: j };
}
