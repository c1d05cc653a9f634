// Transient failures through the whole crawler (real processes, ZeroMQ, SQLite, the simulated web over HTTP): the web
// goes down mid-crawl (connections refused) and every reachable page is still stored, once; a host whose robots.txt
// keeps failing is tried a bounded number of times and then given up with the reason in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimWeb } from '@crawl-diag/simweb';
import { runCli } from '../../../test-support/run-cli.js';
import { checkCrawl, finished, localArgs, openSqlite, readLog, smallWeb, startCrawl, tempDir, waitUntil } from './crawl-harness.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Failed URLs, after checking each failed for a 404 (a broken link of the simulated web). */
async function failedBrokenLinks(dir: string): Promise<number> {
  const db = new Database(join(dir, 'crawl.sqlite'), { readonly: true });
  try {
    const rows = db.prepare(`SELECT url, detail FROM frontier WHERE state = 'failed'`).all() as { url: string; detail: string }[];
    for (const r of rows) expect(r.detail, r.url).toMatch(/^http-error 404\b/);
    return rows.length;
  } finally {
    db.close();
  }
}

describe('crawl local with transient failures', () => {
  let web: SimWeb;
  let failing: string;
  beforeAll(async () => {
    // The same seeded web twice: the first only names its hosts, so the second can make one's robots.txt fail.
    const names = await smallWeb();
    failing = names.hosts[names.hosts.length - 1]!;
    await names.close();
    web = await smallWeb({ robotsOverrides: { [failing]: 'server-error' } });
  });
  afterAll(async () => {
    await web?.close();
  });

  it('retries through the web going down for 1.2 s, stores every reachable page once, and gives up on a robots.txt that keeps failing', async () => {
    const dir = tempDir('retry');
    const run = startCrawl(localArgs(web, dir, ['--supervisors', '1', '--workers', '2', '--retries', '3', '--retry-delay', '400']));
    const store = await openSqlite(dir);
    try {
      await waitUntil('a few pages stored', async () => (await store.stats()).pages >= 4, 60_000);
      await web.down(1200);
      const { code } = await finished(run, 90_000);
      expect(code, run.stderr()).toBe(0);
      expect(run.stderr()).toMatch(/crawl finished \(frontier exhausted\)/);

      const { stats, expected, missing } = await checkCrawl(store, web);
      expect(missing).toEqual([]);
      expect(stats.pages).toBe(expected.size);
      expect(stats).toMatchObject({ pending: 0, leased: 0, retrying: 0 });
      // Failed for good: only the web's broken links (404 is final), never a page the outage hit.
      expect(stats.failed).toBe(await failedBrokenLinks(dir));
      for (const url of expected) expect(web.hits(url), url).toBeLessThanOrEqual(4);

      // The host whose robots.txt answers 500: its seed was tried 1 + 3 times, then ignored, and says why.
      const seed = web.seeds.find((s) => new URL(s).hostname === failing)!;
      expect(await store.getUrl(seed)).toMatchObject({ state: 'ignored', attempts: 4 });
      expect((await store.getUrl(seed))?.detail).toMatch(/^robots\.txt undetermined: .*\(after 4 attempts\)$/);
      expect(web.hits(`http://${failing}/robots.txt`)).toBeGreaterThanOrEqual(4);
    } finally {
      await store.close();
    }
    const logs = readLog(dir, 'worker-1-1') + readLog(dir, 'worker-1-2');
    // 0.4 s before the second attempt, 1.6 s before the fourth, each spread by ±25% (jitter).
    expect(logs).toMatch(/ - WARNING - The URL 'http:\/\/[^']+' will be retried in 0\.[345] s \(attempt 2 of 4\): connection refused\.$/m);
    expect(logs).toMatch(/will be retried in (1\.[2-9]|2) s \(attempt 4 of 4\): robots\.txt undetermined/);
    expect(run.stderr()).toMatch(/\d+ retried;/);

    const status = await runCli(['crawl', 'status', '--sqlite', join(dir, 'crawl.sqlite')]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^domain\s+pages\s+pending\s+retrying\s+leased/m);
    rmSync(dir, { recursive: true, force: true });
  }, 150_000);
});

describe('crawl local against a server that refuses with 429/503 and Retry-After', () => {
  const DELAY_MS = 250;
  // The seconds form as the server's wait; the HTTP-date form an hour ahead, cut by --max-retry-after to 1 s. Either
  // way the wait is about 1 s, where the backoff (--retry-delay 10 min) would hold the crawl far past the test's time.
  const cases = [
    { form: 'seconds', retryAfterSec: 1, extra: [], because: /\(Retry-After 1 s\)/ },
    { form: 'http-date', retryAfterSec: 3600, extra: ['--max-retry-after', '1000'], because: /\(Retry-After 3[56]\d\d(\.\d)? s, cut to 1 s\)/ },
  ] as const;
  for (const c of cases) {
    it(`waits what Retry-After asks (${c.form}${c.extra.length ? ', capped' : ''}), keeps the politeness delay, and stores every page once`, async () => {
      const web = await smallWeb({ behaviour: { errorShare: [[0, 0.3]], errorStatuses: [429, 503], retryAfterSec: c.retryAfterSec, retryAfterForm: c.form } });
      const dir = tempDir('retry-after');
      try {
        const args = ['--supervisors', '1', '--workers', '2', '--retries', '8', '--retry-delay', '600000', '--delay', String(DELAY_MS), ...c.extra];
        const run = startCrawl(localArgs(web, dir, args));
        const { code } = await finished(run, 120_000);
        expect(code, run.stderr()).toBe(0);
        const store = await openSqlite(dir);
        try {
          const { stats, expected, missing } = await checkCrawl(store, web);
          expect(missing).toEqual([]);
          expect(stats.pages).toBe(expected.size);
          expect(stats).toMatchObject({ pending: 0, leased: 0, retrying: 0 });
        } finally {
          await store.close();
        }

        // The server's own log: some requests were refused, and each refused URL came back no sooner than 1 s later.
        const log = web.requestLog;
        const refusedAt = log.filter((r) => r.status === 429 || r.status === 503);
        expect(refusedAt.length).toBeGreaterThan(3);
        for (const r of refusedAt) {
          const next = log.find((n) => n.url === r.url && n.at > r.at);
          expect(next, r.url).toBeDefined();
          expect(next!.at - r.at, r.url).toBeGreaterThanOrEqual(1000);
        }
        // Politeness held for the retries too: page requests to one host the delay apart. Judged on the server's
        // arrival times, which load can shift against the workers' claims (a claim, then a request that arrives
        // 100 ms late); a retry that skipped the politeness slot would come right beside another request, again and
        // again. So: the median gap at least three quarters of the delay (a busy host is claimed again right when it
        // is free, so its gaps sit at the delay, give or take that shift), and under a tenth of the gaps below half.
        const gaps: number[] = [];
        const lastAt = new Map<string, number>();
        for (const r of log) {
          if (r.url.endsWith('/robots.txt')) continue;
          const host = new URL(r.url).host;
          const last = lastAt.get(host);
          if (last !== undefined) gaps.push(r.at - last);
          lastAt.set(host, r.at);
        }
        gaps.sort((a, b) => a - b);
        expect(gaps[Math.floor(gaps.length / 2)]!).toBeGreaterThanOrEqual(0.75 * DELAY_MS);
        expect(gaps.filter((g) => g < DELAY_MS / 2).length, gaps.slice(0, 10).join(' ')).toBeLessThan(gaps.length / 10);

        const logs = readLog(dir, 'worker-1-1') + readLog(dir, 'worker-1-2');
        const retried = logs.split('\n').filter((l) => / will be retried in /.test(l));
        expect(retried.length).toBeGreaterThan(3);
        for (const line of retried) {
          expect(line).toMatch(c.because);
          // 1 s, lengthened by the jitter (at most a quarter), never shortened.
          const secs = Number(/ will be retried in ([\d.]+) s /.exec(line)![1]);
          expect(secs, line).toBeGreaterThanOrEqual(1);
          expect(secs, line).toBeLessThanOrEqual(1.25);
        }
      } finally {
        await web.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 150_000);
  }
});
