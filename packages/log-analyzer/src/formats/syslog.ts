// Classic BSD syslog (RFC 3164) lines: `Jan  2 15:04:05 host prog[123]: message`. The stamp has no year: it is
// taken from the log's reference time (file mtime), and a stamp later than that by over two days is last year's
// (a log written in January that starts in December).
import { naiveMs, monthAbbrev, twoDigits, isDigit } from './bytes.js';
import type { FormatContext, LogFormat } from './types.js';

const TWO_DAYS_MS = 2 * 86_400_000;

export function syslogFormat(ctx: FormatContext): LogFormat {
  const referenceYear = new Date(ctx.referenceMs).getUTCFullYear();
  return {
    name: 'syslog',
    multiline: false,
    isRecordStart(buf, start, end) {
      return (
        end - start >= 16 &&
        buf[start + 3] === 0x20 &&
        buf[start + 6] === 0x20 &&
        buf[start + 9] === 0x3a &&
        buf[start + 12] === 0x3a &&
        buf[start + 15] === 0x20 &&
        isDigit(buf[start + 5]) &&
        !Number.isNaN(monthAbbrev(buf, start))
      );
    },
    parseTime(buf, start) {
      const mo = monthAbbrev(buf, start);
      const d = buf[start + 4] === 0x20 ? buf[start + 5] - 48 : twoDigits(buf, start + 4);
      const h = twoDigits(buf, start + 7);
      const mi = twoDigits(buf, start + 10);
      const s = twoDigits(buf, start + 13);
      let t = ctx.naive.toUtc(naiveMs(referenceYear, mo, d, h, mi, s, 0));
      if (t > ctx.referenceMs + TWO_DAYS_MS) t = ctx.naive.toUtc(naiveMs(referenceYear - 1, mo, d, h, mi, s, 0));
      return t;
    },
    levelNeedles: (level) => [` ${level.toUpperCase()} `, ` ${level.toLowerCase()}: `, `<${level.toLowerCase()}>`],
  };
}
