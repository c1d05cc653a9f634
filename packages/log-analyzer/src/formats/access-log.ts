// nginx / Apache access logs (common and combined): `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / …" 200 …`.
// The stamp carries its own offset, so --tz does not apply.
import { fourDigits, monthAbbrev, naiveMs, twoDigits } from './bytes.js';
import type { LogFormat } from './types.js';

/** The stamp begins after the first ` [` within this many bytes of the line start (client, ident, user). */
const MAX_PREFIX = 300;

function stampStart(buf: Buffer, start: number, end: number): number {
  const limit = Math.min(end - 28, start + MAX_PREFIX);
  for (let i = start; i < limit; i++) {
    if (buf[i] === 0x5b && buf[i - 1] === 0x20 && buf[i + 3] === 0x2f && buf[i + 7] === 0x2f && buf[i + 12] === 0x3a) {
      return i + 1;
    }
  }
  return -1;
}

export function accessLogFormat(): LogFormat {
  return {
    name: 'access-log',
    multiline: false,
    isRecordStart: (buf, start, end) => stampStart(buf, start, end) >= 0,
    parseTime(buf, start, end) {
      const i = stampStart(buf, start, end);
      if (i < 0) return NaN;
      const d = twoDigits(buf, i);
      const mo = monthAbbrev(buf, i + 3);
      const y = fourDigits(buf, i + 7);
      const h = twoDigits(buf, i + 12);
      const mi = twoDigits(buf, i + 15);
      const s = twoDigits(buf, i + 18);
      const sign = buf[i + 21] === 0x2d ? -1 : 1;
      const offMin = sign * (twoDigits(buf, i + 22) * 60 + twoDigits(buf, i + 24));
      return naiveMs(y, mo, d, h, mi, s, 0) - offMin * 60_000;
    },
    // Access logs have no level; `--level` is an HTTP status class there: 4xx, 5xx.
    levelNeedles: (level) => {
      const m = /^([1-5])xx$/i.exec(level);
      if (!m) return [];
      return Array.from({ length: 100 }, (_, k) => `" ${m[1]}${String(k).padStart(2, '0')} `);
    },
  };
}
