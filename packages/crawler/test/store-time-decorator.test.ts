// The store-time decorator against a real SqliteStore (a temp file): every call is counted under its method, its
// recorded time lies between the store's own time for the call and the caller's, results and errors pass through
// unchanged (errors counted as failed); and the "Store time" line a real process logger writes, in both formats.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeProcessLogger, createProcessLogger, processLogFile } from '../src/log/logger.js';
import { parseStoreTimeMessage } from '../src/log/store-time-line.js';
import { StoreTimeLog, storeTimeWindowMs, STORE_TIME_WINDOW_ENV } from '../src/process/store-time-log.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { LeaseRequest, NewUrl } from '../src/store/store.js';
import { StoreTimeWindow, timedStore, type StoreCallSink } from '../src/store/timed-store.js';

/** The real store, also timing its own addUrls from the inside (the lower bound of what the decorator may record). */
class SelfTimedSqliteStore extends SqliteStore {
  readonly innerMs: number[] = [];
  override async addUrls(urls: NewUrl[], now: number): Promise<number> {
    const t0 = performance.now();
    try {
      return await super.addUrls(urls, now);
    } finally {
      this.innerMs.push(performance.now() - t0);
    }
  }
}

const urlsOf = (domain: string, n: number): NewUrl[] =>
  Array.from({ length: n }, (_, i) => ({ url: `http://${domain}/p${i}`, domain, depth: 1 }));

describe('timedStore on a real SqliteStore', () => {
  let dir: string;
  let inner: SelfTimedSqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crawl-diag-store-time-'));
    inner = new SelfTimedSqliteStore({ path: join(dir, 'crawl.sqlite') });
    await inner.init();
  });
  afterEach(async () => {
    await inner.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts every call under its method and returns what the store returns', async () => {
    const window = new StoreTimeWindow();
    const store = timedStore(inner, window);
    expect(store.location).toBe(inner.location);
    const now = Date.now();
    expect(await store.addUrls(urlsOf('a.test', 5), now)).toBe(5);
    expect(await store.addUrls(urlsOf('a.test', 7), now)).toBe(2);
    const req: LeaseRequest = { owner: 'w1', limit: 3, leaseMs: 60_000, now };
    const leased = await store.leaseUrls(req);
    expect(leased).toHaveLength(3);
    expect(await store.claimDomain('a.test', now, 500)).toEqual({ granted: true });
    expect(await store.claimDomain('a.test', now, 500)).toEqual({ granted: false, notBefore: now + 500 });
    expect(await store.finishUrl(leased[0].url, 'w1', 'done')).toBe(true);
    expect(await store.postponeUrl(leased[1].url, 'w2', now + 1000)).toBe(false);
    expect(await store.hasUrl('http://a.test/p6')).toBe(true);
    expect((await store.frontierSummary(now)).pending).toBe(4);

    const s = window.take()!;
    const calls = Object.fromEntries(Object.entries(s.methods).map(([m, t]) => [m, t.calls]));
    expect(calls).toEqual({ addUrls: 2, leaseUrls: 1, claimDomain: 2, finishUrl: 1, postponeUrl: 1, hasUrl: 1, frontierSummary: 1 });
    for (const t of Object.values(s.methods)) {
      expect(t.failed).toBe(0);
      expect(t.maxMs).toBeGreaterThanOrEqual(0);
      expect(t.totalMs).toBeGreaterThanOrEqual(t.maxMs);
    }
    expect(s.toMs).toBeGreaterThanOrEqual(s.fromMs);
    // A new window starts empty.
    expect(window.hasCalls).toBe(false);
    expect(window.take()).toBeUndefined();
  });

  it('records for each call a time between the store\'s own and the caller\'s', async () => {
    const recorded: Array<{ method: string; ms: number }> = [];
    const sink: StoreCallSink = { record: (method, ms) => recorded.push({ method, ms }) };
    const store = timedStore(inner, sink);
    const outerMs: number[] = [];
    for (const n of [1, 200, 3000]) {
      const t0 = performance.now();
      await store.addUrls(urlsOf(`d${n}.test`, n), Date.now());
      outerMs.push(performance.now() - t0);
    }
    expect(recorded.map((r) => r.method)).toEqual(['addUrls', 'addUrls', 'addUrls']);
    recorded.forEach((r, i) => {
      expect(r.ms).toBeGreaterThanOrEqual(inner.innerMs[i]);
      expect(r.ms).toBeLessThanOrEqual(outerMs[i]);
    });
  });

  it('re-throws a failing call\'s error unchanged and counts it as failed', async () => {
    const window = new StoreTimeWindow();
    const store = timedStore(inner, window);
    await store.addUrls(urlsOf('b.test', 1), Date.now());
    await inner.close(); // the real store refuses calls after close
    const err = await store.addUrls(urlsOf('b.test', 2), Date.now()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/after close/);
    const s = window.take()!;
    expect(s.methods.addUrls).toMatchObject({ calls: 2, failed: 1 });
  });
});

describe('StoreTimeWindow', () => {
  it('covers the quiet time before the first call in the next window, so windows add up to wall time', () => {
    let clock = 1_000;
    const w = new StoreTimeWindow(() => clock);
    clock = 6_000;
    expect(w.take()).toBeUndefined(); // no call yet: no window ends
    w.record('leaseUrls', 40, false);
    w.record('leaseUrls', 60, true);
    clock = 11_000;
    expect(w.take()).toEqual({ fromMs: 1_000, toMs: 11_000, methods: { leaseUrls: { calls: 2, totalMs: 100, maxMs: 60, failed: 1 } } });
    w.record('addUrls', 5, false);
    clock = 16_000;
    expect(w.take()).toMatchObject({ fromMs: 11_000, toMs: 16_000 });
  });
});

describe('the Store time line in a real process log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crawl-diag-store-time-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function logOneWindow(format: 'python' | 'json'): Promise<string> {
    const log = createProcessLogger({ dir, processName: `p-${format}`, name: 'crawl_diag.worker', format });
    const storeTime = new StoreTimeLog({ windowMs: 60_000 });
    storeTime.attach(log);
    storeTime.flush(); // nothing called yet: no line
    storeTime.window.record('addUrls', 12.34, false);
    storeTime.window.record('addUrls', 30, false);
    storeTime.window.record('leaseUrls', 1403.26, false);
    storeTime.window.record('claimDomain', 2, true);
    storeTime.stop();
    await closeProcessLogger(log);
    return readFileSync(processLogFile(dir, `p-${format}`), 'utf8');
  }

  it('writes the figures in the message in the Python format, slowest method first', async () => {
    const text = await logOneWindow('python');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - crawl_diag\.worker - INFO - Store time: \d+\.\d s window, leaseUrls 1 calls 1403\.3 ms \(max 1403\.3 ms\), addUrls 2 calls 42\.3 ms \(max 30\.0 ms\), claimDomain 1 calls 2\.0 ms \(max 2\.0 ms, 1 failed\)\.$/,
    );
  });

  it('reads its own message back to the figures of the JSON fields (the writer and the reader agree)', async () => {
    const rec = JSON.parse((await logOneWindow('json')).trim()) as { msg: string; storeTime: { windowMs: number; methods: Record<string, unknown> } };
    const parsed = parseStoreTimeMessage(rec.msg);
    expect(parsed?.methods).toEqual(rec.storeTime.methods);
    // The message gives the window to a tenth of a second.
    expect(Math.abs(parsed!.windowMs - rec.storeTime.windowMs)).toBeLessThanOrEqual(50);
    expect(parseStoreTimeMessage("Crawling URL 'http://a.test/'.")).toBeUndefined();
  });

  it('writes the figures as fields too in the JSON format', async () => {
    const rec = JSON.parse((await logOneWindow('json')).trim()) as { level: number; msg: string; storeTime: { windowMs: number; methods: Record<string, unknown> } };
    expect(rec.level).toBe(30);
    expect(rec.msg).toMatch(/^Store time: /);
    expect(rec.storeTime.windowMs).toBeGreaterThanOrEqual(0);
    expect(rec.storeTime.methods).toEqual({
      leaseUrls: { calls: 1, totalMs: 1403.3, maxMs: 1403.3, failed: 0 },
      addUrls: { calls: 2, totalMs: 42.3, maxMs: 30, failed: 0 },
      claimDomain: { calls: 1, totalMs: 2, maxMs: 2, failed: 1 },
    });
  });

  it('in a worker (not strict), takes the default window for a bad value and says so in the log', async () => {
    const before = process.env[STORE_TIME_WINDOW_ENV];
    process.env[STORE_TIME_WINDOW_ENV] = 'often';
    try {
      expect(() => new StoreTimeLog()).toThrow(/CRAWL_DIAG_STORE_TIME_MS=often/);
      const storeTime = new StoreTimeLog({ strict: false });
      expect(storeTime.windowMs).toBe(5000);
      const log = createProcessLogger({ dir, processName: 'lenient', name: 'crawl_diag.worker' });
      storeTime.attach(log);
      storeTime.stop();
      await closeProcessLogger(log);
      expect(readFileSync(processLogFile(dir, 'lenient'), 'utf8')).toMatch(/ - WARNING - CRAWL_DIAG_STORE_TIME_MS=often is not a whole number of ms; .*; using 5000 ms$/m);
    } finally {
      if (before === undefined) delete process.env[STORE_TIME_WINDOW_ENV];
      else process.env[STORE_TIME_WINDOW_ENV] = before;
    }
  });

  it('reads its window from the environment and refuses a bad value with what to write', () => {
    expect(storeTimeWindowMs({})).toBe(5000);
    expect(storeTimeWindowMs({ [STORE_TIME_WINDOW_ENV]: '250' })).toBe(250);
    expect(() => storeTimeWindowMs({ [STORE_TIME_WINDOW_ENV]: '5s' })).toThrow(/CRAWL_DIAG_STORE_TIME_MS=5s is not a whole number of ms; use e\.g\. 5000/);
  });
});
