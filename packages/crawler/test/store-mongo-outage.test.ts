// MongoStore through a database outage, against a FerretDB of the test's own that is really stopped and restarted:
// operations wait and retry with backoff while it is down, finish once it is back, and nothing stored is lost;
// an outage longer than the retry window surfaces as StoreUnavailableError (exit code, URI in the message).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFerretDb, startFerret, type FerretInstance } from '../../../test-support/services.js';
import { StoreUnavailableError } from '../src/store/errors.js';
import { MongoStore } from '../src/store/mongo-store.js';

const T = 1_700_000_000_000;
// These tests need a FerretDB of their own (a server they can stop), even when the other Mongo tests were pointed at
// a real MongoDB: skip only off CI and without Go to build it.
const ferretBin = process.env.CRAWL_DIAG_FERRETDB_BIN ?? buildFerretDb();
const noFerret = ferretBin ? undefined : 'FerretDB is not available (no Go toolchain to build tools/ferretdb)';
if (noFerret && process.env.CI) throw new Error(`Mongo outage tests must run in CI: ${noFerret}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(noFerret !== undefined)('MongoStore through a database outage', () => {
  let ferret: FerretInstance;
  let store: MongoStore | undefined;

  beforeEach(async () => {
    ferret = await startFerret();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await ferret.dispose();
  });

  it('waits while the server is stopped and completes when it is back, with nothing lost', async () => {
    store = new MongoStore({ uri: ferret.url, dbName: 'outage', retry: { retryForMs: 45_000 } });
    await store.init();
    const urls = Array.from({ length: 20 }, (_, i) => ({ url: `http://a${i % 4}.test/${i}`, domain: `a${i % 4}.test`, depth: 0 }));
    expect(await store.addUrls(urls.slice(0, 10), T)).toBe(10);

    await ferret.stop();
    // Both issued while the server is down: they must neither fail nor return early.
    const adding = store.addUrls(urls.slice(10), T);
    const leasing = adding.then(() => store!.leaseUrls({ owner: 'w', limit: 20, leaseMs: 60_000, now: T }));
    let settled = false;
    void leasing.finally(() => (settled = true)).catch(() => {});
    await sleep(2_500);
    expect(settled).toBe(false);
    await ferret.restart();

    expect(await adding).toBe(10);
    const leased = await leasing;
    expect(leased.map((l) => l.url).sort()).toEqual(urls.map((u) => u.url).sort());
    for (const l of leased) expect(await store.finishUrl(l.url, 'w', 'done')).toBe(true);
    expect((await store.stats()).done).toBe(20);
  });

  it('keeps a stream of crawl operations correct across a stop and restart in the middle', async () => {
    store = new MongoStore({ uri: ferret.url, dbName: 'midcrawl', retry: { retryForMs: 45_000 } });
    await store.init();
    const urls = Array.from({ length: 40 }, (_, i) => ({ url: `http://m${i % 5}.test/${i}`, domain: `m${i % 5}.test`, depth: 0 }));
    await store.addUrls(urls, T);
    const done: string[] = [];
    let outage: Promise<void> | undefined;
    let doneAtStop = -1;
    const worker = (async () => {
      for (;;) {
        const batch = await store!.leaseUrls({ owner: 'w', limit: 2, leaseMs: 600_000, now: T });
        if (batch.length === 0) return;
        for (const l of batch) {
          await store!.savePage({ url: l.url, finalUrl: l.url, status: 200, contentType: 'text/html', html: 'x', fetchedAt: T, fetchMs: 1, fetchedBy: 'w' });
          if (await store!.finishUrl(l.url, 'w', 'done')) done.push(l.url);
          if (done.length === 6 && !outage) {
            // The server goes away in the middle of the crawl, for 3 s; this worker carries on meanwhile.
            await ferret.stop();
            doneAtStop = done.length;
            outage = sleep(3_000).then(() => ferret.restart());
          }
        }
      }
    })();
    await worker;
    await outage;
    expect(doneAtStop).toBe(6);
    const stats = await store.stats();
    expect(stats).toMatchObject({ done: 40, pending: 0, leased: 0, pages: 40 });
    expect(new Set(done).size).toBe(40);
  });

  it('starts while the server is still down and works once it is up', async () => {
    await ferret.stop();
    store = new MongoStore({ uri: ferret.url, dbName: 'latestart', retry: { retryForMs: 45_000 } });
    const initialising = store.init();
    await sleep(3_000);
    await ferret.restart();
    await initialising;
    expect(await store.addUrls([{ url: 'http://late.test/', domain: 'late.test', depth: 0 }], T)).toBe(1);
  });

  it('gives up after the retry window with a typed error naming the server', async () => {
    store = new MongoStore({ uri: ferret.url, dbName: 'giveup', retry: { retryForMs: 3_000 } });
    await store.init();
    await ferret.stop();
    const err = await store.addUrls([{ url: 'http://x.test/', domain: 'x.test', depth: 0 }], T).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ exitCode: 69 });
    expect((err as Error).message).toContain(`127.0.0.1:${ferret.port}`);
    expect((err as Error).message).toMatch(/did not answer for 3 s/);
    expect((err as Error).message).not.toMatch(/Topology is closed/);
  });
});
