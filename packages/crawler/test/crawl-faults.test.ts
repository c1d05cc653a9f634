// The fault switches through `crawl local`: each reproduces a cause of slow crawls, none may change what is
// crawled. politeness-blind shows as postponements, robots-no-cache as robots.txt fetched per URL; the store faults
// (unindexed-frontier, dedup-scan) only slow queries down, so the result must still be exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimWeb } from '@crawl-diag/simweb';
import { checkCrawl, finished, localArgs, openSqlite, smallWeb, startCrawl, tempDir } from './crawl-harness.js';
import type { CrawlStats } from '../src/store/store.js';

async function crawl(web: SimWeb, faults: string[]): Promise<{ stats: CrawlStats; robotsFetches: number }> {
  web.resetCounters();
  const dir = tempDir('faults');
  const run = startCrawl(localArgs(web, dir, ['--workers', '3', '--delay', '60', ...faults.flatMap((f) => ['--fault', f])]));
  const { code } = await finished(run, 120_000);
  expect(code, run.stderr()).toBe(0);
  const store = await openSqlite(dir);
  try {
    const { stats, expected, missing } = await checkCrawl(store, web);
    expect(missing).toEqual([]);
    expect(stats.pages).toBe(expected.size);
    expect(stats.pending + stats.leased).toBe(0);
    const robotsFetches = web.hosts.reduce((n, host) => n + web.hits(`http://${host}/robots.txt`), 0);
    return { stats, robotsFetches };
  } finally {
    await store.close();
  }
}

describe('fault switches', () => {
  let web: SimWeb;
  beforeAll(async () => {
    web = await smallWeb();
  });
  afterAll(async () => {
    await web?.close();
  });

  it('all four faults at once still crawl exactly the reachable pages, with postponements and robots.txt per URL', async () => {
    const healthy = await crawl(web, []);
    const faulty = await crawl(web, ['politeness-blind', 'robots-no-cache', 'unindexed-frontier', 'dedup-scan']);
    // Healthy: one robots.txt fetch per host (the store caches it for every process); the fault fetches it per URL.
    expect(healthy.robotsFetches).toBeLessThanOrEqual(web.hosts.length * 4);
    expect(faulty.robotsFetches).toBeGreaterThan(faulty.stats.pages);
    // Handing out URLs of busy domains makes workers postpone them; the healthy dispatcher leases only free domains.
    expect(faulty.stats.postponements).toBeGreaterThan(healthy.stats.postponements);
    expect(faulty.stats.postponements).toBeGreaterThan(0);
  }, 240_000);

  it('refuses an unknown fault with a one-line hint', async () => {
    const run = startCrawl(['crawl', 'local', '--fault', 'slow-disk', 'http://a.test/']);
    const { code } = await finished(run, 30_000);
    expect(code).toBe(2);
    expect(run.stderr()).toMatch(/Invalid values:[\s\S]*fault.*slow-disk/);
  });
});
