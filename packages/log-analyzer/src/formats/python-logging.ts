// Python logging's default layout, `%(asctime)s - %(name)s - %(levelname)s - %(message)s`:
// `2016-12-20 14:29:20,135 - crawlers.web.multi_worker_web_crawler - DEBUG - The URL '…' will be crawled.`
// (comma or dot before the milliseconds). Every field sits at a fixed offset.
import { fourDigits, naiveMs, twoDigits } from './bytes.js';
import { isDateTimeAt } from './iso8601.js';
import type { FormatContext, LogFormat } from './types.js';
import { HourCache } from './hour-cache.js';

export function pythonLoggingFormat(ctx: FormatContext): LogFormat {
  const hours = new HourCache();
  return {
    name: 'python-logging',
    multiline: true,
    isRecordStart(buf, start, end) {
      if (end - start < 26) return false;
      const sep = buf[start + 19];
      return (
        isDateTimeAt(buf, start, 0x20) &&
        (sep === 0x2c || sep === 0x2e) &&
        buf[start + 23] === 0x20 &&
        buf[start + 24] === 0x2d &&
        buf[start + 25] === 0x20
      );
    },
    parseTime(buf, start) {
      let hourMs = hours.lookup(buf, start);
      if (Number.isNaN(hourMs)) {
        hourMs = ctx.naive.toUtc(
          naiveMs(fourDigits(buf, start), twoDigits(buf, start + 5), twoDigits(buf, start + 8), twoDigits(buf, start + 11), 0, 0, 0),
        );
        hours.store(buf, start, hourMs);
      }
      const ms = (buf[start + 20] - 48) * 100 + (buf[start + 21] - 48) * 10 + (buf[start + 22] - 48);
      return hourMs + twoDigits(buf, start + 14) * 60_000 + twoDigits(buf, start + 17) * 1000 + ms;
    },
    levelNeedles: (level) => [` - ${level.toUpperCase()} - `],
  };
}
