// All known formats, in the order the detector prefers them on a tie (the more specific layout first: a Python
// logging line is also an ISO 8601 prefixed line).
import { accessLogFormat } from './access-log.js';
import { crawleeFormat } from './crawlee.js';
import { customTimeFormat } from './custom-time-format.js';
import { iso8601Format } from './iso8601.js';
import { pinoFormat } from './pino.js';
import { pythonLoggingFormat } from './python-logging.js';
import { scrapyFormat } from './scrapy.js';
import { syslogFormat } from './syslog.js';
import type { FormatContext, FormatName, LogFormat } from './types.js';

export const DETECTABLE_FORMATS: Array<Exclude<FormatName, 'custom'>> = [
  'python-logging',
  'scrapy',
  'crawlee',
  'iso8601',
  'pino',
  'syslog',
  'access-log',
];

/** Builds a format by name; `custom` needs the `--time-format` pattern. */
export function createFormat(name: FormatName, ctx: FormatContext, timeFormat?: string): LogFormat {
  switch (name) {
    case 'python-logging': return pythonLoggingFormat(ctx);
    case 'scrapy': return scrapyFormat(ctx);
    case 'crawlee': return crawleeFormat(ctx);
    case 'iso8601': return iso8601Format(ctx);
    case 'pino': return pinoFormat(ctx);
    case 'syslog': return syslogFormat(ctx);
    case 'access-log': return accessLogFormat();
    case 'custom':
      if (!timeFormat) throw new Error('custom format without a --time-format pattern');
      return customTimeFormat(timeFormat, ctx);
  }
}
