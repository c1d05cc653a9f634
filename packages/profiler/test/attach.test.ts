// Attaching to real, live Node processes by PID: the hot function is found, the target keeps running, the
// inspector we opened is closed again, worker threads are sampled, and unsafe targets are refused untouched.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { attachNode } from '../src/attach/attach-node.js';
import { launchNode } from '../src/launch/launch-node.js';
import { openInspector } from '../src/attach/open-inspector.js';
import { ProfilerError } from '../src/errors.js';
import { toFolded } from '../src/outputs/folded.js';
import { summarizeProfile } from '../src/outputs/summary.js';
import { listeningSocketsOf } from '../src/procfs/listening-sockets.js';
import { processInfo } from '../src/procfs/process-info.js';
import { resolveTargets } from '../src/profile-processes.js';
import { startNode, stopAll } from './live-process.js';

afterAll(stopAll);

/**
 * Share of the busy samples (by count; `(idle)` and `(program)` left out, since how long a process waits depends
 * on how busy the machine is) whose stack contains a frame whose label includes `needle`.
 */
function shareContaining(folded: string, needle: string): number {
  let hit = 0;
  let all = 0;
  for (const line of folded.trim().split('\n')) {
    if (/(^|;)\((idle|program)\) \d+$/.test(line)) continue;
    const n = Number(line.slice(line.lastIndexOf(' ') + 1));
    all += n;
    if (line.includes(needle)) hit += n;
  }
  return all ? hit / all : 0;
}

describe('attachNode', () => {
  it('finds the hot function of a live process, leaves it running and closes the inspector it opened', async () => {
    // --inspect-port=0: this test can run beside others that also open inspectors.
    const target = await startNode('hot-worker.mjs', ['--inspect-port=0']);
    expect(listeningSocketsOf(target.pid)).toEqual([]);
    let openedPort = 0;
    const profile = await attachNode(target.pid, {
      durationMs: 1500,
      onSamplingStarted: ({ endpoint }) => {
        openedPort = endpoint.port;
        expect(endpoint.openedByUs).toBe(true);
      },
    });
    expect(openedPort).toBeGreaterThan(0);

    const folded = toFolded(profile);
    // Every line: stack, a space, a positive count.
    for (const line of folded.trim().split('\n')) expect(line).toMatch(/^\S.* \d+$/);
    expect(shareContaining(folded, 'crawlHotspot (')).toBeGreaterThan(0.5);
    expect(folded).toMatch(/crawlHotspot \(.*hot-worker\.mjs:3\) \d+/);

    const summary = summarizeProfile(profile, { top: 3 });
    expect(summary.topSelf.find((f) => f.label !== '(idle)')?.label).toMatch(/^crawlHotspot \(/);
    // Real time deltas: the weights add up to about the sampled duration, not to samples × 10 ms.
    expect(summary.totalUs / 1000).toBeGreaterThan(1000);
    expect(summary.totalUs / 1000).toBeLessThan(3000);

    expect(target.alive()).toBe(true);
    expect(listeningSocketsOf(target.pid)).toEqual([]);
    // …and it can be attached to again (its inspector really was closed, not left half-open).
    const again = await attachNode(target.pid, { durationMs: 500 });
    expect(again.samples.length).toBeGreaterThan(0);
    expect(listeningSocketsOf(target.pid)).toEqual([]);
    await target.stop();
  });

  it('samples worker threads, each under its own root', async () => {
    const target = await startNode('thread-worker.mjs', ['--inspect-port=0']);
    // Long enough for the worker's session to be attached and started on a busy machine.
    const profile = await attachNode(target.pid, { durationMs: 3000 });
    const folded = toFolded(profile);
    const roots = new Set(folded.trim().split('\n').map((l) => l.split(';')[0].replace(/ \d+$/, '')));
    expect(roots.has('main thread')).toBe(true);
    expect([...roots].some((r) => /^worker 1 .*thread-worker\.mjs$/.test(r))).toBe(true);
    const workerLines = folded.split('\n').filter((l) => l.startsWith('worker 1'));
    expect(workerLines.some((l) => l.includes('threadHotspot ('))).toBe(true);
    // Within the worker's own root, its hot function dominates (the main thread idles meanwhile).
    expect(shareContaining(workerLines.join('\n'), 'threadHotspot (')).toBeGreaterThan(0.5);
    expect(target.alive()).toBe(true);
    expect(listeningSocketsOf(target.pid)).toEqual([]);
    await target.stop();
  });

  it('leaves an inspector that was open before as it was', async () => {
    const target = await startNode('hot-worker.mjs', ['--inspect=127.0.0.1:0']);
    const before = listeningSocketsOf(target.pid);
    expect(before).toHaveLength(1);
    const profile = await attachNode(target.pid, { durationMs: 500, onSamplingStarted: ({ endpoint }) => expect(endpoint.openedByUs).toBe(false) });
    expect(profile.samples.length).toBeGreaterThan(0);
    expect(listeningSocketsOf(target.pid).map((s) => s.port)).toEqual(before.map((s) => s.port));
    await target.stop();
  });

  it('keeps what it collected, with a warning, when the target exits mid-profile', async () => {
    const target = await startNode('hot-worker.mjs', ['--inspect-port=0']);
    const profile = await attachNode(target.pid, {
      durationMs: 30_000,
      chunkMs: 500,
      onSamplingStarted: () => setTimeout(() => target.child.kill('SIGKILL'), 2000),
    });
    expect(profile.durationMs).toBeLessThan(20_000);
    expect(profile.warnings.join('\n')).toMatch(/exited after .* kept the samples collected until then/);
    expect(shareContaining(toFolded(profile), 'crawlHotspot (')).toBeGreaterThan(0.5);
  });
});

describe('refusals', () => {
  it('refuses a process that does not catch SIGUSR1, without signalling it', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const info = { ...processInfo(sleeper.pid!), runtime: 'node' as const }; // pretend, to reach the SigCgt check
      const err = await openInspector(info).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProfilerError);
      expect((err as ProfilerError).code).toBe('signal-not-caught');
      expect((err as ProfilerError).message).toMatch(/does not catch SIGUSR1.*would kill it; nothing was sent/);
      await new Promise((r) => setTimeout(r, 200));
      expect(sleeper.exitCode).toBeNull();
      expect(sleeper.signalCode).toBeNull();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('refuses to open an inspector on a non-loopback address', async () => {
    const target = await startNode('hot-worker.mjs', ['--inspect-port=0.0.0.0:0']);
    const err = await attachNode(target.pid, { durationMs: 500 }).catch((e: unknown) => e);
    expect((err as ProfilerError).code).toBe('non-loopback-inspector');
    expect((err as ProfilerError).message).toMatch(/not on loopback/);
    expect(listeningSocketsOf(target.pid)).toEqual([]);
    expect(target.alive()).toBe(true);
    await target.stop();
  });

  it('reports a fixed inspector port held by another process, and leaves the target alone', async () => {
    const port = await new Promise<number>((res) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => res(p));
      });
    });
    const holder = await startNode('hot-worker.mjs', [`--inspect=127.0.0.1:${port}`]);
    const target = await startNode('hot-worker.mjs', [`--inspect-port=${port}`]);
    const err = await attachNode(target.pid, { durationMs: 500 }).catch((e: unknown) => e);
    expect((err as ProfilerError).code).toBe('inspector-port-taken');
    expect((err as ProfilerError).message).toBe(
      `PID ${target.pid} would open its inspector on port ${port}, but PID ${holder.pid} already listens there (another inspector?); profile one at a time, or start the workers with --inspect-port=0 so each gets its own port`,
    );
    expect(target.alive()).toBe(true);
    await target.stop();
    await holder.stop();
  });

  it('launch mode runs Node programs only', async () => {
    const err = await launchNode(['sleep', '1']).catch((e: unknown) => e);
    expect((err as ProfilerError).code).toBe('launch-failed');
    expect((err as ProfilerError).message).toMatch(/^launch mode runs Node programs: crawl-diag flame -- node app\.js ARGS \('sleep' is not node or a \.js file\)/);
  });

  it('says so when the PID does not exist', async () => {
    const err = await attachNode(2 ** 22 + 12345).catch((e: unknown) => e);
    expect((err as ProfilerError).code).toBe('no-such-process');
  });
});

describe('target selection', () => {
  it('finds processes by command line and skips matches that are neither Node nor Python', async () => {
    const marker = `crawl-diag-match-${process.pid}-${Date.now()}`;
    const node = await startNode('hot-worker.mjs', [], [marker]);
    const sleeper = spawn('sh', ['-c', `sleep 30; : ${marker}`], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const { targets, skipped } = resolveTargets({ match: new RegExp(marker) });
      expect(targets.map((t) => t.pid)).toEqual([node.pid]);
      expect(targets[0].runtime).toBe('node');
      expect(skipped).toEqual([`${sleeper.pid} (sh)`]);
      expect(() => resolveTargets({ match: /no-process-has-this-in-its-command-line-\d{40}/ })).toThrow(/no process command line matches/);
    } finally {
      sleeper.kill('SIGKILL');
      await node.stop();
    }
  });
});
