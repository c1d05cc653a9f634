// Crawlee's text log line by line: the shapes @apify/log writes (colours or not, with a UTC stamp, an Apify
// platform ISO stamp, or none), against lines that only look alike. Expected times are computed here with Date.
import { describe, expect, it } from 'vitest';
import { createFormat } from '../src/formats/registry.js';
import { detectFormat } from '../src/formats/detect-format.js';
import { crawleeRunStart } from '../src/formats/crawlee.js';
import { NaiveTimeConverter } from '../src/formats/timezone.js';
import { looksLikeCrawlee } from '../src/series.js';

const ctx = { naive: new NaiveTimeConverter('Europe/Paris'), referenceMs: Date.UTC(2024, 4, 13, 9, 0, 0) };
const crawlee = createFormat('crawlee', ctx);
const c = (code: number, s: string): string => `\x1b[${code}m${s}\x1b[39m`;
const STATS = '{"requestsFinishedPerMinute":95,"requestsTotal":1200,"crawlerRuntimeMillis":600000,"retryHistogram":[1200]}';

function check(line: string): { record: boolean; time: number } {
  const buf = Buffer.from(line);
  return { record: crawlee.isRecordStart(buf, 0, buf.length), time: crawlee.parseTime(buf, 0, buf.length) };
}

describe('crawlee format', () => {
  it('reads coloured and plain lines, UTC stamps (never the --tz zone), ISO stamps and no stamp', () => {
    const utc = Date.UTC(2024, 4, 13, 10, 1, 0, 3);
    expect(check(`${c(90, '2024-05-13 10:01:00.003 ')}${c(32, 'INFO')} ${c(33, ' HttpCrawler:Statistics:')} HttpCrawler request statistics:${c(90, ` ${STATS}`)}`)).toEqual({ record: true, time: utc });
    expect(check(`2024-05-13 10:01:00.003 INFO  HttpCrawler:Statistics: HttpCrawler request statistics: ${STATS}`)).toEqual({ record: true, time: utc });
    expect(check(`2024-05-13T10:01:00.003Z INFO  CheerioCrawler: Starting the crawler.`)).toEqual({ record: true, time: utc });
    expect(check(`${c(90, '2024-05-13 10:01:00.003 ')}${c(31, 'ERROR')}${c(33, ' HttpCrawler:')} Request failed and reached maximum retries.`)).toEqual({ record: true, time: utc });
    expect(check(`${c(33, 'WARN')} ${c(33, ' HttpCrawler:')} Reclaiming failed request back to the list or queue.`).record).toBe(true);
    // No stamp: the statistics line is the run's start (referenceMs) plus crawlerRuntimeMillis; others have no time.
    expect(check(`${c(32, 'INFO')} ${c(33, ' HttpCrawler:Statistics:')} HttpCrawler request statistics:${c(90, ` ${STATS}`)}`)).toEqual({ record: true, time: ctx.referenceMs + 600_000 });
    expect(Number.isNaN(check(`${c(32, 'INFO')} ${c(33, ' HttpCrawler:')} Starting the crawler.`).time)).toBe(true);
  });

  it('is not fooled by lines that only look alike', () => {
    expect(check('2024-05-13T10:01:00.003Z INFO crawler: one space after the level').record).toBe(false);
    expect(check('INFORMATION  something').record).toBe(false);
    expect(check('    at Timeout._onTimeout (/app/node_modules/@apify/timeout/cjs/index.cjs:61:22)').record).toBe(false);
    expect(check('2024-05-13 10:01:00,003 - crawler - INFO - python logging').record).toBe(false);
  });

  it('is detected on a stampless head by its shape, and Crawlee logs by their lines', () => {
    const head = Buffer.from(
      [
        `${c(32, 'INFO')} ${c(33, ' CheerioCrawler:')} Starting the crawler.`,
        `${c(33, 'WARN')} ${c(33, ' CheerioCrawler:')} Reclaiming failed request back to the list or queue. timeout`,
        `${c(32, 'INFO')} ${c(33, ' CheerioCrawler:AutoscaledPool:')} state${c(90, ' {"currentConcurrency":1}')}`,
      ].join('\n') + '\n',
    );
    expect(detectFormat(head, ctx)).toBe('crawlee');
    expect(looksLikeCrawlee(head)).toBe(true);
    expect(looksLikeCrawlee(Buffer.from('{"time":"2024-05-13T10:00:00.000Z","level":"INFO","msg":"PlaywrightCrawler: Starting the crawler."}\n'))).toBe(true);
    expect(looksLikeCrawlee(Buffer.from('2016-12-20 14:29:20,135 - crawlers.web.multi_worker_web_crawler - DEBUG - The URL will be crawled.\n'))).toBe(false);
  });

  it('finds the run start from the last crawlerRuntimeMillis of the tail', () => {
    const tail = Buffer.from(`x "crawlerRuntimeMillis":1000}\ny "crawlerRuntimeMillis":61000,"z":1}\nINFO  done\n`);
    expect(crawleeRunStart(tail, 1_000_000)).toBe(1_000_000 - 61_000);
    expect(Number.isNaN(crawleeRunStart(Buffer.from('nothing here\n'), 5))).toBe(true);
  });
});
