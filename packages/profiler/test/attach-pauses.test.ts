// What attaching costs a live target with a heap worth walking, as the target itself sees it: V8 walks the whole
// heap when a CpuProfiler's first profile starts, so the chunked sampler must pay that once per attach, not once
// per chunk. The target (a real Node process holding ~150 MB of small objects) records every gap in its 1 ms
// timer together with how long its main thread was on a CPU during the gap; a walk is on-CPU work (~0.2 s here),
// while a busy machine's preemption is not, so counting on-CPU gaps is robust to load.
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { attachNode } from '../src/attach/attach-node.js';
import { agentRecordingOf } from '../src/attach/start-pause.js';
import { AGENT_ENTRY_PATH } from '../src/agent/node-options.js';
import { processInfo } from '../src/procfs/process-info.js';
import { listeningSocketsOf } from '../src/procfs/listening-sockets.js';
import { runCli } from '../../../test-support/run-cli.js';
import { FIXTURES } from './live-process.js';

interface Stall {
  ms: number;
  onCpuMs: number;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

async function bigHeapTarget(heapMb: number, execArgv: string[] = []): Promise<{ pid: number; report: () => Promise<{ stalls: Stall[] }> }> {
  // A port of its own: another test file's target may be opening the default 9229 at the same moment.
  const child = fork(resolve(FIXTURES, 'big-heap-target.mjs'), [String(heapMb)], { execArgv: [...execArgv, '--inspect-port=127.0.0.1:0'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  children.push(child);
  const replies: ((m: { stalls: Stall[] }) => void)[] = [];
  await new Promise((r) => child.once('message', r));
  child.on('message', (m: { stalls: Stall[] }) => replies.shift()?.(m));
  const report = () => new Promise<{ stalls: Stall[] }>((r) => { replies.push(r); child.send('report'); });
  return { pid: child.pid!, report };
}

describe('attaching to a process with a big heap', () => {
  it('walks the heap once per attach, not once per chunk', async () => {
    const target = await bigHeapTarget(150);
    await new Promise((r) => setTimeout(r, 500)); // the build's last collection
    await target.report();

    const profile = await attachNode(target.pid, { durationMs: 2600, chunkMs: 400, rateHz: 200 });
    await new Promise((r) => setTimeout(r, 200));
    const { stalls } = await target.report();

    // Six chunks, five rotations: with a walk per chunk start that is six on-CPU stalls of ~0.2 s each.
    const walks = stalls.filter((s) => s.onCpuMs >= 60);
    expect(profile.samples.length).toBeGreaterThan(50);
    expect(profile.warnings.filter((w) => /code map/.test(w))).toEqual([]);
    // One walk at attach; one more on-CPU stall is allowed for a garbage collection of the same heap.
    expect(walks.length).toBeGreaterThanOrEqual(1);
    expect(walks.length).toBeLessThanOrEqual(2);
  });

  it('crawl-diag flame --pid says what the pause will be, and refuses one over a second unless --yes', async () => {
    // ~800 MB of small objects: an estimated ~1.1 s walk, over the 1 s default.
    const target = await bigHeapTarget(800, ['--max-old-space-size=2048']);
    const out = resolve(tmpdir(), `crawl-diag-big-heap-${process.pid}.folded`);
    const refused = await runCli(['flame', '--pid', String(target.pid), '-d', '1s', '-f', 'folded', '-o', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`PID ${target.pid} has a (8\\d\\d) MB JavaScript heap: .* for up to ~1\\.\\d s .*nothing was profiled and its inspector was closed again\\. Add --yes`));
    expect(refused.stderr).toMatch(/--import @crawl-diag\/profiler\/agent/);
    expect(existsSync(out)).toBe(false);
    expect(listeningSocketsOf(target.pid)).toEqual([]);
    await target.report();

    const accepted = await runCli(['flame', '--pid', String(target.pid), '-d', '1s', '-f', 'folded', '-o', out, '--yes']);
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toMatch(new RegExp(`PID ${target.pid} has a 8\\d\\d MB heap: starting the profiler will hold its event loop once, for up to ~1\\d{3} ms`));
    expect(existsSync(out)).toBe(true);
    rmSync(out);
    // The walk the estimate announced: once, on the target's own CPU time.
    const { stalls } = await target.report();
    expect(stalls.filter((s) => s.onCpuMs >= 300).length).toBe(1);
  });

  it('names the recording of a process that runs the agent, the way to profile it with no pause', async () => {
    const cwd = tmpdir();
    const child = fork(resolve(FIXTURES, 'big-heap-target.mjs'), ['1'], {
      cwd,
      execArgv: ['--import', AGENT_ENTRY_PATH],
      env: { ...process.env, CRAWL_DIAG_PROFILE_DIR: 'prof-here', CRAWL_DIAG_PROFILE_WINDOW: '1m' },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    children.push(child);
    await new Promise((r) => child.once('message', r));
    expect(agentRecordingOf(processInfo(child.pid!))).toBe(resolve(cwd, 'prof-here'));
    // The same program without the agent: nothing to read.
    const plain = await bigHeapTarget(1);
    expect(agentRecordingOf(processInfo(plain.pid))).toBeUndefined();
    rmSync(resolve(cwd, 'prof-here'), { recursive: true, force: true });
  });
});
