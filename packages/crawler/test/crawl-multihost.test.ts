// A crawl across five test hosts (network namespaces on a bridge, see test-support/netns.ts): the databases (content on
// FerretDB/PostgreSQL, politeness on FerretDB/SQLite), the simulated web, the dispatcher and two supervisors each on
// a host of its own, talking over the test network as separate
// machines would. In one crawl: a supervisor cut off past its heartbeat deadline while the web goes down (connections
// refused), the content database unreachable, the dispatcher's host killed and the dispatcher restarted. Checked
// against the web's ground truth: every reachable page stored, nothing pending or leased, every process exits 0.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../../test-support/run-cli.js';
import { buildFerretDb } from '../../../test-support/services.js';
import { createTestNet, testNetUnavailable, type TestNet } from '../../../test-support/netns.js';

const unavailable = testNetUnavailable();
if (unavailable && process.env.CI) throw new Error(`multi-host crawl test: ${unavailable} (CI must run it)`);

/** The web: 5 sites, 149 pages reachable under robots.txt (seed 5). */
const WEB = {
  seed: 5,
  sites: 5,
  largeSites: 1,
  maxPagesPerSite: 60,
  minPagesPerSite: 20,
  seedSites: 5,
  robotsMix: { 'allow-all': 2, disallow: 1, 'not-found': 1, 'crawl-delay': 0, 'server-error': 0, slow: 0, hang: 0 },
  latency: { large: { fixedMs: 5, jitterMs: 5 }, small: { fixedMs: 5, jitterMs: 5 } },
  maxDepth: 10,
};

interface Proc {
  child: ChildProcess;
  out: string;
  err: string;
  exited: Promise<number | null>;
}

function track(child: ChildProcess): Proc {
  const p: Proc = { child, out: '', err: '', exited: new Promise((r) => child.once('exit', (code) => r(code))) };
  child.stdout?.on('data', (d: Buffer) => (p.out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (p.err += d.toString()));
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function within<T>(what: string, ms: number, p: Promise<T>, context: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms\n${context()}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(unavailable !== undefined)(`a crawl across five test hosts${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let net: TestNet;
  let dir: string;
  beforeAll(() => {
    net = createTestNet(['db', 'web', 'disp', 'sup1', 'sup2']);
    dir = mkdtempSync(join(tmpdir(), 'crawl-diag-multihost-'));
  });
  afterAll(() => {
    net?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('survives a partitioned supervisor, the web down, the database unreachable and the dispatcher host killed: 149 of 149 pages', async () => {
    const h = net.hosts;
    const ferret = buildFerretDb();
    expect(ferret, 'FerretDB binary (tools/ferretdb)').toBeDefined();
    // The original two-server layout, both servers on the database host: content (frontier, pages) on FerretDB over
    // PostgreSQL, robots.txt and politeness on FerretDB over SQLite.
    const db = track(net.spawn('db', ferret!, ['--listen-addr', `${h.db!.address}:27017`, '--postgresql-data', join(dir, 'pg')]));
    const politenessDb = track(net.spawn('db', ferret!, ['--listen-addr', `${h.db!.address}:27018`, '--sqlite-dir', join(dir, 'ferret')]));
    const mongo = `mongodb://${h.db!.address}:27017/crawl`;
    const mongoPoliteness = `mongodb://${h.db!.address}:27018/politeness`;

    const web = track(net.spawn('web', process.execPath, [join(import.meta.dirname, 'support', 'netns-web.mjs'), JSON.stringify({ ...WEB, listenHost: h.web!.address, port: 80 })], { stdio: ['pipe', 'pipe', 'pipe'] }));
    const lines: Interface = createInterface({ input: web.child.stdout! });
    const replies: string[] = [];
    let wake: (() => void) | undefined;
    lines.on('line', (l) => {
      replies.push(l);
      wake?.();
    });
    const reply = async <T>(): Promise<T> => {
      while (replies.length === 0) await new Promise<void>((r) => (wake = r));
      return JSON.parse(replies.shift()!) as T;
    };
    const ask = async <T>(command: string): Promise<T> => {
      web.child.stdin!.write(`${command}\n`);
      return reply<T>();
    };
    const truth = await within('the web starts', 20_000, reply<{ seeds: string[]; expected: string[] }>(), () => web.err);
    expect(truth.expected).toHaveLength(149);

    const logs = join(dir, 'logs');
    const common = ['--mongo', mongo, '--mongo-politeness', mongoPoliteness, '--heartbeat-ms', '500', '--log-dir', logs];
    const endpoint = `tcp://${h.disp!.address}:5555`;
    const cli = (host: string, args: string[]) => track(net.spawn(host, process.execPath, [CLI_BIN, 'crawl', ...args], { env: { ...process.env, NO_COLOR: '1' } }));
    const dispatcherArgs = ['dispatcher', '--bind', endpoint, '--lease-ms', '20000', ...common];
    let dispatcher = cli('disp', [...dispatcherArgs, ...truth.seeds]);
    const supervisor = (id: string) =>
      cli(id, ['supervisor', '--connect', endpoint, '--id', id, '--workers', '2', ...common, '--resolve', `*=${h.web!.address}:80`, '--allow-private', '--delay', '400', '--max-depth', '10', '--retry-delay', '1000']);
    const sups = [supervisor('sup1'), supervisor('sup2')];
    const everything = () => [`dispatcher:\n${dispatcher.err}`, ...sups.map((s, i) => `sup${i + 1}:\n${s.err}`), `db:\n${db.err}${politenessDb.err}`].join('\n');
    const served = async () => (await ask<{ served: number }>('served')).served;
    const servedAtLeast = async (n: number) => {
      await within(`${n} pages served`, 60_000, (async () => {
        while ((await served()) < n) await sleep(200);
      })(), everything);
    };

    // 1. sup1 cut off for 10 s (its heartbeat deadline is 2.5 s), and meanwhile the web refuses connections for 4 s.
    await servedAtLeast(15);
    net.cut('sup1');
    await sleep(3000);
    await ask('down 4000');
    await sleep(3000);
    net.restore('sup1');
    // 2. The content database unreachable for 10 s.
    await sleep(2000);
    net.cut('db');
    await sleep(10_000);
    net.restore('db');
    // 3. The dispatcher's host dies; the dispatcher is started again on it, on the same endpoint.
    await sleep(3000);
    net.killAll('disp');
    expect(await dispatcher.exited).toBeNull();
    await sleep(1000);
    dispatcher = cli('disp', dispatcherArgs);

    expect(await within('the dispatcher ends the crawl', 90_000, dispatcher.exited, everything), everything()).toBe(0);
    expect(dispatcher.err).toMatch(/dispatcher: stopped \(frontier exhausted\)/);
    for (const s of sups) expect(await within('a supervisor exits', 30_000, s.exited, everything), everything()).toBe(0);

    const checker = track(net.spawn('disp', process.execPath, [join(import.meta.dirname, 'support', 'netns-store-check.mjs'), mongo, mongoPoliteness], { stdio: ['pipe', 'pipe', 'pipe'] }));
    checker.child.stdin!.end(JSON.stringify(truth.expected));
    expect(await within('the store check', 30_000, checker.exited, () => checker.err), checker.err).toBe(0);
    const { stats, missing, failed } = JSON.parse(checker.out) as {
      stats: { pages: number; pending: number; leased: number; failed: number; retrying: number };
      missing: string[];
      failed: { url: string; detail: string }[];
    };
    expect(missing).toEqual([]);
    // Failed for good: only the web's broken links (a 404 is final), never a page a fault hit.
    for (const f of failed) expect(f.detail, f.url).toMatch(/^http-error 404\b/);
    expect(stats).toMatchObject({ pages: 149, pending: 0, leased: 0, retrying: 0 });

    // What each part went through, from the logs: sup1 was dropped and came back, fetches hit by the outage retried.
    const dispatcherLog = readFileSync(join(logs, 'dispatcher.log'), 'utf8');
    expect(dispatcherLog).toContain("Supervisor 'sup1' missed its heartbeats");
    // sup1 said at once that it had lost the dispatcher, where, and when it had it back.
    expect(sups[0]!.err).toMatch(new RegExp(`supervisor: Cannot reach the dispatcher at ${endpoint.replace(/\./g, '\\.')} for \\d+ s \\(lost\\); still trying\\.`));
    expect(sups[0]!.err).toMatch(/supervisor: Reached the dispatcher at .* after \d+ s\./);
    const workerLogs = readdirSync(logs).filter((f) => f.startsWith('worker-')).map((f) => readFileSync(join(logs, f), 'utf8')).join('');
    expect(workerLogs).toMatch(/will be retried in \d+(\.\d)? s \(attempt 2 of 4\): connection refused\./);
    const hits = (await ask<{ hits: Record<string, number> }>('hits')).hits;
    const refetched = Object.entries(hits).filter(([, n]) => n > 1);
    console.log(`multi-host crawl: ${stats.pages} of ${truth.expected.length} pages; ${refetched.length} fetched more than once (partition, outage); ${stats.failed} failed`);
    web.child.stdin!.end();
    for (const server of [db, politenessDb]) server.child.kill('SIGTERM');
    await Promise.all([db.exited, politenessDb.exited]);
  }, 120_000);
});
