// The "Store time" lines in a real crawl: `crawl local` (real processes, ZeroMQ, SQLite, the simulated web on
// loopback) with short windows; the dispatcher's lines time its leases, the workers' lines time their page work,
// and the calls they count add up to what the store holds.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimWeb } from '@crawl-diag/simweb';
import { finished, localArgs, openSqlite, readLog, smallWeb, startCrawl, tempDir } from './crawl-harness.js';

const STORE_TIME_LINE = /^\S+ \S+ - crawl_diag\.(dispatcher|worker) - INFO - Store time: (\d+\.\d) s window, (.*)\.$/gm;
const METHOD = /(\w+) (\d+) calls (\d+\.\d) ms \(max (\d+\.\d) ms(?:, (\d+) failed)?\)/g;

/** Calls per method summed over every Store time line of a log. */
function callsIn(log: string): { lines: number; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  let lines = 0;
  for (const line of log.matchAll(STORE_TIME_LINE)) {
    lines += 1;
    for (const m of line[3].matchAll(METHOD)) calls[m[1]] = (calls[m[1]] ?? 0) + Number(m[2]);
  }
  return { lines, calls };
}

describe('Store time lines of a real crawl', () => {
  let web: SimWeb;
  beforeAll(async () => {
    web = await smallWeb();
  });
  afterAll(async () => {
    await web?.close();
  });

  it('the dispatcher logs its lease calls and the workers their page calls, adding up to the pages stored', async () => {
    const dir = tempDir('store-time');
    const run = startCrawl(localArgs(web, dir, ['--supervisors', '1', '--workers', '2']), { CRAWL_DIAG_STORE_TIME_MS: '500' });
    const { code } = await finished(run, 90_000);
    expect(code, run.stderr()).toBe(0);

    const dispatcher = callsIn(readLog(dir, 'dispatcher'));
    expect(dispatcher.lines).toBeGreaterThan(0);
    expect(dispatcher.calls.leaseUrls).toBeGreaterThan(0);
    expect(dispatcher.calls.frontierSummary).toBeGreaterThan(0);

    const workerLogs = readdirSync(join(dir, 'logs')).filter((f) => f.startsWith('worker-')).map((f) => f.replace(/\.log$/, ''));
    expect(workerLogs).toHaveLength(2);
    const workers = workerLogs.map((name) => callsIn(readLog(dir, name)));
    const sum = (method: string) => workers.reduce((s, w) => s + (w.calls[method] ?? 0), 0);
    expect(workers.every((w) => w.lines > 0)).toBe(true);

    const store = await openSqlite(dir);
    try {
      const stats = await store.stats();
      // Every stored page was saved by exactly one worker call, and every URL a worker ended was one finishUrl call.
      expect(sum('savePage')).toBe(stats.pages);
      expect(sum('finishUrl')).toBe(stats.done + stats.failed + stats.ignored);
      expect(sum('claimDomain')).toBeGreaterThanOrEqual(stats.pages);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('writes no Store time line with CRAWL_DIAG_STORE_TIME_MS=0 (the store is then not wrapped)', async () => {
    const dir = tempDir('store-time-off');
    const run = startCrawl(localArgs(web, dir, ['--supervisors', '1', '--workers', '1']), { CRAWL_DIAG_STORE_TIME_MS: '0' });
    const { code } = await finished(run, 90_000);
    expect(code, run.stderr()).toBe(0);
    const logs = readdirSync(join(dir, 'logs')).map((f) => readLog(dir, f.replace(/\.log$/, '')));
    expect(logs.join('')).toMatch(/Crawling URL/);
    expect(logs.join('')).not.toMatch(/Store time:/);
  }, 120_000);

  it('refuses a bad CRAWL_DIAG_STORE_TIME_MS with one line and exit code 2, before starting any process', async () => {
    const dir = tempDir('store-time-bad');
    const run = startCrawl(localArgs(web, dir), { CRAWL_DIAG_STORE_TIME_MS: '5s' });
    const { code } = await finished(run, 60_000);
    expect(code).toBe(2);
    expect(run.stderr().trim()).toBe('crawl-diag: CRAWL_DIAG_STORE_TIME_MS=5s is not a whole number of ms; use e.g. 5000, or 0 to turn the store time lines off');
  }, 90_000);
});

