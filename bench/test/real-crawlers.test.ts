// The real Scrapy (PyPI) and the real Crawlee HttpCrawler (npm) run through `npm run bench -- real` against the
// simulated web for 25 s while the server slows (latency 1× → 3.5×): the runner writes the crawler's own log and
// truth.json, and the crawler's log shows what the server did — its per-request lines per 10 s window match the
// server's own count of what it answered, window by window.
//
// Tolerances, and why: the server counts a request when it arrives, the crawler logs it when the answer is back
// (100–350 ms later here) and Scrapy stamps to the whole second, so up to ~1.5 s of a window's lines can fall into
// the next one: 20% of a window, plus 5 lines for the smallest windows. Over the whole run only the requests in
// flight when the crawler stops differ (8 at most) — plus, for Crawlee, the PNG/PDF links the server answers 200 and
// Crawlee refuses to handle (no `Processing` line; a page carries one with chance 5%). Needs the build (npx tsc -b).
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from './support/run-bench.js';

const DURATION_SEC = 25;


interface Truth {
  schema: string;
  crawler: { name: string; version: string };
  expected: { verdict: string; cause: string | null };
  durationSec: number;
  serverClockStartedAt: string;
  timeline: Array<{ t: number; requests: number; pages: number; refused: Record<string, number>; latencyFactor: number }>;
  crawlerLog: { counts: number[]; total: number };
  serverRate: { startPagesPerSec: number; endPagesPerSec: number };
  logs: string[];
  network: string;
}

/** The runner puts itself in a network namespace of its own whenever this works here. */
const CAN_ISOLATE = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function realRun(crawler: 'scrapy' | 'crawlee'): Promise<{ truth: Truth; log: string; stdout: string }> {
  const out = await mkdtemp(join(tmpdir(), `real-${crawler}-`));
  dirs.push(out);
  const r = await runBench(['real', '--crawler', crawler, '--scenario', 'slowing', '--duration', `${DURATION_SEC}s`, '--out', out], 100_000);
  expect(r.stderr + r.stdout).not.toMatch(/bench: /);
  expect(r.code).toBe(0);
  const truth = JSON.parse(await readFile(join(out, 'truth.json'), 'utf8')) as Truth;
  // Nothing can leave loopback: the run had no other network interface at all, where the machine allows that.
  expect(truth.network).toMatch(CAN_ISOLATE ? /^isolated: / : /^loopback by the crawlers' own settings/);
  const log = await readFile(join(out, truth.logs[0]), 'utf8');
  return { truth, log, stdout: r.stdout };
}

/** Server count each crawler's lines should match: every answer for Scrapy (robots.txt and 404s are `Crawled` too), the 200s for Crawlee. */
function serverCounts(truth: Truth): number[] {
  return truth.timeline.map((b) => (truth.crawler.name === 'scrapy' ? b.requests - Object.values(b.refused).reduce((s, n) => s + n, 0) : b.pages));
}

function checkAgainstServer(truth: Truth) {
  const server = serverCounts(truth);
  const log = truth.crawlerLog.counts;
  const full = truth.timeline.filter((b) => b.t + 10 <= truth.durationSec).length;
  expect(full).toBeGreaterThanOrEqual(2);
  for (let i = 0; i < full; i++) {
    expect(server[i], `window ${i}: the server answered something`).toBeGreaterThan(0);
    expect(Math.abs((log[i] ?? 0) - server[i]), `window ${i}: log ${log[i]} vs server ${server[i]}`).toBeLessThanOrEqual(0.2 * server[i] + 5);
  }
  return { server: server.reduce((s, n) => s + n, 0), log: truth.crawlerLog.total };
}

describe('real crawlers against the simulated web (bench real)', () => {
  // Both at once: they are two processes on two cores, and the test's wall time is one run's.
  const runs = Promise.all([realRun('scrapy'), realRun('crawlee')]);

  it('Scrapy: its Crawled lines per 10 s match what the server answered, and its own LogStats and retry machinery are on', async () => {
    const [{ truth, log, stdout }] = await runs;
    expect(truth.schema).toBe('crawl-diag/real-run@1');
    expect(truth.crawler.version).toMatch(/^Scrapy 2\.\d+/);
    expect(truth.expected).toEqual({ verdict: 'decay', cause: null });
    expect(stdout).toMatch(/real: \[ {3}0s\] server: \d+ pages/);
    expect(log).toMatch(/\[scrapy\.extensions\.logstats\] INFO: Crawled \d+ pages \(at \d+ pages\/min\)/);
    expect(log).toMatch(/'RETRY_ENABLED': True|scrapy\.downloadermiddlewares\.retry\.RetryMiddleware/);
    expect(log).toMatch(/Spider closed \(closespider_timeout\)/);
    // The server slowed as told: its latency factor rose window after window.
    const factors = truth.timeline.map((b) => b.latencyFactor);
    expect(factors[0]).toBeLessThan(factors[factors.length - 1]);
    const { server, log: logged } = checkAgainstServer(truth);
    expect(Math.abs(logged - server)).toBeLessThanOrEqual(8 + 0.03 * server);
  }, 120_000);

  it('Crawlee: its request-handler lines per 10 s match the pages the server served, and it logs statistics every 10 s', async () => {
    const [, { truth, log }] = await runs;
    expect(truth.crawler.version).toMatch(/^@crawlee\/http 3\.\d+/);
    const stats = log.split('\n').filter((l) => l.includes('HttpCrawler request statistics:'));
    expect(stats.length).toBeGreaterThanOrEqual(2);
    const { server, log: logged } = checkAgainstServer(truth);
    expect(logged).toBeLessThanOrEqual(server + 8);
    expect(logged).toBeGreaterThanOrEqual(0.85 * server);
  }, 120_000);
});
