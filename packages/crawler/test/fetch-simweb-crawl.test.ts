// The crawling building blocks together (fetcher, link extraction, normalisation, robots.txt, network policy)
// crawling the simulated web over real HTTP: what they store is exactly the simulated web's ground truth, each page
// is fetched once and each robots.txt once per host.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimWeb, type SimWeb } from '../../simweb/src/index.js';
import { createFetcher, type Fetcher } from '../src/fetch/fetcher.js';
import { extractLinks } from '../src/fetch/links.js';
import { NetworkPolicy, parseResolveRule } from '../src/net/network-policy.js';
import { RobotsPolicy } from '../src/robots/robots-policy.js';
import { SqliteStore } from '../src/store/sqlite-store.js';

let web: SimWeb;
let fetcher: Fetcher;
let dir: string;
let store: SqliteStore;

beforeAll(async () => {
  web = await startSimWeb({
    seed: 11,
    sites: 15,
    maxPagesPerSite: 60,
    latency: { large: { fixedMs: 1, jitterMs: 2 }, small: { fixedMs: 2, jitterMs: 4 } },
    robotsOverrides: { 'forum-4.sim.test': 'hang', 'music-9.sim.test': 'server-error', 'docs-5.sim.test': 'disallow' },
    slowRobotsMs: 200,
  });
  fetcher = createFetcher({ policy: new NetworkPolicy({ resolve: [parseResolveRule(web.resolveRule)] }), totalTimeoutMs: 2_000, headersTimeoutMs: 2_000 });
  dir = mkdtempSync(join(tmpdir(), 'crawl-diag-blocks-'));
  store = new SqliteStore({ path: join(dir, 'crawl.sqlite') });
  await store.init();
});

afterAll(async () => {
  await fetcher.close();
  await web.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function crawl(respectRobots: boolean, maxDepth = Number.POSITIVE_INFINITY): Promise<Set<string>> {
  const robots = new RobotsPolicy({ store, fetcher });
  const stored = new Set<string>();
  const seen = new Set<string>(web.seeds);
  let frontier = [...web.seeds];
  for (let depth = 0; frontier.length > 0 && depth <= maxDepth; depth++) {
    const next: string[] = [];
    await Promise.all(
      frontier.map(async (url) => {
        if (respectRobots && (await robots.check(url)).verdict !== 'allowed') return;
        const out = await fetcher.fetchPage(url);
        if (out.kind !== 'page') return;
        stored.add(url);
        for (const link of extractLinks(out.html, out.finalUrl).links) {
          if (!seen.has(link)) {
            seen.add(link);
            next.push(link);
          }
        }
      }),
    );
    frontier = next;
  }
  return stored;
}

describe('the building blocks crawling the simulated web', () => {
  it('store exactly the ground truth when respecting robots.txt, fetching each page and each robots.txt once', async () => {
    web.resetCounters();
    const stored = await crawl(true);
    const expected = web.expectedReachable({ respectRobots: true });
    expect(expected.size).toBeGreaterThan(50);
    expect(stored).toEqual(expected);
    for (const url of stored) expect(web.hits(url), url).toBe(1);
    for (const host of web.hosts) expect(web.hits(`http://${host}/robots.txt`)).toBeLessThanOrEqual(1);
    // Sanity: this web has hosts whose robots.txt hangs or fails, and pages robots.txt keeps out.
    expect(web.sites.filter((s) => s.robots === 'hang' || s.robots === 'server-error')).toHaveLength(2);
    expect(web.expectedReachable({ respectRobots: false }).size).toBeGreaterThan(expected.size);
  });

  it('store exactly the ground truth ignoring robots.txt, and with a depth limit', async () => {
    web.resetCounters();
    expect(await crawl(false)).toEqual(web.expectedReachable({ respectRobots: false }));
    expect(await crawl(false, 2)).toEqual(web.expectedReachable({ respectRobots: false, maxDepth: 2 }));
  });
});
