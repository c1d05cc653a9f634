// Where a Node worker waits, from the agent's recording of a real process: a worker awaiting a FerretDB query on a
// growing unindexed collection (the official mongodb driver), a slow loopback HTTP server (fetch and node:http) and
// a politeness timer. At least half of its wall time sits under the awaiting call sites, named by file:line, and
// `flame diff` between the first and the last seconds names the MongoDB wait that grew.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNodeOptions } from '../src/agent/node-options.js';
import { loadRecordingRange } from '../src/recording/load-range.js';
import { frameTimes } from '../src/frame-times.js';
import { formatSummary, summarizeProfile } from '../src/outputs/summary.js';
import { runCli } from '../../../test-support/run-cli.js';
import { runNode, type ChildRun } from './agent-test-support.js';

const WORKER = resolve(import.meta.dirname, 'fixtures', 'wait-worker.mjs');
const HTTP_WAITER = resolve(import.meta.dirname, 'fixtures', 'http-waiter.mjs');
let server: Server;
let page: string;
let dir: string;
let run: ChildRun;
/** Offset (whole seconds) of the worker's first crawl round from its recording's first window: start-up before. */
let crawlFrom: number;
const range = (from: number, to: number) => `${dir}@${crawlFrom + from}s..${crawlFrom + to}s`;

/** The line of the first source line containing `text` in the worker. */
async function lineOf(text: string): Promise<number> {
  return lineOfIn(WORKER, text);
}

async function lineOfIn(file: string, text: string): Promise<number> {
  return (await readFile(file, 'utf8')).split('\n').findIndex((l) => l.includes(text)) + 1;
}

beforeAll(async () => {
  // A slow site: every page takes 200 ms.
  server = createServer((_req, res) => setTimeout(() => res.end('<html>slow</html>'), 200));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  page = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;
  const mongo = new URL(process.env.CRAWL_DIAG_TEST_MONGO_URL!);
  mongo.pathname = `/waits${process.pid}`;
  dir = await mkdtemp(join(tmpdir(), 'crawl-diag-waits-'));
  const { execArgv, env } = agentNodeOptions(dir, 'worker', { window: '1s' });
  run = await runNode([...execArgv, WORKER, mongo.toString(), page, '7000'], { env, timeoutMs: 60_000 });
  // On a busy machine start-up (module loading, the driver's handshake) can take seconds: ranges start after it.
  const crawlingMs = Number(/crawling (\d+)/.exec(run.stdout)?.[1]);
  crawlFrom = Math.ceil((crawlingMs - (await loadRecordingRange(dir)).startTimeMs) / 1000);
}, 70_000);

afterAll(async () => {
  server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Node waits in the agent', () => {
  it('puts at least half of the worker\'s wall time under the awaiting call sites, by file:line', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('done');
    // From the first crawl round on: the windows before hold the process's start-up.
    const profile = await loadRecordingRange(range(0, 7));
    const times = frameTimes(profile);
    const waits = [...times.frames.values()].filter((f) => f.kind === 'wait');
    const summary = formatSummary(summarizeProfile(profile), profile);
    process.stderr.write(`[node waits] ${(100 * times.waitUs / times.totalUs).toFixed(1)}% of wall time waiting\n${summary.split('\n').filter((l) => l.includes('waiting')).join('\n')}\n`);
    expect(times.waitUs / times.totalUs).toBeGreaterThan(0.5);
    const find = waits.find((w) => w.name === `mongodb find waits${process.pid}.frontier`);
    expect(find, waits.map((w) => w.label).join('\n')).toBeDefined();
    expect(find).toMatchObject({ file: WORKER, line: await lineOf('frontier.findOne('), library: 'mongodb' });
    expect(waits.find((w) => w.name.startsWith('undici GET 127.0.0.1:'))).toMatchObject({ file: WORKER, line: await lineOf('await fetch(pageUrl)') });
    // node:http: the line that made the request, inside httpGet (crawlRound's `await httpGet(…)` is below it).
    expect(waits.find((w) => w.name.startsWith('http GET 127.0.0.1'))).toMatchObject({ file: WORKER, line: await lineOf('get(url, (res)') });
    expect(waits.find((w) => w.name === 'timer setTimeout')).toMatchObject({ file: WORKER, line: await lineOf('await sleep(50)') });
    // The wait sits under the awaiting function: crawlRound is the frame right below it.
    expect(profile.samples.some((s) => {
      const leaf = profile.frames[s.stack[s.stack.length - 1]];
      const parent = profile.frames[s.stack[s.stack.length - 2]];
      return leaf.kind === 'wait' && leaf.name.startsWith('mongodb find') && parent?.name === 'crawlRound';
    })).toBe(true);
    expect(summary).toMatch(/waiting in mongodb find \S+\.frontier at wait-worker\.mjs:\d+: [\d.]+% of wall time/);
  });

  it('flame diff between early and late seconds names the MongoDB wait that grew', async () => {
    const r = await runCli(['flame', 'diff', range(0, 2), range(4, 7), '--json', '--top', '3'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const grown = (JSON.parse(r.stdout) as { grown: { label: string; selfDelta: number }[] }).grown;
    process.stderr.write(`[node waits] grew most: ${grown.map((g) => `${g.label} +${(100 * g.selfDelta).toFixed(1)}%`).join(', ')}\n`);
    expect(grown[0].label).toBe(`(wait) mongodb find waits${process.pid}.frontier (${WORKER}:${await lineOf('frontier.findOne(')})`);
  });

  it('flame timeline charts the wait frame over the crawl: its share grew', async () => {
    // The windows wholly inside the crawl rounds: from the first round's window to the one ending before the run
    // time is up. The windows before hold the start-up; the last round runs past the run time, and the window after
    // it holds the tail of a round, the driver's close and the exit (as long as a whole window, or nearly: not
    // always marked partial, and with or without a find in it).
    const r = await runCli(['flame', 'timeline', range(0, 6), '--frame', '(wait) mongodb find', '--json'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as { verdict: string; first: number; last: number; points: { share: number; partial: boolean }[] };
    process.stderr.write(`[node waits] timeline: ${t.points.map((p) => (100 * p.share).toFixed(0)).join(' ')} (%), ${t.verdict}\n`);
    const shares = t.points.filter((p) => !p.partial).map((p) => p.share);
    expect(shares.length).toBeGreaterThanOrEqual(5);
    // The first third of the crawl against the last (the flame diff's ranges): the frontier grows quadratically,
    // so its scan goes from a few ms to as long as the rest of the round.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const third = Math.floor(shares.length / 3);
    const [early, late] = [mean(shares.slice(0, third)), mean(shares.slice(-third))];
    process.stderr.write(`[node waits] timeline: first third ${(100 * early).toFixed(1)}%, last third ${(100 * late).toFixed(1)}%\n`);
    expect(late).toBeGreaterThan(early + 0.05);
    expect(t.verdict).toBe('grew');
  });
});

/** A worker waiting on a slow site, with or without the agent; resolves once it fetched its first page. */
async function startHttpWaiter(agent: { dir: string; window?: string } | undefined, url = page) {
  const opts = agent ? agentNodeOptions(agent.dir, 'waiter', { window: agent.window }) : { execArgv: [], env: {} };
  const child = spawn(process.execPath, [...opts.execArgv, HTTP_WAITER, url], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      if (/crawling \d+/.test(out)) ready();
    });
    child.once('exit', (code) => fail(new Error(`http-waiter exited ${code}`)));
  });
  return { child, pid: child.pid!, crawlingMs: Number(/crawling (\d+)/.exec(out)![1]), kill: () => child.kill('SIGKILL') };
}

describe('Node waits on a slow site, in the agent', () => {
  it('puts at least half of the time under the awaiting fetch line, and flame diff names that wait when the site slows', async () => {
    // 20 ms a page for the first 3 s of the crawl, then 150 ms.
    let firstMs: number | undefined;
    const slowing = createServer((_req, res) => {
      firstMs ??= Date.now();
      setTimeout(() => res.end('<html>page</html>'), Date.now() - firstMs < 3000 ? 20 : 150);
    });
    await new Promise<void>((r) => slowing.listen(0, '127.0.0.1', r));
    const recording = await mkdtemp(join(tmpdir(), 'crawl-diag-slowing-'));
    try {
      const waiter = await startHttpWaiter({ dir: recording, window: '1s' }, `http://127.0.0.1:${(slowing.address() as AddressInfo).port}/`);
      // Two seconds past the last window used (from + 6 s), so it has been written before the worker is killed.
      await new Promise((r) => setTimeout(r, 8000));
      waiter.kill();
      await new Promise((r) => setTimeout(r, 200));
      const from = Math.ceil((waiter.crawlingMs - (await loadRecordingRange(recording)).startTimeMs) / 1000);
      const at = (a: number, b: number) => `${recording}@${from + a}s..${from + b}s`;
      const site = { file: HTTP_WAITER, line: await lineOfIn(HTTP_WAITER, 'await (await fetch(pageUrl))') };
      const late = frameTimes(await loadRecordingRange(at(4, 6)));
      const fetchWait = [...late.frames.values()].find((f) => f.kind === 'wait' && f.name.startsWith('undici GET 127.0.0.1:'));
      expect(fetchWait, [...late.frames.values()].map((f) => f.label).join('\n')).toMatchObject(site);
      process.stderr.write(`[node waits] slow site, late: ${(100 * fetchWait!.selfUs / late.totalUs).toFixed(1)}% under ${fetchWait!.label}\n`);
      expect(fetchWait!.selfUs / late.totalUs).toBeGreaterThan(0.5);
      const r = await runCli(['flame', 'diff', at(0, 2), at(4, 6), '--json', '--top', '3'], { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      const grown = (JSON.parse(r.stdout) as { grown: { label: string; selfDelta: number }[] }).grown;
      process.stderr.write(`[node waits] slow site grew most: ${grown.map((g) => `${g.label} +${(100 * g.selfDelta).toFixed(1)}%`).join(', ')}\n`);
      expect(grown[0].label).toBe(fetchWait!.label);
    } finally {
      slowing.close();
      await rm(recording, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('Node waits through flame --pid', () => {
  it('says the waits are not visible without the agent, rather than a bare (idle), and points at the recording with it', async () => {
    const plain = await startHttpWaiter(undefined);
    const recording = await mkdtemp(join(tmpdir(), 'crawl-diag-waiter-'));
    const withAgent = await startHttpWaiter({ dir: recording });
    try {
      const r = await runCli(['flame', '--pid', String(plain.pid), '-d', '1500ms', '-f', 'folded', '-o', '-'], { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/\(idle\) [\d.]+%: waits not visible: load the agent/);
      expect(r.stderr).not.toMatch(/it is starved, not slow/);
      const a = await runCli(['flame', '--pid', String(withAgent.pid), '-d', '1500ms', '-f', 'folded', '-o', '-'], { timeoutMs: 30_000 });
      expect(a.code, a.stderr).toBe(0);
      expect(a.stderr).toContain(`note: PID ${withAgent.pid} runs the crawl-diag agent: where it waits is in its recording, crawl-diag flame ${recording}@`);
    } finally {
      plain.kill();
      withAgent.kill();
      await rm(recording, { recursive: true, force: true });
    }
  }, 60_000);
});
