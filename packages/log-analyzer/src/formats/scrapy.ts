// Scrapy's log layout: `2024-01-01 12:00:00 [scrapy.core.engine] INFO: Spider opened` (no milliseconds).
import { fourDigits, naiveMs, twoDigits } from './bytes.js';
import { isDateTimeAt } from './iso8601.js';
import type { FormatContext, LogFormat } from './types.js';

export function scrapyFormat(ctx: FormatContext): LogFormat {
  return {
    name: 'scrapy',
    multiline: true,
    isRecordStart(buf, start, end) {
      return end - start >= 22 && isDateTimeAt(buf, start, 0x20) && buf[start + 19] === 0x20 && buf[start + 20] === 0x5b;
    },
    parseTime(buf, start) {
      return ctx.naive.toUtc(
        naiveMs(
          fourDigits(buf, start),
          twoDigits(buf, start + 5),
          twoDigits(buf, start + 8),
          twoDigits(buf, start + 11),
          twoDigits(buf, start + 14),
          twoDigits(buf, start + 17),
          0,
        ),
      );
    },
    levelNeedles: (level) => [`] ${level.toUpperCase()}: `],
  };
}
