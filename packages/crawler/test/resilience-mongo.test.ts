// Resilience on MongoDB: a real `crawl local` against FerretDB (MongoDB wire protocol), whose server is stopped for
// a few seconds mid-crawl and started again on the same port and data. Every process retries with backoff
// (the store's retry policy; the dispatcher backs off; a worker's URL goes back to the frontier) and the crawl
// completes with every reachable page stored exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimWeb } from '@crawl-diag/simweb';
import { buildFerretDb, startFerret, type FerretInstance } from '../../../test-support/services.js';
import { MongoStore } from '../src/store/mongo-store.js';
import { checkCrawl, finished, localArgs, smallWeb, startCrawl, tempDir, waitUntil } from './crawl-harness.js';

// This test's own FerretDB (the suite's shared one must not be stopped), stopped and restarted on its port and data.
const ferretBin = process.env.CRAWL_DIAG_FERRETDB_BIN ?? buildFerretDb();
if (!ferretBin && process.env.CI) throw new Error('FerretDB is not available; the Mongo resilience test must run in CI');

describe.skipIf(!ferretBin)('resilience on MongoDB (FerretDB)', () => {
  let web: SimWeb;
  let ferret: FerretInstance;
  beforeAll(async () => {
    web = await smallWeb({ latency: { large: { fixedMs: 40, jitterMs: 0 }, small: { fixedMs: 40, jitterMs: 0 } } });
    ferret = await startFerret({ dataDir: tempDir('ferret-data') });
  });
  afterAll(async () => {
    await ferret?.dispose();
    await web?.close();
  });

  it('the database stopped for a few seconds mid-crawl: processes retry and the crawl completes', async () => {
    const uri = `mongodb://127.0.0.1:${ferret.port}/crawl_resilience`;
    const dir = tempDir('mongo-outage');
    const args = localArgs(web, dir, ['--workers', '2']).filter((a, i, all) => a !== '--sqlite' && all[i - 1] !== '--sqlite');
    const run = startCrawl([...args.slice(0, 2), '--mongo', uri, ...args.slice(2)]);
    const store = new MongoStore({ uri, retry: { retryForMs: 60_000 } });
    try {
      await store.init();
      await waitUntil('a few pages', async () => {
        try {
          return (await store.stats()).pages >= 5;
        } catch {
          return false;
        }
      }, 90_000);
      // Mid-crawl: pages stored, more to come.
      const before = (await store.stats()).pages;
      expect(before).toBeLessThan(web.expectedReachable({ respectRobots: true, maxDepth: 10 }).size);
      await ferret.stop();
      await new Promise((r) => setTimeout(r, 3000));
      await ferret.restart();

      const { code } = await finished(run, 150_000);
      expect(code, run.stderr()).toBe(0);
      const { stats, expected, missing } = await checkCrawl(store, web);
      expect(missing).toEqual([]);
      expect(stats.pages).toBe(expected.size);
      expect(stats.pending + stats.leased).toBe(0);
      expect(run.stderr()).toMatch(/crawl finished \(frontier exhausted\)/);
    } finally {
      run.child.kill('SIGKILL');
      await store.close();
    }
  }, 240_000);
});
