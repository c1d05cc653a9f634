// The CrawlStore contract: one suite every store implementation must pass (SqliteStore and MongoStore run it).
// Each test gets a fresh, empty database; `open()` returns another connection to that same database, so racing
// behaviour is checked between real, separate connections (and, for MongoDB, separate connection pools).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrawlStore, LeasedUrl, NewUrl, StoreOptions } from '../src/store/store.js';

export interface StoreFixture {
  /** Opens (and inits) another connection to this test's database. */
  open(options?: StoreOptions): Promise<CrawlStore>;
  /** Closes nothing the test opened (the suite does that) but removes the database. */
  destroy(): Promise<void>;
}

const T = 1_700_000_000_000;
const LEASE = 60_000;

function urlsOf(domain: string, n: number, depth = 0): NewUrl[] {
  return Array.from({ length: n }, (_, i) => ({ url: `http://${domain}/p${i}`, domain, depth }));
}

export function describeStoreContract(
  name: string,
  makeFixture: () => Promise<StoreFixture>,
  opts: { skip?: string } = {},
): void {
  const suite = opts.skip ? describe.skip : describe;
  suite(`CrawlStore contract: ${name}${opts.skip ? ` (skipped: ${opts.skip})` : ''}`, () => {
    let fixture: StoreFixture;
    let opened: CrawlStore[];
    let store: CrawlStore;

    const open = async (options?: StoreOptions): Promise<CrawlStore> => {
      const s = await fixture.open(options);
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      opened = [];
      fixture = await makeFixture();
      store = await open();
    });

    afterEach(async () => {
      for (const s of opened) await s.close();
      await fixture.destroy();
    });

    it('adds each URL once, however often it is added, and reports how many were new', async () => {
      const a = { url: 'http://a.test/x', domain: 'a.test', depth: 0 };
      const b = { url: 'http://a.test/y', domain: 'a.test', depth: 1, discoveredFrom: 'http://a.test/x' };
      expect(await store.addUrls([a, a, b], T)).toBe(2);
      expect(await store.addUrls([a], T + 1)).toBe(0);
      expect(await store.hasUrl(a.url)).toBe(true);
      expect(await store.hasUrl('http://a.test/z')).toBe(false);
      const entry = await store.getUrl(b.url);
      expect(entry).toMatchObject({ url: b.url, domain: 'a.test', depth: 1, state: 'pending', attempts: 0 });
      expect(entry?.discoveredFrom).toBe(a.url);
      expect((await store.stats()).pending).toBe(2);
    });

    it('stores a URL once when two connections add it at the same moment', async () => {
      const other = await open();
      const batch = urlsOf('race.test', 50);
      const [n1, n2] = await Promise.all([store.addUrls(batch, T), other.addUrls(batch, T)]);
      expect(n1 + n2).toBe(50);
      expect((await store.stats()).pending).toBe(50);
    });

    it('leases due URLs oldest first, marks them leased and counts the attempt', async () => {
      await store.addUrls([{ url: 'http://a.test/late', domain: 'a.test', depth: 0, notBefore: T + 5 }], T);
      await store.addUrls(urlsOf('a.test', 2), T);
      const first = await store.leaseUrls({ owner: 'w1', limit: 2, leaseMs: LEASE, now: T + 10 });
      expect(first.map((l) => l.url).sort()).toEqual(['http://a.test/p0', 'http://a.test/p1']);
      for (const l of first) {
        expect(l).toMatchObject({ domain: 'a.test', depth: 0, leaseOwner: 'w1', leaseExpiresAt: T + 10 + LEASE, attempts: 1 });
        expect((await store.getUrl(l.url))?.state).toBe('leased');
      }
      const second = await store.leaseUrls({ owner: 'w1', limit: 5, leaseMs: LEASE, now: T + 10 });
      expect(second.map((l) => l.url)).toEqual(['http://a.test/late']);
      expect(await store.leaseUrls({ owner: 'w1', limit: 5, leaseMs: LEASE, now: T + 10 })).toEqual([]);
    });

    it('does not lease a URL before its not-before time', async () => {
      await store.addUrls([{ url: 'http://a.test/later', domain: 'a.test', depth: 0, notBefore: T + 1000 }], T);
      expect(await store.leaseUrls({ owner: 'w', limit: 1, leaseMs: LEASE, now: T + 999 })).toEqual([]);
      expect(await store.leaseUrls({ owner: 'w', limit: 1, leaseMs: LEASE, now: T + 1000 })).toHaveLength(1);
    });

    it('never hands one URL to two leasers racing on separate connections', async () => {
      const total = 120;
      await store.addUrls(
        Array.from({ length: 6 }, (_, d) => urlsOf(`d${d}.test`, total / 6)).flat(),
        T,
      );
      const leasers = [store, ...(await Promise.all([open(), open(), open()]))];
      const got: LeasedUrl[][] = leasers.map(() => []);
      await Promise.all(
        leasers.map(async (s, i) => {
          for (;;) {
            const batch = await s.leaseUrls({ owner: `leaser-${i}`, limit: 3, leaseMs: LEASE, now: T });
            if (batch.length === 0) break;
            got[i]!.push(...batch);
          }
        }),
      );
      const all = got.flat().map((l) => l.url);
      expect(new Set(all).size).toBe(total);
      expect(all).toHaveLength(total);
      // Every leaser took part (otherwise the race was not a race).
      expect(got.filter((g) => g.length > 0).length).toBeGreaterThan(1);
      for (const [i, g] of got.entries()) {
        for (const l of g) expect((await store.getUrl(l.url))?.leaseOwner).toBe(`leaser-${i}`);
      }
    });

    it('hands a URL out again once its lease expired, and only the new holder may finish it', async () => {
      await store.addUrls(urlsOf('a.test', 1), T);
      const [l1] = await store.leaseUrls({ owner: 'old', limit: 1, leaseMs: 1000, now: T });
      expect(l1?.attempts).toBe(1);
      expect(await store.leaseUrls({ owner: 'new', limit: 1, leaseMs: 1000, now: T + 999 })).toEqual([]);
      const [l2] = await store.leaseUrls({ owner: 'new', limit: 1, leaseMs: 1000, now: T + 1000 });
      expect(l2).toMatchObject({ url: l1!.url, leaseOwner: 'new', attempts: 2 });
      expect(await store.finishUrl(l1!.url, 'old', 'done')).toBe(false);
      expect(await store.finishUrl(l1!.url, 'new', 'done')).toBe(true);
      expect((await store.getUrl(l1!.url))?.state).toBe('done');
    });

    it('renews only the leases the owner still holds', async () => {
      await store.addUrls(urlsOf('a.test', 2), T);
      const leased = await store.leaseUrls({ owner: 'w', limit: 2, leaseMs: 1000, now: T });
      const urls = leased.map((l) => l.url);
      expect(await store.renewLeases('someone-else', urls, T + 10_000)).toBe(0);
      expect(await store.renewLeases('w', [...urls, 'http://a.test/unknown'], T + 10_000)).toBe(2);
      expect(await store.leaseUrls({ owner: 'x', limit: 2, leaseMs: 1000, now: T + 5000 })).toEqual([]);
      expect(await store.leaseUrls({ owner: 'x', limit: 2, leaseMs: 1000, now: T + 10_000 })).toHaveLength(2);
    });

    it('postpones a URL: pending again, not leased before its not-before time, attempt given back', async () => {
      await store.addUrls(urlsOf('a.test', 1), T);
      const [l] = await store.leaseUrls({ owner: 'w', limit: 1, leaseMs: LEASE, now: T });
      expect(await store.postponeUrl(l!.url, 'intruder', T + 3000)).toBe(false);
      expect(await store.postponeUrl(l!.url, 'w', T + 3000)).toBe(true);
      expect(await store.getUrl(l!.url)).toMatchObject({ state: 'pending', dueAt: T + 3000, attempts: 0, postponements: 1 });
      expect(await store.leaseUrls({ owner: 'w', limit: 1, leaseMs: LEASE, now: T + 2999 })).toEqual([]);
      const [again] = await store.leaseUrls({ owner: 'w', limit: 1, leaseMs: LEASE, now: T + 3000 });
      expect(again).toMatchObject({ url: l!.url, attempts: 1 });
      expect((await store.stats()).postponements).toBe(1);
    });

    it('retries a URL: pending with its reason until its not-before time, the attempt counted, counted as retrying', async () => {
      await store.addUrls(urlsOf('a.test', 2), T);
      const leased = await store.leaseUrls({ owner: 'w', limit: 2, leaseMs: LEASE, now: T, domainsFree: false });
      const [r, other] = leased.map((l) => l.url) as [string, string];
      expect(await store.retryUrl(r, 'intruder', T + 4000, 'connection refused')).toBe(false);
      expect(await store.retryUrl(r, 'w', T + 4000, 'connection refused')).toBe(true);
      expect(await store.retryUrl(r, 'w', T + 4000, 'connection refused')).toBe(false);
      expect(await store.getUrl(r)).toMatchObject({ state: 'pending', dueAt: T + 4000, attempts: 1, postponements: 0, detail: 'connection refused' });
      const stats = await store.stats();
      expect(stats).toMatchObject({ pending: 1, leased: 1, retrying: 1 });
      expect(stats.domains[0]).toMatchObject({ domain: 'a.test', pending: 1, retrying: 1 });
      expect(await store.frontierSummary(T + 1)).toMatchObject({ pending: 1, ready: 0, nextDueAt: T + 4000 });
      expect(await store.leaseUrls({ owner: 'w', limit: 1, leaseMs: LEASE, now: T + 3999 })).toEqual([]);
      const [again] = await store.leaseUrls({ owner: 'w', limit: 1, leaseMs: LEASE, now: T + 4000 });
      expect(again).toMatchObject({ url: r, attempts: 2 });
      // Stored at last: done, and no longer counted as retrying.
      expect(await store.finishUrl(r, 'w', 'done')).toBe(true);
      expect(await store.finishUrl(other, 'w', 'done')).toBe(true);
      expect(await store.getUrl(r)).toMatchObject({ state: 'done', attempts: 2 });
      expect((await store.getUrl(r))?.detail).toBeUndefined();
      expect(await store.stats()).toMatchObject({ pending: 0, leased: 0, done: 2, retrying: 0 });
    });

    it('retries under domainsFree: the domain is free again at once, its politeness slot still holds', async () => {
      await store.addUrls(urlsOf('a.test', 2), T);
      const [first] = await store.leaseUrls({ owner: 'w', limit: 5, leaseMs: LEASE, now: T, domainsFree: true });
      expect(await store.claimDomain('a.test', T, 1000)).toEqual({ granted: true });
      expect(await store.retryUrl(first!.url, 'w', T + 2000, 'HTTP 503')).toBe(true);
      // Busy no more, but the slot claimed for the failed fetch holds until T + 1000.
      expect(await store.leaseUrls({ owner: 'w', limit: 5, leaseMs: LEASE, now: T + 500, domainsFree: true })).toEqual([]);
      const [next] = await store.leaseUrls({ owner: 'w', limit: 5, leaseMs: LEASE, now: T + 1000, domainsFree: true });
      expect(next?.url).not.toBe(first!.url);
    });

    it('finishes URLs as done, failed or ignored, once, and keeps the detail', async () => {
      await store.addUrls(urlsOf('a.test', 3), T);
      const leased = await store.leaseUrls({ owner: 'w', limit: 3, leaseMs: LEASE, now: T });
      const [d, f, i] = leased.map((l) => l.url) as [string, string, string];
      expect(await store.finishUrl(d, 'w', 'done')).toBe(true);
      expect(await store.finishUrl(f, 'w', 'failed', 'HTTP 500')).toBe(true);
      expect(await store.finishUrl(i, 'w', 'ignored', 'robots.txt')).toBe(true);
      expect(await store.finishUrl(d, 'w', 'failed')).toBe(false);
      expect(await store.finishUrl('http://a.test/never-added', 'w', 'done')).toBe(false);
      expect(await store.getUrl(f)).toMatchObject({ state: 'failed', detail: 'HTTP 500' });
      expect(await store.getUrl(i)).toMatchObject({ state: 'ignored', detail: 'robots.txt' });
      const stats = await store.stats();
      expect(stats).toMatchObject({ pending: 0, leased: 0, done: 1, failed: 1, ignored: 1 });
      // Final URLs are never leased again, even far in the future.
      expect(await store.leaseUrls({ owner: 'w', limit: 3, leaseMs: LEASE, now: T + 10 * LEASE })).toEqual([]);
    });

    it('releases every lease of one owner (graceful stop) and leaves the others alone', async () => {
      await store.addUrls(urlsOf('a.test', 4), T);
      const a = await store.leaseUrls({ owner: 'A', limit: 3, leaseMs: LEASE, now: T });
      const b = await store.leaseUrls({ owner: 'B', limit: 1, leaseMs: LEASE, now: T });
      expect(await store.releaseLeases('A', T + 5)).toBe(3);
      expect(await store.releaseLeases('A', T + 5)).toBe(0);
      for (const l of a) expect(await store.getUrl(l.url)).toMatchObject({ state: 'pending', attempts: 0, dueAt: T + 5 });
      expect((await store.getUrl(b[0]!.url))?.state).toBe('leased');
      const again = await store.leaseUrls({ owner: 'C', limit: 10, leaseMs: LEASE, now: T + 5 });
      expect(again.map((l) => l.url).sort()).toEqual(a.map((l) => l.url).sort());
    });

    it('keeps exactly one page per URL: the first stored', async () => {
      await store.addUrls(urlsOf('a.test', 1), T);
      const page = {
        url: 'http://a.test/p0',
        finalUrl: 'http://a.test/p0',
        status: 200,
        contentType: 'text/html',
        html: '<p>first</p>',
        fetchedAt: T,
        fetchMs: 12,
        fetchedBy: 'w1',
      };
      const other = await open();
      const results = await Promise.all([store.savePage(page), other.savePage({ ...page, html: '<p>racer</p>' })]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.savePage({ ...page, html: '<p>second</p>', fetchedBy: 'w2' })).toBe(false);
      const stored = await store.getPage(page.url);
      expect(stored?.html === '<p>first</p>' || stored?.html === '<p>racer</p>').toBe(true);
      expect(await store.getPage('http://a.test/none')).toBeUndefined();
      const stats = await store.stats();
      expect(stats.pages).toBe(1);
      expect(stats.domains.find((d) => d.domain === 'a.test')?.pages).toBe(1);
    });

    it('caches robots.txt until it expires, and replaces it', async () => {
      const entry = { domain: 'a.test', status: 200, body: 'User-agent: *\nDisallow: /x', fetchedAt: T, expiresAt: T + 1000 };
      expect(await store.getRobots('a.test', T)).toBeUndefined();
      await store.putRobots(entry);
      expect(await store.getRobots('a.test', T + 999)).toEqual(entry);
      expect(await store.getRobots('a.test', T + 1000)).toBeUndefined();
      const fresh = { ...entry, status: 404, body: '', fetchedAt: T + 1000, expiresAt: T + 5000 };
      await store.putRobots(fresh);
      expect(await store.getRobots('a.test', T + 1001)).toEqual(fresh);
      expect(await store.getRobots('b.test', T)).toBeUndefined();
    });

    it('claims a domain once per politeness delay and tells the loser when to come back', async () => {
      expect(await store.claimDomain('a.test', T, 1000)).toEqual({ granted: true });
      expect(await store.claimDomain('a.test', T + 10, 1000)).toEqual({ granted: false, notBefore: T + 1000 });
      expect(await store.claimDomain('b.test', T + 10, 1000)).toEqual({ granted: true });
      expect(await store.claimDomain('a.test', T + 1000, 2000)).toEqual({ granted: true });
      expect(await store.claimDomain('a.test', T + 1001, 2000)).toEqual({ granted: false, notBefore: T + 3000 });
    });

    it('grants a free domain to exactly one of several racing claimers', async () => {
      const racers = [store, ...(await Promise.all([open(), open(), open()]))];
      for (let round = 0; round < 5; round++) {
        const now = T + round * 10_000;
        const claims = await Promise.all(racers.map((s) => s.claimDomain('race.test', now, 5000)));
        expect(claims.filter((c) => c.granted)).toHaveLength(1);
        for (const c of claims) if (!c.granted) expect(c.notBefore).toBe(now + 5000);
      }
    });

    it('domainsFree: one URL per domain, only free domains, across many domains', async () => {
      const domains = Array.from({ length: 30 }, (_, i) => `site${i}.test`);
      await store.addUrls(domains.flatMap((d) => urlsOf(d, 4)), T);
      const first = await store.leaseUrls({ owner: 'disp', limit: 20, leaseMs: LEASE, now: T, domainsFree: true });
      expect(first).toHaveLength(20);
      expect(new Set(first.map((l) => l.domain)).size).toBe(20);
      const second = await store.leaseUrls({ owner: 'disp', limit: 20, leaseMs: LEASE, now: T, domainsFree: true });
      // Domains with a URL out are busy: only the 10 untouched domains remain.
      expect(second).toHaveLength(10);
      const seen = new Set([...first, ...second].map((l) => l.domain));
      expect(seen.size).toBe(30);
      expect(await store.leaseUrls({ owner: 'disp', limit: 20, leaseMs: LEASE, now: T, domainsFree: true })).toEqual([]);
    });

    it('domainsFree: a domain is free again only after its URL is finished and its politeness delay passed', async () => {
      await store.addUrls([...urlsOf('a.test', 3), ...urlsOf('b.test', 2)], T);
      const lease = (now: number) => store.leaseUrls({ owner: 'd', limit: 10, leaseMs: LEASE, now, domainsFree: true });
      const first = await lease(T);
      expect(first.map((l) => l.domain).sort()).toEqual(['a.test', 'b.test']);
      const a1 = first.find((l) => l.domain === 'a.test')!;
      const b1 = first.find((l) => l.domain === 'b.test')!;
      // The worker holding a.test claims it for 1 s and finishes; b.test's worker postpones its URL.
      expect(await store.claimDomain('a.test', T, 1000)).toEqual({ granted: true });
      expect(await store.finishUrl(a1.url, 'd', 'done')).toBe(true);
      expect(await store.postponeUrl(b1.url, 'd', T + 5000)).toBe(true);
      // a.test is finished but its delay has not passed; b.test is free and has another URL due now.
      const second = await lease(T + 10);
      expect(second.map((l) => l.domain)).toEqual(['b.test']);
      expect(second[0]!.url).not.toBe(b1.url);
      const third = await lease(T + 1000);
      expect(third.map((l) => l.domain)).toEqual(['a.test']);
    });

    it('domainsFree: finds a free domain even when one big domain holds all the oldest due URLs', async () => {
      await store.addUrls(urlsOf('big.test', 60), T);
      await store.addUrls(urlsOf('small.test', 1), T + 1);
      const got = await store.leaseUrls({ owner: 'd', limit: 2, leaseMs: LEASE, now: T + 1, domainsFree: true });
      expect(got.map((l) => l.domain).sort()).toEqual(['big.test', 'small.test']);
    });

    it('domainsFree: hands out least recently claimed domains first', async () => {
      await store.addUrls([...urlsOf('old.test', 2), ...urlsOf('new.test', 2), ...urlsOf('never.test', 2)], T);
      await store.claimDomain('old.test', T - 5000, 1000);
      await store.claimDomain('new.test', T - 10, 10);
      const got = await store.leaseUrls({ owner: 'd', limit: 2, leaseMs: LEASE, now: T, domainsFree: true });
      expect(got.map((l) => l.domain).sort()).toEqual(['never.test', 'old.test']);
    });

    it('domainsFree: a domain with no work left comes back when new URLs of it are added', async () => {
      await store.addUrls(urlsOf('a.test', 1), T);
      const [l] = await store.leaseUrls({ owner: 'd', limit: 5, leaseMs: LEASE, now: T, domainsFree: true });
      await store.finishUrl(l!.url, 'd', 'done');
      expect(await store.leaseUrls({ owner: 'd', limit: 5, leaseMs: LEASE, now: T + 1, domainsFree: true })).toEqual([]);
      await store.addUrls([{ url: 'http://a.test/new', domain: 'a.test', depth: 1 }], T + 2);
      const again = await store.leaseUrls({ owner: 'd', limit: 5, leaseMs: LEASE, now: T + 3, domainsFree: true });
      expect(again.map((x) => x.url)).toEqual(['http://a.test/new']);
    });

    it('domainsFree: racing dispatchers never hand out two URLs of one domain', async () => {
      const domains = Array.from({ length: 12 }, (_, i) => `r${i}.test`);
      await store.addUrls(domains.flatMap((d) => urlsOf(d, 3)), T);
      const racers = [store, ...(await Promise.all([open(), open()]))];
      const got = await Promise.all(
        racers.map((s, i) => s.leaseUrls({ owner: `disp-${i}`, limit: 8, leaseMs: LEASE, now: T, domainsFree: true })),
      );
      const all = got.flat();
      expect(all).toHaveLength(12);
      expect(new Set(all.map((l) => l.domain)).size).toBe(12);
    });

    it('domainsFree: a domain whose lease expired is handed out again', async () => {
      await store.addUrls(urlsOf('a.test', 1), T);
      const [l] = await store.leaseUrls({ owner: 'dead', limit: 5, leaseMs: 1000, now: T, domainsFree: true });
      expect(await store.leaseUrls({ owner: 'x', limit: 5, leaseMs: 1000, now: T + 500, domainsFree: true })).toEqual([]);
      const again = await store.leaseUrls({ owner: 'x', limit: 5, leaseMs: 1000, now: T + 1000, domainsFree: true });
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ url: l!.url, leaseOwner: 'x', attempts: 2 });
    });

    // Frontier (URL) order, what the politeness-blind dispatcher leases with: a domain's due URLs come out together,
    // the next lease resumes after the last URL handed out, wraps around at the end, and skips URLs not due.
    const addPaged = (host: string, n: number, now: number) =>
      store.addUrls(
        Array.from({ length: n }, (_, i) => ({ url: `http://${host}/p/${i}.html`, domain: host, depth: 1 })),
        now,
      );
    const leaseInOrder = async (limit: number, now: number, order: 'due' | 'url' = 'url') =>
      (await store.leaseUrls({ owner: 's1', limit, leaseMs: LEASE, now, frontierOrder: order })).map((u) => u.url);

    it('frontierOrder url: a domain’s URLs together in URL order, resuming after the last one, wrapping around', async () => {
      // Added newest domain first, so oldest-first order would be c, b, a.
      await addPaged('c.test', 2, T);
      await addPaged('b.test', 2, T + 1);
      await addPaged('a.test', 3, T + 2);
      expect(await leaseInOrder(2, T + 10, 'due')).toEqual(['http://c.test/p/0.html', 'http://c.test/p/1.html']);
      expect(await leaseInOrder(4, T + 10)).toEqual([
        'http://a.test/p/0.html',
        'http://a.test/p/1.html',
        'http://a.test/p/2.html',
        'http://b.test/p/0.html',
      ]);
      // b.test/p/0 handed back, due again: the cursor is past it, so b.test/p/1 comes first, then the wrap-around.
      expect(await store.postponeUrl('http://b.test/p/0.html', 's1', T + 10)).toBe(true);
      expect(await leaseInOrder(2, T + 20)).toEqual(['http://b.test/p/1.html', 'http://b.test/p/0.html']);
      expect(await leaseInOrder(2, T + 20)).toEqual([]);
    });

    it('frontierOrder url: skips URLs whose not-before time has not come', async () => {
      await addPaged('a.test', 2, T);
      await addPaged('b.test', 1, T);
      expect(await leaseInOrder(1, T)).toEqual(['http://a.test/p/0.html']);
      // a.test/p/0 is out; postpone it to T + 500, as a worker does when the domain is not free.
      expect(await store.postponeUrl('http://a.test/p/0.html', 's1', T + 500)).toBe(true);
      expect(await leaseInOrder(5, T + 100)).toEqual(['http://a.test/p/1.html', 'http://b.test/p/0.html']);
      expect(await leaseInOrder(5, T + 600)).toEqual(['http://a.test/p/0.html']);
    });

    it('summarises the frontier for the dispatcher loop', async () => {
      await store.addUrls(urlsOf('a.test', 3), T);
      await store.addUrls([{ url: 'http://a.test/later', domain: 'a.test', depth: 0, notBefore: T + 700 }], T);
      await store.leaseUrls({ owner: 'w', limit: 1, leaseMs: LEASE, now: T });
      expect(await store.frontierSummary(T)).toEqual({ pending: 3, ready: 2, leased: 1, nextDueAt: T + 700 });
      expect(await store.frontierSummary(T + 700)).toEqual({ pending: 3, ready: 3, leased: 1 });
    });

    it('reports status per domain', async () => {
      await store.addUrls([...urlsOf('a.test', 3), ...urlsOf('b.test', 2)], T);
      const leased = await store.leaseUrls({ owner: 'w', limit: 10, leaseMs: LEASE, now: T });
      const a = leased.filter((l) => l.domain === 'a.test');
      await store.finishUrl(a[0]!.url, 'w', 'done');
      await store.savePage({
        url: a[0]!.url, finalUrl: a[0]!.url, status: 200, contentType: 'text/html', html: 'x', fetchedAt: T, fetchMs: 1, fetchedBy: 'w',
      });
      await store.finishUrl(a[1]!.url, 'w', 'failed');
      await store.postponeUrl(a[2]!.url, 'w', T + 10);
      const stats = await store.stats();
      expect(stats).toMatchObject({ pages: 1, pending: 1, leased: 2, done: 1, failed: 1, ignored: 0, postponements: 1 });
      expect(stats.domains).toEqual([
        { domain: 'a.test', pending: 1, leased: 0, done: 1, failed: 1, ignored: 0, pages: 1, postponements: 1, retrying: 0 },
        { domain: 'b.test', pending: 0, leased: 2, done: 0, failed: 0, ignored: 0, pages: 0, postponements: 0, retrying: 0 },
      ]);
    });

    it('keeps every URL through a full crawl cycle: nothing is deleted', async () => {
      const all = [...urlsOf('a.test', 10), ...urlsOf('b.test', 10)];
      await store.addUrls(all, T);
      let now = T;
      const postponed = new Set<string>();
      for (;;) {
        const batch = await store.leaseUrls({ owner: 'w', limit: 4, leaseMs: LEASE, now, domainsFree: false });
        if (batch.length === 0) break;
        for (const [i, l] of batch.entries()) {
          if (i === 0 && !postponed.has(l.url)) {
            postponed.add(l.url);
            await store.postponeUrl(l.url, 'w', now + 1);
          } else await store.finishUrl(l.url, 'w', 'done');
        }
        now += 1;
      }
      const stats = await store.stats();
      expect(stats.done).toBe(20);
      expect(postponed.size).toBeGreaterThan(0);
      expect(stats.postponements).toBe(postponed.size);
      for (const u of all) expect((await store.getUrl(u.url))?.state).toBe('done');
    });
  });
}
