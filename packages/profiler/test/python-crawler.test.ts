// The hand-written Python crawler (bench/real-crawlers/python/crawler.py: multi-process, requests, and sqlite3 or
// pymongo against FerretDB) profiled live with `crawl-diag flame --children-of`, as an operator would: most of the
// workers' wall time is in its database lines, named by file:line and called waiting where the workers block, and
// `flame diff` between an early and a late profile names the frontier pick, whose unindexed scan grows.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimWeb, type SimWeb } from '@crawl-diag/simweb';
import { runCli } from '../../../test-support/run-cli.js';
import { resolveTargets, profileProcesses } from '../src/profile-processes.js';
import { toFolded } from '../src/outputs/folded.js';
import { formatSummary, summarizeProfile } from '../src/outputs/summary.js';

const CRAWLER = resolve(import.meta.dirname, '..', '..', '..', 'bench', 'real-crawlers', 'python', 'crawler.py');
const hasPySpy = spawnSync('py-spy', ['--version']).status === 0;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** The lines of a class of crawler.py (`class SqliteStore:` to the next top-level statement): its database lines. */
async function classLines(name: string): Promise<[number, number]> {
  const lines = (await readFile(CRAWLER, 'utf8')).split('\n');
  const start = lines.findIndex((l) => l.startsWith(`class ${name}`));
  let end = start + 1;
  while (end < lines.length && !/^\S/.test(lines[end])) end++;
  return [start + 1, end];
}

interface Crawl {
  pid: number;
  child: ChildProcess;
  dir: string;
  stop(): Promise<void>;
}

async function startCrawl(store: 'sqlite' | 'mongo', web: SimWeb, db: string, workers: number): Promise<Crawl> {
  const dir = await mkdtemp(join(tmpdir(), `crawl-diag-pycrawl-${store}-`));
  const seeds = join(dir, 'seeds.txt');
  await writeFile(seeds, `${web.seeds.join('\n')}\n`);
  const child = spawn('python3', [CRAWLER, '--seeds', seeds, '--resolve', web.resolveRule, '--store', store, '--db', db === 'file' ? join(dir, 'crawl.sqlite') : db, '--workers', String(workers), '--duration', '120', '--log-dir', join(dir, 'logs'), '--politeness', '0.2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const pid = await new Promise<number>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"event": "started", "pid": (\d+)/.exec(out);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`crawler.py exited (${code}) before starting: ${err}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await done;
    await rm(dir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  return { pid, child, dir, stop };
}

/** Share of the folded profile's samples whose deepest crawler.py frame lies in [from, to]. */
function shareInLines(folded: string, [from, to]: [number, number]): number {
  let inside = 0;
  let total = 0;
  for (const line of folded.trim().split('\n')) {
    const space = line.lastIndexOf(' ');
    const n = Number(line.slice(space + 1));
    total += n;
    const own = [...line.slice(0, space).matchAll(/crawler\.py:(\d+)\)/g)].map((m) => Number(m[1]));
    const deepest = own[own.length - 1];
    if (deepest !== undefined && deepest >= from && deepest <= to) inside += n;
  }
  return total > 0 ? inside / total : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function profileCrawl(store: 'sqlite' | 'mongo', className: string, db: string): Promise<void> {
  // The bench's web (100 links a page: the frontier grows by tens of rows per page fetched), fast pages.
  const web = await startSimWeb({ seed: 7, sites: 40, largeSites: 5, maxPagesPerSite: 100_000, minPagesPerSite: 1000, zipfExponent: 1, linksPerPage: 100, fanout: 4, seedSites: 40, latency: { large: { fixedMs: 10, jitterMs: 5 }, small: { fixedMs: 10, jitterMs: 5 } } });
  cleanups.push(() => web.close());
  const crawl = await startCrawl(store, web, db, 3);
  const dir = crawl.dir;
  const t0 = Date.now();
  const at = (what: string) => process.stderr.write(`[python crawler ${store}] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  const lines = await classLines(className);
  // Sampled in this process (the CLI's own start-up takes seconds on a loaded machine); the diff through the CLI.
  const sample = async (name: string) => {
    const { targets } = resolveTargets({ childrenOf: [crawl.pid] });
    const { merged } = await profileProcesses(targets, { durationMs: 3000 });
    await writeFile(join(dir, `${name}.folded`), toFolded(merged));
    at(`${name} profile`);
    return formatSummary(summarizeProfile(merged), merged);
  };
  await sleep(1000);
  await sample('early');
  await sleep(6000);
  const lateSummary = await sample('late');
  const diff = await runCli(['flame', 'diff', join(dir, 'early.folded'), join(dir, 'late.folded'), '--json', '--top', '3'], { timeoutMs: 30_000 });
  expect(diff.code, diff.stderr).toBe(0);
  const lateFolded = await readFile(join(dir, 'late.folded'), 'utf8');
  const dbShare = shareInLines(lateFolded, lines);
  const grown = (JSON.parse(diff.stdout) as { grown: { label: string; selfDelta: number }[] }).grown;
  process.stderr.write(
    `[python crawler ${store}] database lines (crawler.py:${lines[0]}-${lines[1]}) ${(100 * dbShare).toFixed(1)}% of the workers' wall time (late); grew most: ${grown.map((g) => `${g.label.replace(/\/.*\//, '')} ${(100 * g.selfDelta).toFixed(1)}%`).join(', ')}\n${lateSummary.split('\n').filter((l) => l.includes('waiting')).slice(0, 6).join('\n')}\n`,
  );
  // At least half of the workers' wall time in the store's lines, named by file:line.
  expect(dbShare).toBeGreaterThan(0.5);
  // The summary speaks of waiting in the database at a crawler.py line, and never of a bare idle.
  const library = store === 'sqlite' ? 'sqlite3' : 'pymongo';
  expect(lateSummary).toMatch(new RegExp(`waiting in ${library} \\S+ at crawler\\.py:\\d+: [\\d.]+% of wall time`));
  expect(lateSummary).not.toMatch(/\(idle\)|starved/);
  // The frontier pick is among what grew most: a next_url line, or the wait at one, in the diff's top three. (Its
  // slower scan also lengthens every other worker's wait for the write lock, so a commit line can grow as much.)
  const [nextFrom, nextTo] = await functionLines(`${className}.next_url`);
  const lineOf = (label: string) => Number(/crawler\.py:(\d+)\)$/.exec(label)?.[1] ?? NaN);
  expect(grown.some((g) => lineOf(g.label) >= nextFrom && lineOf(g.label) <= nextTo && g.selfDelta > 0), JSON.stringify(grown)).toBe(true);
  await crawl.stop();
  await web.close();
}

/** Lines of `Class.method` in crawler.py. */
async function functionLines(qualified: string): Promise<[number, number]> {
  const [cls, method] = qualified.split('.');
  const lines = (await readFile(CRAWLER, 'utf8')).split('\n');
  const classStart = lines.findIndex((l) => l.startsWith(`class ${cls}`));
  const start = lines.findIndex((l, i) => i > classStart && l.startsWith(`    def ${method}(`));
  let end = start + 1;
  while (end < lines.length && (lines[end].startsWith('        ') || lines[end].trim() === '')) end++;
  return [start + 1, end];
}

describe('the hand-written Python crawler, profiled live', () => {
  it.skipIf(!hasPySpy && !process.env.CI).concurrent('on sqlite3: its workers wait in their own database lines, and the frontier pick grows', async () => {
    await profileCrawl('sqlite', 'SqliteStore', 'file');
  }, 90_000);

  it.skipIf(!hasPySpy && !process.env.CI).concurrent('on pymongo against FerretDB: the same, the waits named in pymongo', async () => {
    const url = process.env.CRAWL_DIAG_TEST_MONGO_URL;
    expect(url, 'the vitest global setup starts FerretDB').toBeTruthy();
    const u = new URL(url!);
    u.pathname = `/pycrawl${process.pid}`;
    await profileCrawl('mongo', 'MongoStore', u.toString());
  }, 90_000);
});
