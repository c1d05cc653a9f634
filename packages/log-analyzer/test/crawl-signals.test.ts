// Crawl signals: which crawler wrote the logs, its rate series, and the ratios and domain figures that name causes.
// The crawler fixtures are the repository's logs of known ground truth; the statistics are checked against values
// worked out by hand in the test from the lines it writes (a Scrapy log in Scrapy 2.19's own wording, from
// logformatter.CRAWLEDMSG and downloadermiddlewares/retry.py).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCrawl, analyzeTrend, domainSpread, LogInputError } from '../src/index.js';

const ROOT = join(import.meta.dirname, '../../..');
const FIX = join(ROOT, 'fixtures/logs');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-signals-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/**
 * A 10-minute Scrapy crawl, 6 pages per 10 s. Over the minutes the 429 answers (each retried once) rise from 0 to 5
 * per 10 s, and the pages' domains narrow from 12 sites to one.
 */
function scrapyLog(): { text: string; pushback: number[]; pages: number[] } {
  const lines = [`${stamp(T0)} [scrapy.core.engine] INFO: Spider opened`];
  const pushback: number[] = [];
  const pages: number[] = [];
  for (let slot = 0; slot < 60; slot++) {
    const at = T0 + slot * 10_000;
    const minute = Math.floor(slot / 6);
    const retried = Math.min(5, Math.floor(slot / 12));
    const sites = Math.max(1, 12 - minute - Math.floor(minute / 2) * 2);
    for (let i = 0; i < 6; i++) {
      const host = `site-${(slot * 6 + i) % sites}.test`;
      lines.push(`${stamp(at + i * 1000)} [scrapy.core.engine] DEBUG: Crawled (200) <GET http://${host}/p/${slot}-${i}> (referer: None)`);
    }
    for (let i = 0; i < retried; i++) {
      lines.push(`${stamp(at + 6000 + i * 500)} [scrapy.downloadermiddlewares.retry] DEBUG: Retrying <GET http://site-0.test/r/${slot}-${i}> (failed 1 times): 429 Unknown Status`);
    }
    pushback.push(retried);
    pages.push(6);
  }
  return { text: lines.join('\n') + '\n', pushback, pages };
}

describe('which crawler wrote the logs', () => {
  it('Scrapy, Crawlee, ours and the original Python crawler, each with its own rate series', async () => {
    const cases: Array<[string, string, string, 'count' | 'counter']> = [
      ['scrapy/scrapy.log', 'scrapy', 'crawled (scrapy)', 'count'],
      ['crawlee/crawlee-decay.log', 'crawlee', 'requests (Crawlee stats)', 'counter'],
      ['crawlee/crawlee-steady.ndjson', 'crawlee', 'requests (Crawlee stats)', 'counter'],
      ['python-steady', 'python', 'crawling', 'count'],
      ['python-2-workers-decay', 'python', 'crawling', 'count'],
      ['other-formats/access.log', 'access-log', 'requests', 'count'],
      ['../../packages/doctor/test/fixtures/healthy-1/logs', 'crawl-diag', 'crawling', 'count'],
    ];
    for (const [path, crawler, series, kind] of cases) {
      const { signals } = await analyzeCrawl({ paths: [join(FIX, path)], tz: 'UTC' });
      // Fetch lines less the failed fetches, where a crawler logs both (`crawling − could not retrieve`).
      expect([path, signals.crawler, signals.crawlerFrom, signals.rate.series.split(' − ')[0], signals.rate.kind]).toEqual([path, crawler, 'detected', series, kind]);
    }
  });

  it('the verdicts of the fixtures with known decay and steadiness', async () => {
    const verdict = async (p: string) => (await analyzeCrawl({ paths: [join(FIX, p)], tz: 'UTC' })).signals.rate.verdict;
    expect(await verdict('scrapy/scrapy.log')).toBe('decay');
    expect(await verdict('crawlee/crawlee-decay.log')).toBe('decay');
    expect(await verdict('crawlee/crawlee-steady.ndjson')).toBe('steady');
    expect(await verdict('python-steady')).toBe('steady');
  });

  it('--crawler wins over the detection, and says so when the logs disagree; an unknown name is refused', async () => {
    const { signals } = await analyzeCrawl({ paths: [join(FIX, 'scrapy/scrapy.log')], tz: 'UTC', crawler: 'crawlee' });
    expect(signals.crawler).toBe('crawlee');
    expect(signals.crawlerFrom).toBe('given');
    expect(signals.warnings.join('\n')).toMatch(/--crawler crawlee: these logs have none of Crawlee's page lines.*look like Scrapy's/);
    await expect(analyzeCrawl({ paths: [join(FIX, 'scrapy/scrapy.log')], crawler: 'nutch' })).rejects.toThrow(LogInputError);
  });
});

describe('the rate of a crawler that logs its fetches before their answers', () => {
  it('is the fetch lines less the failed ones, bucket by bucket', async () => {
    // Our crawler's lines: 10 fetches a second; from the third minute 4 of them fail (429) and are retried.
    const lines: string[] = [];
    const py = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ').replace('.', ',');
    for (let s = 0; s < 300; s++) {
      for (let i = 0; i < 10; i++) {
        const at = T0 + s * 1000 + i * 90;
        const url = `http://site-${i}.test/p/${s}`;
        lines.push(`${py(at)} - crawl_diag.worker - DEBUG - Crawling URL '${url}'.`);
        if (s >= 120 && i < 4) {
          lines.push(`${py(at + 10)} - crawl_diag.worker - DEBUG - "GET /p/${s} HTTP/1.1" 429`);
          lines.push(`${py(at + 20)} - crawl_diag.worker - ERROR - Could not retrieve content for URL '${url}'.`);
        } else lines.push(`${py(at + 10)} - crawl_diag.worker - DEBUG - "GET /p/${s} HTTP/1.1" 200`);
      }
    }
    const path = join(dir, 'worker-1-1.log');
    await writeFile(path, lines.join('\n') + '\n');
    const { report, signals } = await analyzeCrawl({ paths: [path], tz: 'UTC', bucketMs: 10_000 });
    expect(signals.crawler).toBe('crawl-diag');
    expect(signals.rate.series).toBe('crawling − could not retrieve');
    const offset = (T0 - Date.parse(report.start)) / 10_000;
    expect(signals.rate.perBucket.slice(offset + 1, offset + 12)).toEqual(new Array(11).fill(100));
    expect(signals.rate.perBucket.slice(offset + 12, offset + 29)).toEqual(new Array(17).fill(60));
    expect(signals.rate.perSecLate).toBeCloseTo(6, 10);
    expect(signals.pushbackShare!.latePooled).toBeCloseTo(0.4, 10);
  });

  it("the original multi-worker Python crawler's accept line is its fetch line: failures come off it", async () => {
    // Its lines (bench/real-crawlers/python/crawler.py): `will be crawled` just before each fetch, `Could not retrieve
    // content` after a 429; 8 a second, from the second minute 5 of them refused.
    const lines: string[] = [];
    const py = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ').replace('.', ',');
    const who = 'crawlers.web.multi_worker_web_crawler';
    for (let s = 0; s < 180; s++) {
      for (let i = 0; i < 8; i++) {
        const at = T0 + s * 1000 + i * 110;
        const url = `http://www.site-${i}.test/p/${s}`;
        lines.push(`${py(at)} - ${who} - DEBUG - The URL '${url}' will be crawled.`);
        if (s >= 60 && i < 5) lines.push(`${py(at + 50)} - ${who} - ERROR - Could not retrieve content for URL '${url}'`);
      }
    }
    const path = join(dir, 'crawler-1.log');
    await writeFile(path, lines.join('\n') + '\n');
    const { report, signals } = await analyzeCrawl({ paths: [path], tz: 'UTC', bucketMs: 10_000 });
    expect(signals.crawler).toBe('python');
    expect(signals.rate.series).toBe('will be crawled − could not retrieve');
    const offset = (T0 - Date.parse(report.start)) / 10_000;
    expect(signals.rate.perBucket.slice(offset, offset + 6)).toEqual(new Array(6).fill(80));
    expect(signals.rate.perBucket.slice(offset + 6, offset + 17)).toEqual(new Array(11).fill(30));
    expect(signals.rate.perSecLate).toBeCloseTo(3, 10);
  });
});

describe('a rate read from a line per page under buckets that follow slower statistics lines', () => {
  it("is judged on the page series' own grid, over the same window: the first 120 s of a real Scrapy step", async () => {
    // scrapy-step: the web's latency doubles at 75 s. LogStats every 10 s raise the report's bucket to 10 s, which
    // leaves 9 buckets in the judged window, too few for a verdict; the Crawled lines hold a page each.
    const RECORD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/;
    const at = (l: string) => Date.parse(l.slice(0, 19).replace(' ', 'T') + 'Z');
    const lines = (await readFile(join(FIX, 'real/scrapy-step/scrapy.log'), 'utf8')).split('\n');
    const start = at(lines.find((l) => RECORD.test(l))!);
    const path = join(dir, 'scrapy-step-120s.log');
    await writeFile(path, lines.filter((l) => !RECORD.test(l) || at(l) < start + 120_000).join('\n'));
    const { report, signals } = await analyzeCrawl({ paths: [path], tz: 'UTC' });
    expect(signals.bucketMs).toBe(10_000);
    const rate = signals.rate;
    const judged = report.series.find((s) => s.name === rate.series)!.judged!;
    expect([rate.series, rate.judgedBucketMs]).toEqual(['crawled (scrapy)', judged.bucketMs]);
    expect(judged.bucketMs).toBeLessThan(10_000);
    // The fine buckets wholly inside the report's window, judged as any series is.
    const from = Date.parse(report.start) + signals.window.from * report.bucketMs;
    const to = Date.parse(report.start) + signals.window.to * report.bucketMs;
    const part = judged.counts.slice(Math.ceil((from - judged.startMs) / judged.bucketMs), Math.floor((to - judged.startMs) / judged.bucketMs));
    expect(part.length).toBeGreaterThan(3 * 9);
    const expected = analyzeTrend({ counts: part, bucketMs: judged.bucketMs });
    expect([rate.verdict, rate.pValue]).toEqual([expected.verdict, expected.pValue]);
    expect(rate.verdict).toBe('decay');
    expect(rate.perSecLate).toBeLessThan(rate.perSecEarly * 0.8);
    // The fine counts are the report's own, regrouped: the same pages.
    expect(judged.counts.reduce((a, b) => a + b, 0)).toBe(report.series.find((s) => s.name === rate.series)!.total);
  });
});

describe('the ratios and the domains', () => {
  it('429 answers per attempt and retries per page, bucket by bucket, as written', async () => {
    const log = scrapyLog();
    const path = join(dir, 'scrapy-429.log');
    await writeFile(path, log.text);
    const { report, signals } = await analyzeCrawl({ paths: [path], tz: 'UTC', bucketMs: 10_000, warmupSec: 0 });
    const offset = (T0 - Date.parse(report.start)) / 10_000;
    const share = signals.pushbackShare!;
    expect(share.denominator).toBe('crawled (scrapy) + retries');
    for (let slot = 0; slot < 59; slot++) {
      const want = log.pushback[slot] / (log.pages[slot] + log.pushback[slot]);
      expect(share.perBucket[offset + slot]).toBeCloseTo(want, 10);
      expect(signals.retriesPerPage!.perBucket[offset + slot]).toBeCloseTo(log.pushback[slot] / 6, 10);
    }
    expect(share.trend.verdict).toBe('growth');
    expect(share.late!).toBeGreaterThan(0.3);
  });

  it('the effective number of domains falls as the pages narrow to one site', async () => {
    const path = join(dir, 'scrapy-429.log');
    const { signals } = await analyzeCrawl({ paths: [path], tz: 'UTC', bucketMs: 10_000, warmupSec: 0 });
    const d = signals.domains!;
    expect(d.series).toBe('fetched, by domain');
    expect(d.early.distinct).toBeGreaterThanOrEqual(8);
    expect(d.late.distinct).toBe(1);
    expect(d.late.effective).toBe(1);
    expect(d.late.topShare).toBe(1);
    expect(d.early.effective!).toBeGreaterThan(5);
  });

  it('one site however its host is spelled: case and a trailing dot do not make another domain', async () => {
    // Links spelled as pages write them (`http://WWW.SITE-1.TEST:80/…`), logged as the crawler fetched them.
    const lines: string[] = [];
    for (let s = 0; s < 120; s++) {
      for (let i = 0; i < 4; i++) {
        const host = [`www.site-${i}.test`, `WWW.SITE-${i}.TEST:80`, `www.site-${i}.test.`][(s + i) % 3];
        lines.push(`${stamp(T0 + s * 1000 + i * 200)} [scrapy.core.engine] DEBUG: Crawled (200) <GET http://${host}/p/${s}> (referer: None)`);
      }
    }
    const path = join(dir, 'scrapy-spellings.log');
    await writeFile(path, lines.join('\n') + '\n');
    const { signals } = await analyzeCrawl({ paths: [path], tz: 'UTC', bucketMs: 10_000, warmupSec: 0 });
    const d = signals.domains!;
    expect([d.early.distinct, d.late.distinct, d.earlyPooled.distinct]).toEqual([4, 4, 4]);
    expect(d.early.effective).toBeCloseTo(4, 10);
    expect(d.late.top).toMatch(/^www\.site-\d\.test$/);
  });

  it('domainSpread: inverse Simpson without small-sample bias, capped at the distinct count', () => {
    // {a: 3, b: 1}: Σn(n−1) = 6, N(N−1) = 12, so 1/0.5 = 2 effective of 2 distinct.
    expect(domainSpread({ a: 3, b: 1 })).toEqual({ pages: 4, distinct: 2, effective: 2, top: 'a', topShare: 0.75 });
    // {a: 6, b: 2, c: 2}: Σ = 30 + 2 + 2 = 34, N(N−1) = 90: 90/34.
    expect(domainSpread({ a: 6, b: 2, c: 2 }).effective).toBeCloseTo(90 / 34, 12);
    // Every page from another domain: as many as there are.
    expect(domainSpread({ a: 1, b: 1, c: 1 }).effective).toBe(3);
    expect(domainSpread({ a: 1 }).effective).toBeNull();
  });
});
