// The crawl rate in `crawl-diag logs`: the one verdict on the crawl that `logs compare` and the doctor give (the
// crawl signals' rate: the crawler's pages, failed fetches taken off, start-up and shutdown left out), in the text
// above the summary table and as `crawlRate` in the JSON, while the series the operator reads stay as they were.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCrawl, analyzeLogs } from '../src/index.js';
import { REPO } from './independent-count.js';
import { logs, logsJson } from './logs-cli.js';

const RISING_429 = 'fixtures/logs/real/crawl-diag-rising-429/logs';

const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-crawl-rate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A shop's application log: timestamped lines, none of them a crawler's. */
function shopLog(): string {
  const t0 = Date.UTC(2024, 2, 10, 8, 0, 0);
  const lines: string[] = [];
  for (let i = 0; i < 600; i++) lines.push(`${new Date(t0 + i * 3000).toISOString()} INFO shop: order ${i} placed, ${1 + (i % 4)} items`);
  return lines.join('\n') + '\n';
}

describe('crawl-diag logs: the crawl rate', () => {
  it('judges the pages of a crawler that logs every attempt, not its attempts: decay while `crawling` holds', async () => {
    const report = await logsJson([RISING_429]);
    expect(report.series.find((s) => s.name === 'crawling')!.trend.verdict).toBe('steady');
    const rate = report.crawlRate!;
    expect([rate.crawler, rate.crawlerFrom, rate.series, rate.kind, rate.verdict]).toEqual(['crawl-diag', 'detected', 'crawling − could not retrieve', 'count', 'decay']);
    expect(rate.relativeChange!).toBeLessThanOrEqual(-0.2);
    expect(rate.perSecLate).toBeLessThan(rate.perSecEarly);
    // The judged window: ISO bucket edges inside the report's span.
    expect(Date.parse(rate.window.from)).toBeGreaterThan(Date.parse(report.start));
    expect(Date.parse(rate.window.to)).toBeLessThanOrEqual(Date.parse(report.end!));
    expect(new Date(Date.parse(rate.window.from)).toISOString()).toBe(rate.window.from);
    // The series the signals read besides the strategic lines are not shown.
    expect(report.series.map((s) => s.name)).toEqual(['will be crawled', 'crawling', 'postponed', 'ignored', 'robots undetermined', 'could not retrieve']);
    expect([report.values, report.keys]).toEqual([undefined, undefined]);

    const text = await logs([RISING_429, '--width', '120']);
    expect(text.code).toBe(0);
    const pct = Math.round(rate.relativeChange! * 100);
    expect(text.stdout).toContain(`crawl rate: ${rate.perSecEarly.toFixed(1)} -> ${rate.perSecLate.toFixed(2)} pages/s, decay ${pct}% (p < 0.001)`);
    expect(text.stdout).toMatch(/\n {2}pages: crawling − could not retrieve, judged 2026-12-02 04:23:22 to 04:25:30 UTC/);
    expect(text.stdout).toMatch(/\n {2}crawler: crawl-diag, detected: \d+ "Crawling URL" lines from crawl_diag loggers\n/);
    // Just above the summary table.
    expect(text.stdout.indexOf('crawl rate:')).toBeLessThan(text.stdout.indexOf('series / group'));
    expect(text.stdout.indexOf('crawl rate:')).toBeGreaterThan(text.stdout.lastIndexOf('(lines per'));
  });

  it('is the verdict `logs compare` gives for the same log, and the crawl signals\' rate (the doctor\'s) to the digit', async () => {
    const report = await logsJson([RISING_429]);
    const r = await logs(['compare', RISING_429, '--json']);
    expect(r.code).toBe(0);
    const compared = JSON.parse(r.stdout) as { series: string; runs: Array<{ trend: { verdict: string } }> };
    expect([compared.series, compared.runs[0].trend.verdict]).toEqual([report.crawlRate!.series, report.crawlRate!.verdict]);

    const { signals } = await analyzeCrawl({ paths: [RISING_429], cwd: REPO, bucketMs: 'auto' });
    const { series, kind, verdict, relativeChange, pValue, perSecEarly, perSecLate, pages } = signals.rate;
    expect(report.crawlRate).toMatchObject({ series, kind, verdict, relativeChange, pValue, perSecEarly, perSecLate, pages });
    expect(report.crawlRate!.window).toEqual({ from: signals.window.fromAt, to: signals.window.toAt });

    // The library gives it when asked, and only then.
    const asked = await analyzeLogs({ paths: [RISING_429], cwd: REPO, crawlRate: {} });
    expect(asked.crawlRate).toEqual(report.crawlRate);
    expect((await analyzeLogs({ paths: [RISING_429], cwd: REPO })).crawlRate).toBeUndefined();
  });

  it.each([['crawlee-steady', 'crawlee.ndjson'], ['scrapy-steady', 'scrapy.log']])('%s: a steady run is not called decay', async (dir, file) => {
    const report = await logsJson([`fixtures/logs/real/${dir}/${file}`]);
    expect(report.crawlRate).toBeDefined();
    expect(report.crawlRate!.verdict).not.toBe('decay');
    expect(report.crawlRate!.crawler).toBe(dir.split('-')[0]);
  });

  it('says nothing of a crawl rate for logs that are no crawler\'s', async () => {
    const log = join(dir, 'shop.log');
    writeFileSync(log, shopLog());
    for (const args of [[log], [log, '--line', 'placed']]) {
      const report = await logsJson(args);
      expect([args, report.crawlRate]).toEqual([args, undefined]);
      const text = await logs(args);
      expect(text.code).toBe(0);
      expect(text.stdout).not.toContain('crawl rate');
    }
  });

  it('takes the crawler from --crawler, and says so when the logs hold none of its page lines', async () => {
    const given = await logsJson([RISING_429, '--crawler', 'crawl-diag']);
    expect([given.crawlRate!.crawlerFrom, given.crawlRate!.verdict]).toEqual(['given', 'decay']);
    const text = await logs([RISING_429, '--crawler', 'crawl-diag']);
    expect(text.stdout).toContain('  crawler: crawl-diag, given\n');
    const wrong = await logs([RISING_429, '--crawler', 'scrapy', '--json']);
    expect(wrong.code).toBe(0);
    expect((JSON.parse(wrong.stdout) as { crawlRate?: unknown }).crawlRate).toBeUndefined();
    expect(wrong.stderr).toContain('--crawler scrapy: no page lines of that crawler in these logs, so no crawl rate.');
  });

  it('with series of the operator\'s own, judges the crawl rate only when --crawler names the crawler', async () => {
    const plain = await logsJson([RISING_429]);
    const own = await logsJson([RISING_429, '--line', 'Crawling URL']);
    expect(own.crawlRate).toBeUndefined();
    expect(own.series.map((s) => s.name)).toEqual(['Crawling URL']);
    const named = await logsJson([RISING_429, '--line', 'Crawling URL', '--crawler', 'crawl-diag']);
    expect(named.series.map((s) => s.name)).toEqual(['Crawling URL']);
    // The same judgement as without the operator's series, but given, not detected.
    const { crawlerFrom: _a, crawlerReason: _b, ...fromDefault } = plain.crawlRate!;
    const { crawlerFrom, crawlerReason: _c, ...fromNamed } = named.crawlRate!;
    expect([crawlerFrom, fromNamed]).toEqual(['given', fromDefault]);
  });

  it('leaves CSV to the series shown: no column for the series counted for the crawl rate', async () => {
    const r = await logs([RISING_429, '--csv']);
    expect(r.code).toBe(0);
    const header = r.stdout.split('\n')[0];
    expect(header).toContain('could not retrieve');
    expect(header).not.toMatch(/requests|answers 429|crawl end|retries/);
  });
});
