// Test harness for the crawler's process tests: runs the real `crawl-diag crawl local` binary against the real
// simulated web on loopback, follows its stderr, finds its processes, and checks the store against the simweb's
// ground truth. Not a test file itself; crawl-*.test.ts and resilience-*.test.ts use it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimWeb, type SimWeb, type SimWebOptions } from '@crawl-diag/simweb';
import { CLI_BIN } from '../../../test-support/run-cli.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { CrawlStats, CrawlStore } from '../src/store/store.js';

/** A small web: 3 sites of up to 20 pages, robots.txt that allows, disallows /private/ or is missing. */
export function smallWeb(overrides: SimWebOptions = {}): Promise<SimWeb> {
  return startSimWeb({
    seed: 7,
    sites: 3,
    largeSites: 1,
    maxPagesPerSite: 20,
    minPagesPerSite: 12,
    seedSites: 3,
    robotsMix: { 'allow-all': 1, disallow: 1, 'not-found': 1, 'crawl-delay': 0, 'server-error': 0, slow: 0, hang: 0 },
    latency: { large: { fixedMs: 5, jitterMs: 5 }, small: { fixedMs: 10, jitterMs: 10 } },
    ...overrides,
  });
}

export const MAX_DEPTH = 10;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `crawl-diag-${prefix}-`));
}

/**
 * `crawl local` arguments for a crawl of `web` into `dir` (SQLite), with short delays and fast heartbeats.
 * `extra` options replace the defaults of the same name (`--delay 150`), or are added (repeatable `--fault`).
 */
export function localArgs(web: SimWeb, dir: string, extra: string[] = []): string[] {
  const defaults: Record<string, string> = {
    '--sqlite': join(dir, 'crawl.sqlite'),
    '--log-dir': join(dir, 'logs'),
    '--resolve': web.resolveRule,
    '--delay': '20',
    '--max-depth': String(MAX_DEPTH),
    '--heartbeat-ms': '200',
    '--lease-ms': '5000',
  };
  for (let i = 0; i < extra.length - 1; i++) if (extra[i] in defaults) delete defaults[extra[i]];
  return ['crawl', 'local', '--allow-private', ...Object.entries(defaults).flat(), ...extra, ...web.seeds];
}

export interface RunningCrawl {
  child: ChildProcess;
  stderr(): string;
  /** pid of a process `crawl local` reported starting (`dispatcher`, `supervisor-1`), latest start. */
  pidOf(name: string): number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCrawl(args: string[], env: NodeJS.ProcessEnv = {}): RunningCrawl {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stderr: () => err,
    pidOf: (name) => {
      const all = [...err.matchAll(new RegExp(`started ${name} \\(pid (\\d+)\\)`, 'g'))];
      return all.length > 0 ? Number(all[all.length - 1][1]) : undefined;
    },
    exited,
  };
}

/** Waits for the crawl to exit, at most `ms` (then kills it and fails, with its stderr). */
export async function finished(run: RunningCrawl, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`crawl did not finish within ${ms} ms; stderr:\n${run.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** A tcp port free on loopback right now (bound to 0, then closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Child pids of a process (Linux /proc). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readLog(dir: string, name: string): string {
  const path = join(dir, 'logs', `${name}.log`);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

export async function openSqlite(dir: string): Promise<CrawlStore> {
  const store = new SqliteStore({ path: join(dir, 'crawl.sqlite') });
  await store.init();
  return store;
}

export interface CrawlCheck {
  stats: CrawlStats;
  expected: Set<string>;
  missing: string[];
}

/**
 * Compares the store with the simweb's ground truth: every reachable page stored (once: the store keeps one page
 * per URL), no page stored that is not reachable, and no URL left pending or leased.
 */
export async function checkCrawl(store: CrawlStore, web: SimWeb): Promise<CrawlCheck> {
  const expected = web.expectedReachable({ respectRobots: true, maxDepth: MAX_DEPTH });
  const missing: string[] = [];
  for (const url of expected) if (!(await store.getPage(url))) missing.push(url);
  return { stats: await store.stats(), expected, missing };
}
