// `crawl-diag crawl local` end to end: real processes (dispatcher, supervisors, workers), real ZeroMQ over tcp,
// real SQLite, the real simulated web on loopback. The crawl must store exactly the reachable pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimWeb } from '@crawl-diag/simweb';
import { runCli } from '../../../test-support/run-cli.js';
import { checkCrawl, finished, localArgs, openSqlite, readLog, smallWeb, startCrawl, tempDir } from './crawl-harness.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

describe('crawl local', () => {
  let web: SimWeb;
  beforeAll(async () => {
    web = await smallWeb();
  });
  afterAll(async () => {
    await web?.close();
  });

  it('crawls the simulated web to exhaustion with 2 supervisors × 2 workers, storing every reachable page', async () => {
    const dir = tempDir('local');
    const profiles = join(dir, 'profiles');
    const run = startCrawl(localArgs(web, dir, ['--supervisors', '2', '--workers', '2', '--profile-dir', profiles]));
    const { code } = await finished(run, 90_000);
    expect(code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/crawl finished \(frontier exhausted\)/);
    expect(run.stderr()).toMatch(/pages\/s/);

    const store = await openSqlite(dir);
    try {
      const { stats, expected, missing } = await checkCrawl(store, web);
      expect(missing).toEqual([]);
      expect(stats.pages).toBe(expected.size);
      expect(stats.pending).toBe(0);
      expect(stats.leased).toBe(0);
    } finally {
      await store.close();
    }
    // The healthy dispatcher leases only free domains: each page was fetched once.
    const refetched = [...web.expectedReachable({ respectRobots: true, maxDepth: 10 })].filter((u) => web.hits(u) !== 1);
    expect(refetched).toEqual([]);

    // One log file per process, with the strategic messages word for word.
    const worker = readLog(dir, 'worker-1-1') + readLog(dir, 'worker-2-1');
    expect(worker).toMatch(/ - DEBUG - The URL 'http:\/\/[^']+' will be crawled\.$/m);
    expect(worker).toMatch(/ - DEBUG - Crawling URL 'http:\/\/[^']+'\.$/m);
    expect(readLog(dir, 'dispatcher')).toMatch(/Dispatcher stopping: frontier exhausted\./);

    // --profile-dir: every process ran the profiler agent and left its profiles, named by process kind.
    const kinds = new Set(readdirSync(profiles).map((f) => f.split('-')[0]));
    expect([...kinds].sort()).toEqual(['dispatcher', 'supervisor', 'worker']);

    const status = await runCli(['crawl', 'status', '--sqlite', join(dir, 'crawl.sqlite'), '--json']);
    expect(status.code, status.stderr).toBe(0);
    const json = JSON.parse(status.stdout) as { pages: number; pending: number; domains: { domain: string }[] };
    expect(json.pages).toBe(web.expectedReachable({ respectRobots: true, maxDepth: 10 }).size);
    expect(json.domains.map((d) => d.domain).sort()).toEqual([...web.hosts].sort());
  }, 180_000);

  it('stops gracefully on SIGINT, releasing its leases, and a second run resumes to completion', async () => {
    const dir = tempDir('sigint');
    // Slow pages so the crawl is surely mid-way when interrupted.
    const slow = await smallWeb({ latency: { large: { fixedMs: 150, jitterMs: 0 }, small: { fixedMs: 150, jitterMs: 0 } } });
    try {
      const first = startCrawl(localArgs(slow, dir, ['--workers', '2']));
      const store = await openSqlite(dir);
      try {
        const deadline = Date.now() + 60_000;
        while ((await store.stats()).pages < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        first.child.kill('SIGINT');
        const { code } = await finished(first, 60_000);
        expect(code, first.stderr()).toBe(130);
        const after = await store.stats();
        expect(after.leased).toBe(0);
        expect(after.pending).toBeGreaterThan(0);
        expect(after.pages).toBeLessThan(slow.expectedReachable({ respectRobots: true, maxDepth: 10 }).size);

        const second = startCrawl(localArgs(slow, dir, ['--workers', '3']));
        const end = await finished(second, 120_000);
        expect(end.code, second.stderr()).toBe(0);
        const { stats, expected, missing } = await checkCrawl(store, slow);
        expect(missing).toEqual([]);
        expect(stats.pages).toBe(expected.size);
        expect(stats.pending + stats.leased).toBe(0);
      } finally {
        await store.close();
      }
    } finally {
      await slow.close();
    }
  }, 180_000);

  it('stops at --max-pages and at --duration, exit 0, leaving no URL leased', async () => {
    const slow = await smallWeb({ latency: { large: { fixedMs: 150, jitterMs: 0 }, small: { fixedMs: 150, jitterMs: 0 } } });
    try {
      for (const [limit, reason] of [[['--max-pages', '5'], 'max pages reached'], [['--duration', '4s'], 'duration reached']] as const) {
        const dir = tempDir('limits');
        const run = startCrawl(localArgs(slow, dir, ['--workers', '2', ...limit]));
        const { code } = await finished(run, 90_000);
        expect(code, run.stderr()).toBe(0);
        expect(run.stderr()).toContain(`crawl finished (${reason})`);
        // The dispatcher lets its store work finish before the store is closed: no failed store operation at the end.
        const dispatcherLog = readLog(dir, 'dispatcher');
        expect(dispatcherLog).toContain(`Dispatcher stopping: ${reason}.`);
        expect(dispatcherLog).not.toMatch(/Store operation failed/);
        const store = await openSqlite(dir);
        try {
          const stats = await store.stats();
          expect(stats.leased).toBe(0);
          expect(stats.pending).toBeGreaterThan(0);
          if (reason === 'max pages reached') expect(stats.pages).toBeGreaterThanOrEqual(5);
        } finally {
          await store.close();
        }
      }
    } finally {
      await slow.close();
    }
  }, 180_000);

  it('refuses a bad --resolve rule with one line and exit code 2', async () => {
    const r = await runCli(['crawl', 'local', '--sqlite', join(tempDir('bad'), 'c.sqlite'), '--resolve', '*=127.0.0.1', 'http://a.test/']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/invalid --resolve '\*=127\.0\.0\.1': missing :PORT/);
  });
});
