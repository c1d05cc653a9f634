// Recording ranges: `DIR@FROM..TO` by offsets, clock and ISO times, `--process`, and the merged Profile they give.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecordingRange, selectWindows } from '../src/recording/load-range.js';
import { listRecording } from '../src/recording/list-windows.js';
import { loopStalls } from '../src/recording/loop-stalls.js';
import { parseRecordingSpec, resolveRange } from '../src/recording/range-spec.js';
import { formatWindowFileName, parseWindowFileName } from '../src/recording/window-file-name.js';
import { parseDurationMs } from '../src/recording/duration.js';
import { agentNodeOptions } from '../src/agent/node-options.js';
import { runNode, WORKLOAD } from './agent-test-support.js';

describe('range specs', () => {
  const start = Date.UTC(2026, 10, 27, 14, 0, 0);

  it('reads offsets from the recording start, open on either side', () => {
    expect(resolveRange(parseRecordingSpec('rec@5m..10m'), start)).toEqual({ fromMs: start + 300_000, toMs: start + 600_000 });
    expect(resolveRange(parseRecordingSpec('rec@..5m'), start)).toEqual({ fromMs: -Infinity, toMs: start + 300_000 });
    expect(resolveRange(parseRecordingSpec('rec@50m..'), start)).toEqual({ fromMs: start + 3_000_000, toMs: Infinity });
    expect(parseDurationMs('1h30m')).toBe(5_400_000);
    expect(parseDurationMs('500ms')).toBe(500);
  });

  it('reads local clock times on the recording day, and ISO times', () => {
    const localStart = new Date(2026, 10, 27, 14, 10, 0).getTime();
    const r = resolveRange(parseRecordingSpec('rec@14:30..14:35:30'), localStart);
    expect(r.fromMs).toBe(new Date(2026, 10, 27, 14, 30, 0).getTime());
    expect(r.toMs).toBe(new Date(2026, 10, 27, 14, 35, 30).getTime());
    const iso = resolveRange(parseRecordingSpec('rec@2026-11-27T14:30:00Z..2026-11-27T14:31:00Z'), start);
    expect(iso).toEqual({ fromMs: Date.UTC(2026, 10, 27, 14, 30), toMs: Date.UTC(2026, 10, 27, 14, 31) });
  });

  it('rejects ranges it cannot read, and ranges that end before they start, with a hint', () => {
    expect(() => parseRecordingSpec('rec@soon..later')).toThrow(/cannot read 'soon'.*offset from the recording's start/);
    expect(() => parseRecordingSpec('rec@5m')).toThrow(/has no '\.\.'/);
    expect(() => resolveRange(parseRecordingSpec('rec@10m..5m'), start)).toThrow(/ends before it starts/);
  });

  it('names window files so they parse back, milliseconds included', () => {
    const name = formatWindowFileName({ kind: 'worker-2', pid: 4242, startMs: Date.UTC(2026, 10, 27, 0, 15, 0, 250), profileType: 'wall' });
    expect(name).toBe('worker-2-4242-20261127T001500.250Z.pb.gz');
    expect(parseWindowFileName(name)).toEqual({ kind: 'worker-2', pid: 4242, startMs: Date.UTC(2026, 10, 27, 0, 15, 0, 250), profileType: 'wall' });
    expect(parseWindowFileName('.worker-1-20261127T001500.000Z.pb.gz.1.tmp')).toBeUndefined();
  });
});

describe('a recording of two processes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crawl-diag-rec-'));
    const spawnKind = (kind: string, ms: number) => {
      const { execArgv, env } = agentNodeOptions(dir, kind, { window: '500ms' });
      return runNode([...execArgv, WORKLOAD, String(ms)], { env });
    };
    const runs = await Promise.all([spawnKind('worker', 3000), spawnKind('dispatcher', 3000)]);
    for (const r of runs) expect(r.code).toBe(0);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a range as one profile with a root frame per process', async () => {
    const all = await loadRecordingRange(dir);
    const roots = new Set(all.samples.map((s) => all.frames[s.stack[0]]));
    expect([...roots].every((f) => f.kind === 'process')).toBe(true);
    expect([...roots].map((f) => f.name.replace(/ \d+$/, '')).sort()).toEqual(['dispatcher', 'worker']);
    expect(all.source.processes).toHaveLength(2);
    // Each process ran ~3 s: the merged profile accounts for about twice that, idle included.
    const totalMs = all.samples.reduce((s, x) => s + x.weightUs, 0) / 1000;
    expect(totalMs).toBeGreaterThan(5000);
    expect(totalMs).toBeLessThan(9000);
  });

  it('narrows to a process kind or a PID with --process', async () => {
    const worker = await loadRecordingRange(dir, { process: 'worker' });
    expect(worker.source.processes).toHaveLength(1);
    const pid = worker.source.processes[0].pid;
    const byPid = await loadRecordingRange(dir, { process: String(pid) });
    expect(byPid.samples.length).toBe(worker.samples.length);
    await expect(loadRecordingRange(dir, { process: 'supervisor' })).rejects.toThrow(/--process supervisor matches no process.*kinds: (dispatcher, worker|worker, dispatcher)/);
  });

  it('selects the windows that start inside the range, early and late halves apart', async () => {
    const all = await selectWindows(dir, { process: 'worker' });
    // The two processes start at slightly different times; cut just after the worker's first window began.
    const cut = all.windows[0].startMs - all.recording.startMs + 300;
    const early = await selectWindows(`${dir}@..${cut}ms`, { process: 'worker' });
    const late = await selectWindows(`${dir}@${cut}ms..`, { process: 'worker' });
    expect(early.windows.length + late.windows.length).toBe(all.windows.length);
    expect(early.windows.every((w) => w.startMs < all.recording.startMs + cut)).toBe(true);
    expect(late.windows.every((w) => w.startMs >= all.recording.startMs + cut)).toBe(true);
    const earlyProfile = await loadRecordingRange(`${dir}@..${cut}ms`, { process: 'worker' });
    const names = new Set(earlyProfile.frames.map((f) => f.name));
    expect(names.has('hashLoop')).toBe(true);
    expect(names.has('scanGrowingArray')).toBe(false);
  });

  it('says where the recording lies when a range holds no windows', async () => {
    await expect(loadRecordingRange(`${dir}@1h..2h`)).rejects.toThrow(/no windows in .* for range '1h\.\.2h'.*spans/);
  });

  it('rejects a directory without windows and a missing one', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'crawl-diag-rec-empty-'));
    await writeFile(join(empty, 'notes.txt'), 'x');
    await expect(loadRecordingRange(empty)).rejects.toThrow(/holds no profile windows/);
    await rm(empty, { recursive: true });
    await expect(loadRecordingRange(join(empty, 'gone@..5m'))).rejects.toThrow(/cannot read recording directory/);
  });
});

describe('a process whose event loop was blocked', () => {
  let dir: string;
  let blockFrom = 0;
  let blockTo = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crawl-diag-rec-blocked-'));
    // Runs on a timer for a while, then blocks its loop for 3 s (as a dispatcher saturated by a synchronous query
    // does), then runs on a timer again: the agent's 500 ms rotation cannot fire during the block.
    const script = [
      'const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };',
      'const tick = (n, then) => n === 0 ? then() : setTimeout(() => { spin(20); tick(n - 1, then); }, 50);',
      'tick(40, () => { const from = Date.now(); spin(3000); console.log(`blocked ${from} ${Date.now()}`); tick(20, () => {}); });',
    ].join('\n');
    const { execArgv, env } = agentNodeOptions(dir, 'dispatcher', { window: '500ms' });
    const run = await runNode([...execArgv, '--input-type=module', '-e', script], { env });
    expect(run.code, run.stderr).toBe(0);
    const m = /blocked (\d+) (\d+)/.exec(run.stdout);
    expect(m, run.stdout).not.toBeNull();
    blockFrom = Number(m![1]);
    blockTo = Number(m![2]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('selects the stretched window for a range inside the block, where no window starts', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const spec = `${dir}@${iso(blockFrom + 200)}..${iso(blockTo - 100)}`;
    const all = await selectWindows(dir);
    // No window starts inside the block: the rotation timer could not fire.
    expect(all.windows.filter((w) => w.startMs >= blockFrom + 200 && w.startMs < blockTo - 100)).toEqual([]);
    const { windows } = await selectWindows(spec);
    expect(windows).toHaveLength(1);
    expect(windows[0].startMs).toBeLessThanOrEqual(blockFrom + 200);
    const profile = await loadRecordingRange(spec);
    expect(profile.frames.some((f) => f.name === 'spin')).toBe(true);
  });

  it('reads the stall from the window lengths alone: one stretched window, about as long as the block', async () => {
    const recording = await listRecording(dir);
    const [stalls] = loopStalls(recording);
    expect(stalls).toMatchObject({ kind: 'dispatcher', processes: 1 });
    expect(stalls!.stretched).toBeGreaterThanOrEqual(1); // the block's (a loaded machine can stretch others a little)
    // The 3 s block stretched one 500 ms window: the stall (its length minus the typical one) is the block, give or
    // take a window (the block can start anywhere inside the window it stretched).
    expect(stalls!.maxMs).toBeGreaterThan(blockTo - blockFrom - 600);
    expect(stalls!.maxMs).toBeLessThan(blockTo - blockFrom + 600);
    expect(stalls!.totalMs).toBeGreaterThanOrEqual(stalls!.maxMs);
    // A range well before the block holds no stall anywhere near it.
    const before = loopStalls(recording, recording.startMs, blockFrom - 700)[0];
    expect(before?.windows).toBeGreaterThanOrEqual(1);
    expect(before!.maxMs).toBeLessThan(1000);
  });

  it('still selects ordinary windows by their start only', async () => {
    const all = await selectWindows(dir);
    const ordinary = all.windows.find((w, i) => i > 0 && i < all.windows.length - 1 && w.startMs + 500 < blockFrom);
    expect(ordinary).toBeDefined();
    // A range that starts just after an ordinary window began and ends before the next one begins overlaps most of
    // that window but selects nothing: only windows stretched past 1.5× the typical length are taken by overlap.
    const at = (ms: number) => new Date(ordinary!.startMs + ms).toISOString();
    await expect(selectWindows(`${dir}@${at(100)}..${at(450)}`)).rejects.toThrow(/no windows in/);
  });
});
