// RobotsPolicy against the simulated web over real HTTP, cached in a real SqliteStore file.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimWeb, type SimWeb } from '../../simweb/src/index.js';
import { createFetcher, type Fetcher } from '../src/fetch/fetcher.js';
import { NetworkPolicy, parseResolveRule } from '../src/net/network-policy.js';
import { RobotsPolicy } from '../src/robots/robots-policy.js';
import { decideUndetermined } from '../src/robots/robots-rules.js';
import { SqliteStore } from '../src/store/sqlite-store.js';

const NO_LATENCY = { large: { fixedMs: 0, jitterMs: 0 }, small: { fixedMs: 0, jitterMs: 0 } };
// sites 8 with 3 large: ranks 1-3 are www.perdu-sim.test, www.daily-planet-sim.test, www.encyclopedia-sim.test,
// then forum-4, docs-5, photos-6, recipes-7, travel-8 (.sim.test).
const OVERRIDES = {
  'www.perdu-sim.test': 'allow-all',
  'www.daily-planet-sim.test': 'hang',
  'www.encyclopedia-sim.test': 'slow',
  'forum-4.sim.test': 'server-error',
  'docs-5.sim.test': 'disallow',
  'photos-6.sim.test': 'crawl-delay',
  'recipes-7.sim.test': 'not-found',
  'travel-8.sim.test': 'allow-all',
} as const;

let web: SimWeb;
let fetcher: Fetcher;
let dir: string;
let store: SqliteStore;

beforeAll(async () => {
  web = await startSimWeb({ sites: 8, latency: NO_LATENCY, robotsOverrides: { ...OVERRIDES }, crawlDelaySeconds: 0.5, slowRobotsMs: 300 });
  fetcher = createFetcher({ policy: new NetworkPolicy({ resolve: [parseResolveRule(web.resolveRule)] }), totalTimeoutMs: 1_500, headersTimeoutMs: 1_500 });
});
afterAll(async () => {
  await fetcher.close();
  await web.close();
});
beforeEach(async () => {
  web.resetCounters();
  dir = mkdtempSync(join(tmpdir(), 'crawl-diag-robots-'));
  store = new SqliteStore({ path: join(dir, 'crawl.sqlite') });
  await store.init();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const robotsHits = (host: string) => web.hits(`http://${host}/robots.txt`);

describe('RobotsPolicy', () => {
  it('applies Disallow rules and fetches robots.txt once per domain for many URLs', async () => {
    const robots = new RobotsPolicy({ store, fetcher });
    expect(await robots.check('http://docs-5.sim.test/private/3.html')).toEqual({ verdict: 'disallowed' });
    expect(await robots.check('http://docs-5.sim.test/p/4.html')).toEqual({ verdict: 'allowed' });
    for (let i = 0; i < 20; i++) await robots.check(`http://docs-5.sim.test/p/${i}.html`);
    expect(robotsHits('docs-5.sim.test')).toBe(1);
    expect(robots.fetches).toBe(1);
  });

  it('shares the cache through the store: another process (another policy instance) does not fetch again', async () => {
    await new RobotsPolicy({ store, fetcher }).check('http://docs-5.sim.test/');
    const second = new SqliteStore({ path: join(dir, 'crawl.sqlite') });
    await second.init();
    try {
      const other = new RobotsPolicy({ store: second, fetcher });
      expect(await other.checkDetailed('http://docs-5.sim.test/private/1.html')).toEqual({ verdict: { verdict: 'disallowed' }, fetched: false });
      expect(robotsHits('docs-5.sim.test')).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('fetches once for concurrent checks of one domain', async () => {
    const robots = new RobotsPolicy({ store, fetcher });
    const verdicts = await Promise.all(Array.from({ length: 10 }, (_, i) => robots.check(`http://www.encyclopedia-sim.test/p/${i}.html`)));
    expect(verdicts.every((v) => v.verdict === 'allowed')).toBe(true);
    expect(robotsHits('www.encyclopedia-sim.test')).toBe(1);
  });

  it('gives Crawl-delay in ms, and allows everything on a 404', async () => {
    const robots = new RobotsPolicy({ store, fetcher });
    expect(await robots.check('http://photos-6.sim.test/p/1.html')).toEqual({ verdict: 'allowed', crawlDelayMs: 500 });
    expect(await robots.check('http://recipes-7.sim.test/private/1.html')).toEqual({ verdict: 'allowed' });
    expect(await store.getRobots('recipes-7.sim.test')).toMatchObject({ status: 404 });
  });

  it("says 'unknown' on 5xx and timeouts, caches that for unreachableTtlMs, then tries again", async () => {
    let clock = Date.now();
    const robots = new RobotsPolicy({ store, fetcher, unreachableTtlMs: 60_000, now: () => clock });
    const v500 = await robots.check('http://forum-4.sim.test/p/1.html');
    expect(v500).toMatchObject({ verdict: 'unknown', retryAt: clock + 60_000 });
    expect(v500.verdict === 'unknown' && v500.reason).toContain('HTTP 500');
    const hang = await robots.check('http://www.daily-planet-sim.test/');
    expect(hang.verdict).toBe('unknown');
    expect(hang.verdict === 'unknown' && hang.reason).toMatch(/timed out/);
    expect(await store.getRobots('www.daily-planet-sim.test', clock)).toMatchObject({ status: 0 });

    await robots.check('http://forum-4.sim.test/p/2.html');
    expect(robotsHits('forum-4.sim.test')).toBe(1);
    clock += 61_000;
    expect((await robots.check('http://forum-4.sim.test/p/2.html')).verdict).toBe('unknown');
    expect(robotsHits('forum-4.sim.test')).toBe(2);
  });

  it('fetches again after the TTL (default 24 h)', async () => {
    let clock = Date.now();
    const robots = new RobotsPolicy({ store, fetcher, now: () => clock });
    await robots.check('http://www.perdu-sim.test/');
    clock += 23 * 3600_000;
    await robots.check('http://www.perdu-sim.test/p/1.html');
    expect(robotsHits('www.perdu-sim.test')).toBe(1);
    clock += 2 * 3600_000;
    await robots.check('http://www.perdu-sim.test/p/2.html');
    expect(robotsHits('www.perdu-sim.test')).toBe(2);
  });

  it('with noCache (fault robots-no-cache) fetches robots.txt for every URL', async () => {
    const robots = new RobotsPolicy({ store, fetcher, noCache: true });
    for (let i = 0; i < 5; i++) expect((await robots.check(`http://docs-5.sim.test/p/${i}.html`)).verdict).toBe('allowed');
    expect(robotsHits('docs-5.sim.test')).toBe(5);
  });
});

describe('RFC 9309 edge cases', () => {
  let server: Server;
  let statusFor: (path: string) => { status: number; body?: string; headers?: Record<string, string> };
  let edgeFetcher: Fetcher;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const a = statusFor(req.url ?? '/');
      res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
      res.end(a.body ?? '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    edgeFetcher = createFetcher({ policy: new NetworkPolicy({ resolve: [parseResolveRule(`*=127.0.0.1:${port}`)] }) });
  });
  afterAll(async () => {
    await edgeFetcher.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('403 allows all, 429 is unreachable, a redirect loop is unavailable (allow all)', async () => {
    const robots = new RobotsPolicy({ store, fetcher: edgeFetcher });
    statusFor = () => ({ status: 403 });
    expect(await robots.check('http://forbidden.test/x')).toEqual({ verdict: 'allowed' });
    statusFor = () => ({ status: 429 });
    expect((await robots.check('http://busy.test/x')).verdict).toBe('unknown');
    statusFor = () => ({ status: 301, headers: { location: '/robots.txt' } });
    expect(await robots.check('http://loop.test/x')).toEqual({ verdict: 'allowed' });
  });

  it('matches its own user-agent group and keeps using the last good copy while robots.txt is unreachable', async () => {
    let clock = Date.now();
    const robots = new RobotsPolicy({ store, fetcher: edgeFetcher, ttlMs: 1_000, now: () => clock });
    statusFor = () => ({ status: 200, body: 'User-agent: crawl-diag\nDisallow: /mine/\n\nUser-agent: *\nDisallow: /\n' });
    expect((await robots.check('http://ua.test/mine/1')).verdict).toBe('disallowed');
    expect((await robots.check('http://ua.test/other')).verdict).toBe('allowed');
    clock += 2_000;
    statusFor = () => ({ status: 503 });
    expect((await robots.check('http://ua.test/mine/2')).verdict).toBe('disallowed');
    expect((await robots.check('http://ua.test/other')).verdict).toBe('allowed');
  });
});

describe('decideUndetermined', () => {
  it('postpones until robots.txt is retried, then ignores', () => {
    expect(decideUndetermined({ attempts: 0, retryAt: 5 })).toEqual({ action: 'postpone', notBefore: 5 });
    expect(decideUndetermined({ attempts: 1, retryAt: 5 })).toEqual({ action: 'postpone', notBefore: 5 });
    expect(decideUndetermined({ attempts: 2, retryAt: 5 })).toEqual({ action: 'ignore' });
    expect(decideUndetermined({ attempts: 0, retryAt: 5, maxRetries: 0 })).toEqual({ action: 'ignore' });
  });
});
