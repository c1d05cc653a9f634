// `crawl dispatcher` and `crawl supervisor` as separate commands, as they run on different machines: the
// supervisors connect over tcp to the dispatcher's address (here on loopback), workers write to the shared store.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimWeb } from '@crawl-diag/simweb';
import { checkCrawl, finished, MAX_DEPTH, openSqlite, smallWeb, startCrawl, tempDir, freePort } from './crawl-harness.js';

describe('crawl dispatcher + crawl supervisor', () => {
  let web: SimWeb;
  beforeAll(async () => {
    web = await smallWeb();
  });
  afterAll(async () => {
    await web?.close();
  });

  it('two supervisors connect to a dispatcher over tcp and crawl to exhaustion; all three exit 0', async () => {
    const dir = tempDir('separate');
    const sqlite = join(dir, 'crawl.sqlite');
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const common = ['--sqlite', sqlite, '--log-dir', join(dir, 'logs'), '--heartbeat-ms', '200'];
    const dispatcher = startCrawl(['crawl', 'dispatcher', '--bind', endpoint, ...common, ...web.seeds]);
    const supervisorArgs = (id: string) => [
      'crawl', 'supervisor', '--connect', endpoint, '--workers', '2', '--id', id, ...common,
      '--resolve', web.resolveRule, '--allow-private', '--delay', '20', '--max-depth', String(MAX_DEPTH),
    ];
    const a = startCrawl(supervisorArgs('machine-a'));
    const b = startCrawl(supervisorArgs('machine-b'));
    try {
      const d = await finished(dispatcher, 90_000);
      expect(d.code, dispatcher.stderr()).toBe(0);
      expect(dispatcher.stderr()).toMatch(/dispatcher: listening on tcp:\/\/127\.0\.0\.1:\d+/);
      expect(dispatcher.stderr()).toMatch(/dispatcher: stopped \(frontier exhausted\)/);
      expect((await finished(a, 30_000)).code, a.stderr()).toBe(0);
      expect((await finished(b, 30_000)).code, b.stderr()).toBe(0);

      const store = await openSqlite(dir);
      try {
        const { stats, expected, missing } = await checkCrawl(store, web);
        expect(missing).toEqual([]);
        expect(stats.pages).toBe(expected.size);
        expect(stats.pending + stats.leased).toBe(0);
        // Both supervisors joined the dispatcher over tcp, and every page was fetched by a worker of one of them.
        // (Which of them fetched how much depends on start-up order: on a loaded machine one may start late
        // enough for the other to crawl this small web alone.)
        const dispatcherLog = readFileSync(join(dir, 'logs', 'dispatcher.log'), 'utf8');
        expect(dispatcherLog).toContain("Supervisor 'machine-a' connected.");
        expect(dispatcherLog).toContain("Supervisor 'machine-b' connected.");
        const owners = new Set<string>();
        for (const url of expected) owners.add(((await store.getPage(url))?.fetchedBy ?? '').replace(/-\d+$/, ''));
        const supervisorWorkers = [a, b].map((r) => `worker-${r.child.pid}`);
        expect([...owners].every((o) => supervisorWorkers.includes(o)), `${[...owners].join(', ')} vs ${supervisorWorkers.join(', ')}`).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      for (const r of [dispatcher, a, b]) r.child.kill('SIGKILL');
    }
  }, 180_000);

  it('a supervisor that cannot reach its dispatcher says where and for how long, and exits 0 once the store shows the crawl over', async () => {
    const dir = tempDir('cut-off');
    const sqlite = join(dir, 'crawl.sqlite');
    // A crawl that ended while this supervisor was away: one URL done, nothing pending or leased.
    const store = await openSqlite(dir);
    await store.addUrls([{ url: 'http://a.test/', domain: 'a.test', depth: 0 }], Date.now());
    const [u] = await store.leaseUrls({ owner: 'gone', limit: 1, leaseMs: 10_000, now: Date.now() });
    await store.finishUrl(u!.url, 'gone', 'done');
    await store.close();
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const sup = startCrawl(['crawl', 'supervisor', '--connect', endpoint, '--workers', '1', '--sqlite', sqlite, '--heartbeat-ms', '200']);
    try {
      expect((await finished(sup, 30_000)).code, sup.stderr()).toBe(0);
      expect(sup.stderr()).toMatch(new RegExp(`Cannot reach the dispatcher at ${endpoint} for \\d+ s \\(never reached\\); still trying\\.`));
      expect(sup.stderr()).toMatch(/The crawl is over in the store \(nothing pending or leased, 1 URLs finished\)/);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      sup.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
