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
    expect(logs).toMatch(/ - WARNING - The URL 'http:\/\/[^']+' will be retried in 0\.4 s \(attempt 2 of 4\): connection refused\.$/m);
    expect(logs).toMatch(/will be retried in 1\.6 s \(attempt 4 of 4\): robots\.txt undetermined/);
    expect(run.stderr()).toMatch(/\d+ retried;/);

    const status = await runCli(['crawl', 'status', '--sqlite', join(dir, 'crawl.sqlite')]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^domain\s+pages\s+pending\s+retrying\s+leased/m);
    rmSync(dir, { recursive: true, force: true });
  }, 150_000);
});
