// `bench diagnose`'s store-time evidence, read from the logs of real crawls: `crawl-diag crawl local` (real processes,
// SQLite, the simulated web on loopback) in both log formats, with short Store time windows. The figures read back
// must agree with the store (every stored page is one savePage call) and with the clock (stamps in local time turn
// into the run's real instants); and the checks of the scenarios pick the store call that grew. Needs the build
// (`npx tsc -b`), like the other end-to-end tests.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '@crawl-diag/crawler';
import { startBenchWeb, type BenchWeb } from '../src/common/bench-web.js';
import { crawlLocalArgs } from '../src/common/crawl-local.js';
import { CRAWL_DIAG_BIN } from '../src/common/repo-paths.js';
import { diagnose, gatherLogEvidence, type ProfileEvidence } from '@crawl-diag/doctor';
import { scenarioNamed } from '../src/common/scenarios.js';
import { doctorChecks } from '../src/diagnose/doctor-checks.js';
import { renderStoreTime } from '../src/diagnose/report-diagnose.js';
import { storeTimeEvidence, type StoreTimeEvidence } from '../src/diagnose/store-time-evidence.js';
import { parseStoreTimeMessage, readStoreTimeRecords, type StoreTimeRecord } from '../src/diagnose/store-time-lines.js';

interface Crawl {
  dir: string;
  startMs: number;
  endMs: number;
  records: StoreTimeRecord[];
  pages: number;
}

let web: BenchWeb;
let webDir: string;
const dirs: string[] = [];

/** One `crawl local` of the small web to exhaustion (or 20 s), windows of 400 ms. */
async function crawl(logFormat: 'python' | 'json'): Promise<Crawl> {
  const dir = await mkdtemp(join(tmpdir(), `bench-store-time-${logFormat}-`));
  dirs.push(dir);
  const args = crawlLocalArgs({
    supervisors: 1,
    workers: 2,
    durationSec: 20,
    seedsFile: web.seedsFile,
    resolveRule: web.web.resolveRule,
    logDir: join(dir, 'logs'),
    store: { sqlite: join(dir, 'crawl.sqlite') },
    faults: [],
    delayMs: 20,
    maxDepth: 10,
  });
  const startMs = Date.now();
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(process.execPath, [CRAWL_DIAG_BIN, ...args, '--log-format', logFormat], {
      stdio: 'ignore',
      env: { ...process.env, CRAWL_DIAG_STORE_TIME_MS: '400' },
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 90_000);
    child.on('error', fail);
    child.on('exit', (c) => {
      clearTimeout(timer);
      done(c);
    });
  });
  const endMs = Date.now();
  expect(code).toBe(0);
  const store = new SqliteStore({ path: join(dir, 'crawl.sqlite') });
  await store.init();
  const pages = (await store.stats()).pages;
  await store.close();
  return { dir, startMs, endMs, records: await readStoreTimeRecords(join(dir, 'logs')), pages };
}

const sumCalls = (records: readonly StoreTimeRecord[], kind: string, method: string) =>
  records.filter((r) => r.kind === kind).reduce((s, r) => s + (r.methods[method]?.calls ?? 0), 0);

beforeAll(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'bench-store-time-web-'));
  web = await startBenchWeb(webDir, { sites: 4, maxPagesPerSite: 40, minPagesPerSite: 10, latencyMs: 5, linksPerPage: 3 });
});
afterAll(async () => {
  await web?.close();
  for (const d of [webDir, ...dirs]) if (d) await rm(d, { recursive: true, force: true });
});

describe.each(['python', 'json'] as const)('Store time lines of a real crawl, %s log format', (format) => {
  let run: Crawl;
  beforeAll(async () => {
    run = await crawl(format);
  }, 120_000);

  it('are read back for the dispatcher and each worker, timed within the run', () => {
    expect(run.pages).toBeGreaterThan(0);
    expect(new Set(run.records.map((r) => r.kind))).toEqual(new Set(['dispatcher', 'worker']));
    expect(new Set(run.records.filter((r) => r.kind === 'worker').map((r) => r.process))).toEqual(new Set(['worker-1-1', 'worker-1-2']));
    // Python stamps are local time with ms; the window in the message has 0.1 s: allow that much.
    for (const r of run.records) {
      expect(r.toMs).toBeGreaterThanOrEqual(run.startMs - 1);
      expect(r.toMs).toBeLessThanOrEqual(run.endMs + 1);
      expect(r.fromMs).toBeGreaterThanOrEqual(run.startMs - 100);
      expect(r.fromMs).toBeLessThanOrEqual(r.toMs);
    }
    // A process's windows follow one another without gaps: each starts where the one before it ended. A line's time
    // is when it was logged, a little after its window closed; two lines' delays differ by a few ms on a quiet
    // machine and by tens under load (CI saw 4 ms), plus the message's 0.1 s rounding in the Python format. A
    // missing window would leave a gap of a whole window (400 ms here).
    for (const name of new Set(run.records.map((r) => r.process))) {
      const mine = run.records.filter((r) => r.process === name);
      for (let i = 1; i < mine.length; i++) expect(Math.abs(mine[i].fromMs - mine[i - 1].toMs)).toBeLessThanOrEqual(format === 'json' ? 100 : 150);
    }
  });

  it('count every stored page as one worker savePage call, and the dispatcher\'s leases', () => {
    expect(sumCalls(run.records, 'worker', 'savePage')).toBe(run.pages);
    expect(sumCalls(run.records, 'dispatcher', 'leaseUrls')).toBeGreaterThan(0);
    expect(sumCalls(run.records, 'dispatcher', 'savePage')).toBe(0);
  });

  it('split between an early and a late range without losing or inventing calls', () => {
    const from = Math.min(...run.records.map((r) => r.fromMs));
    const to = Math.max(...run.records.map((r) => r.toMs));
    const mid = (from + to) / 2;
    const ev = storeTimeEvidence(run.records, { fromMs: from, toMs: mid }, { fromMs: mid, toMs: to });
    const worker = ev.kinds.find((k) => k.kind === 'worker')!;
    const saved = (worker.early.methods.savePage?.calls ?? 0) + (worker.late.methods.savePage?.calls ?? 0);
    expect(saved).toBeCloseTo(run.pages, 6);
    for (const part of [worker.early, worker.late]) {
      expect(part.processes).toBe(2);
      const storeMs = Object.values(part.methods).reduce((s, m) => s + m.totalMs, 0);
      expect(part.storeShare).toBeCloseTo(storeMs / part.wallMs, 9);
    }
    expect(renderStoreTime(ev).join('\n')).toMatch(/^ {2}worker \(2 processes\): store calls [\d.]+% → [\d.]+% of wall time$/m);
  });
});

describe('reading a Store time message', () => {
  it('takes the window, every method and its failures; refuses other lines', () => {
    expect(parseStoreTimeMessage('Store time: 5.0 s window, leaseUrls 12 calls 1403.2 ms (max 310.4 ms), addUrls 4 calls 20.0 ms (max 8.1 ms, 1 failed).')).toEqual({
      windowMs: 5000,
      methods: { leaseUrls: { calls: 12, totalMs: 1403.2, maxMs: 310.4, failed: 0 }, addUrls: { calls: 4, totalMs: 20, maxMs: 8.1, failed: 1 } },
    });
    expect(parseStoreTimeMessage("Crawling URL 'http://a.test/'.")).toBeUndefined();
  });
});

describe("bench diagnose's checks are the doctor's findings", () => {
  // The doctor's recorded real runs (packages/doctor/test/fixtures: logs and profile evidence of 60 s bench crawls).
  const FIX = join(import.meta.dirname, '../../packages/doctor/test/fixtures');
  async function doctorOn(run: string) {
    const logs = await gatherLogEvidence({ paths: [join(FIX, run, 'logs')] });
    const profiles = JSON.parse(await readFile(join(FIX, run, 'profile-evidence.json'), 'utf8')) as ProfileEvidence;
    return diagnose({ logs, profiles, warnings: [] });
  }

  it('met when the first finding names the scenario\'s fault; not met on another scenario', async () => {
    const d = await doctorOn('dedup-scan-1');
    expect(doctorChecks(scenarioNamed('dedup-scan'), d).map((c) => c.met)).toEqual([true]);
    expect(doctorChecks(scenarioNamed('unindexed-frontier'), d).map((c) => c.met)).toEqual([false]);
    expect(doctorChecks(scenarioNamed('healthy'), d).map((c) => c.met)).toEqual([false]);
  });

  it('healthy: met when the doctor finds no decay and nothing', async () => {
    const d = await doctorOn('healthy-1');
    expect(doctorChecks(scenarioNamed('healthy'), d)).toEqual([{ expectation: 'the doctor reports no decay and no finding', met: true, observed: d.headline }]);
    expect(doctorChecks(scenarioNamed('politeness-blind'), d)[0].met).toBe(false);
  });
});
