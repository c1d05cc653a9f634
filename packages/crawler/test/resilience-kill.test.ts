// Resilience with real processes: kill -9 of a worker mid-fetch, of a supervisor, and of the dispatcher, during a
// real `crawl local` on the simulated web. Each time the crawl must still complete with every reachable page
// stored exactly once (the store keeps one page per URL; no unexpected page) and no URL left pending or leased.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimWeb } from '@crawl-diag/simweb';
import {
  checkCrawl,
  childPids,
  finished,
  isAlive,
  localArgs,
  openSqlite,
  readLog,
  smallWeb,
  startCrawl,
  tempDir,
  waitUntil,
  type RunningCrawl,
} from './crawl-harness.js';
import type { CrawlStore } from '../src/store/store.js';

async function expectComplete(run: RunningCrawl, store: CrawlStore, web: SimWeb): Promise<void> {
  const { code } = await finished(run, 120_000);
  expect(code, run.stderr()).toBe(0);
  const { stats, expected, missing } = await checkCrawl(store, web);
  expect(missing).toEqual([]);
  expect(stats.pages).toBe(expected.size);
  expect(stats.pending + stats.leased).toBe(0);
}

describe('resilience to kill -9', () => {
  let web: SimWeb;
  beforeAll(async () => {
    // 120 ms per page: workers spend most of their time mid-fetch, and the crawl lasts long enough to be hit.
    web = await smallWeb({ latency: { large: { fixedMs: 120, jitterMs: 0 }, small: { fixedMs: 120, jitterMs: 0 } } });
  });
  afterAll(async () => {
    await web?.close();
  });

  it('a worker killed mid-fetch is restarted and its URL crawled by another', async () => {
    const dir = tempDir('kill-worker');
    const store = await openSqlite(dir);
    const run = startCrawl(localArgs(web, dir, ['--workers', '2']));
    try {
      await waitUntil('the supervisor to start', () => run.pidOf('supervisor-1') !== undefined);
      const supervisor = run.pidOf('supervisor-1')!;
      // Worker processes carry `--worker=<index>`; worker-1-<index+1> is the log of that index.
      let victim: { pid: number; url: string } | undefined;
      await waitUntil('a worker in the middle of a fetch', () => {
        for (const pid of childPids(supervisor)) {
          const index = /--worker=(\d+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '))?.[1];
          if (index === undefined) continue;
          const lines = readLog(dir, `worker-1-${Number(index) + 1}`).trim().split('\n');
          const last = /Crawling URL '([^']+)'\.$/.exec(lines[lines.length - 1] ?? '');
          if (last && lines.length > 6) {
            victim = { pid, url: last[1] };
            return true;
          }
        }
        return false;
      });
      process.kill(victim!.pid, 'SIGKILL');
      await expectComplete(run, store, web);
      expect(readLog(dir, 'supervisor-1')).toMatch(/Worker \d died \(SIGKILL; restarting in \d+ ms\)/);
      expect(await store.getPage(victim!.url)).toBeDefined();
    } finally {
      run.child.kill('SIGKILL');
      await store.close();
    }
  }, 180_000);

  it('a supervisor killed mid-crawl: its leases are released and the crawl completes', async () => {
    const dir = tempDir('kill-supervisor');
    const store = await openSqlite(dir);
    const run = startCrawl(localArgs(web, dir, ['--supervisors', '2', '--workers', '2']));
    try {
      await waitUntil('some pages', async () => (await store.stats()).pages >= 6, 60_000);
      const victim = run.pidOf('supervisor-1')!;
      const workers = childPids(victim);
      expect(workers.length).toBe(2);
      process.kill(victim, 'SIGKILL');
      // Its workers notice their supervisor is gone and exit instead of lingering as orphans.
      await waitUntil('the orphaned workers to exit', () => workers.every((pid) => !isAlive(pid)), 10_000);
      await expectComplete(run, store, web);
      expect(run.stderr()).toMatch(/supervisor-1 died \(SIGKILL\); restarting/);
      expect(readLog(dir, 'dispatcher')).toMatch(/missed its heartbeats; \d+ URL\(s\) released/);
    } finally {
      run.child.kill('SIGKILL');
      await store.close();
    }
  }, 180_000);

  it('the dispatcher killed while supervisors wait for work is restarted on the same endpoint, and they carry on', async () => {
    // A small web crawled with a 2 s per-domain delay: most of the time every domain is busy, and the supervisors
    // sit idle with credits asked of the dispatcher. Slow heartbeats (10 s liveness): the new dispatcher is up
    // before the supervisors could notice the old one died, so they must recognise the restart by its run id and
    // ask again for the work the dead one owed them; otherwise the crawl stalls.
    const tiny = await smallWeb({ maxPagesPerSite: 6, minPagesPerSite: 4 });
    const dir = tempDir('kill-dispatcher');
    const store = await openSqlite(dir);
    const run = startCrawl(localArgs(tiny, dir, ['--supervisors', '2', '--workers', '2', '--heartbeat-ms', '2000', '--delay', '2000']));
    try {
      await waitUntil('the first pages', async () => (await store.stats()).pages >= 3, 60_000);
      await new Promise((r) => setTimeout(r, 300)); // every domain busy: supervisors idle, waiting for work
      const first = run.pidOf('dispatcher')!;
      process.kill(first, 'SIGKILL');
      await waitUntil('a new dispatcher', () => (run.pidOf('dispatcher') ?? first) !== first, 20_000);
      await expectComplete(run, store, tiny);
      expect(run.stderr()).toMatch(/dispatcher died \(SIGKILL\); restarting/);
      const endpoints = [...readLog(dir, 'dispatcher').matchAll(/Dispatcher listening on (\S+)\./g)].map((m) => m[1]);
      expect(endpoints.length).toBe(2);
      expect(endpoints[1]).toBe(endpoints[0]);
    } finally {
      run.child.kill('SIGKILL');
      await store.close();
      await tiny.close();
    }
  }, 180_000);
});
