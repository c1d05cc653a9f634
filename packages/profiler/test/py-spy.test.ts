// Python processes through py-spy: a real Python process with a known hot function, and the errors an
// operator meets when py-spy is missing or may not ptrace the target (py-spy run as user nobody against a
// root-owned process: a real ptrace refusal, no simulation).
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfilerError } from '../src/errors.js';
import { toFolded } from '../src/outputs/folded.js';
import { frameTimes } from '../src/frame-times.js';
import { profilePythonPid, parsePySpyFrame } from '../src/python/py-spy.js';
import { FIXTURES, startReady, stopAll } from './live-process.js';

afterAll(stopAll);

function havePySpy(): boolean {
  try {
    execFileSync('py-spy', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('py-spy collector', () => {
  // CI installs py-spy (.ci/run); a developer machine without it skips, saying why.
  it.skipIf(!havePySpy() && !process.env.CI)('profiles a live Python process: its hot function dominates', async () => {
    const py = await startReady('python3', ['-u', resolve(FIXTURES, 'hot-worker.py')]);
    const [byLine, byFunction] = await Promise.all([
      profilePythonPid(py.pid, { durationMs: 1500 }),
      profilePythonPid(py.pid, { durationMs: 1500, aggregate: 'function' }),
    ]);
    expect(byLine.source.collector).toBe('py-spy');
    expect(byLine.source.processes[0]).toMatchObject({ pid: py.pid, runtime: 'python' });
    // By line: the loop's lines (8, 9), not the function's first line; by function: all merged into line 6.
    expect(toFolded(byLine)).toMatch(/^<module> \(.*hot-worker\.py:\d+\);python_hotspot \(.*hot-worker\.py:[89]\) \d+$/m);
    expect(toFolded(byLine)).not.toMatch(/python_hotspot \(.*hot-worker\.py:6\)/);
    expect(toFolded(byFunction)).toMatch(/^<module> \(.*hot-worker\.py:\d+\);python_hotspot \(.*hot-worker\.py:6\) \d+$/m);
    // The hot function is all CPU. It alternates with 1 ms sleeps, faster than py-spy reads a thread's state and then
    // its stack on a loaded machine, so some of its samples carry the sleep's state: 18% seen at load 17. It must
    // still read as mostly running.
    const hot = [...frameTimes(byFunction).frames.values()].find((f) => f.name === 'python_hotspot')!;
    expect(hot.totalUs).toBeGreaterThan(0);
    expect(hot.totalWaitUs / hot.totalUs).toBeLessThan(0.5);
    // py-spy's own cost is reported. (Whether its 1 ms sleeps read as waiting depends on the machine's load: a
    // thread woken from them waits for a CPU in state R; the split is checked on 200 ms phases below.)
    expect(byLine.notes?.join('\n')).toMatch(/py-spy used \d+ ms of CPU over [\d.]+ s on PID \d+ \([\d.]+% of one core, two samplers\)/);
    expect(py.alive()).toBe(true);
    await py.stop();
  });

  // The split's error, measured on a program whose truth is known: 200 ms on CPU in work(), 200 ms asleep.
  it.skipIf(!havePySpy() && !process.env.CI)('splits CPU from waiting within a few points of the truth', async () => {
    const py = await startReady('python3', ['-u', resolve(FIXTURES, 'work-then-wait.py')]);
    const profile = await profilePythonPid(py.pid, { durationMs: 3000 });
    await py.stop();
    const frames = [...frameTimes(profile).frames.values()];
    const work = frames.filter((f) => f.kind === 'js' && f.name === 'work');
    const workWall = work.reduce((s, f) => s + f.totalUs, 0);
    const workCpu = work.reduce((s, f) => s + f.selfCpuUs, 0);
    const sleep = frames.find((f) => f.kind === 'wait' && f.name === 'time sleep')!;
    const sleepLine = frames.find((f) => f.kind === 'js' && f.name === '<module>' && f.line === sleep.line)!;
    // work() runs all its time (on a CPU or ready for one): at most 15% of it may be called waiting. The sleep line
    // waits, except that on a loaded machine a thread woken from its sleep may wait for a CPU (state R) for a while
    // (86.6% waiting seen at load 17).
    expect(workCpu / workWall).toBeGreaterThan(0.85);
    expect(sleepLine.selfWaitUs / sleepLine.totalUs).toBeGreaterThan(0.6);
    expect(sleep.line).toBe(17);
    process.stderr.write(`[split error] work() CPU ${((100 * workCpu) / workWall).toFixed(1)}% of its wall time (truth 100%); sleep line waiting ${((100 * sleepLine.selfWaitUs) / sleepLine.totalUs).toFixed(1)}% (truth 100%)\n`);
  });

  it('says to pip install py-spy when it is missing', async () => {
    const py = await startReady('python3', ['-u', resolve(FIXTURES, 'hot-worker.py')]);
    const err = await profilePythonPid(py.pid, { durationMs: 500, pySpy: '/nonexistent/py-spy' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfilerError);
    expect((err as ProfilerError).message).toBe(`PID ${py.pid} is a Python process and py-spy is not installed: pip install py-spy`);
    await py.stop();
  });

  const canDropPrivileges = process.getuid?.() === 0 && havePySpy() && (() => {
    try {
      execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  // Needs root (to drop to nobody) and setpriv; elsewhere the refusal cannot be staged.
  it.skipIf(!canDropPrivileges)('names the missing ptrace permission when py-spy is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crawl-diag-ptrace-'));
    try {
      await chmod(dir, 0o755);
      // The binary itself (pyenv installs a shell shim in front of it), copied where nobody can execute it.
      const binary = execFileSync('sh', ['-c', 'pyenv which py-spy 2>/dev/null || readlink -f "$(command -v py-spy)"'], { encoding: 'utf8' }).trim();
      await copyFile(binary, join(dir, 'py-spy-bin'));
      await chmod(join(dir, 'py-spy-bin'), 0o755);
      const wrapper = join(dir, 'py-spy-as-nobody');
      await writeFile(wrapper, `#!/bin/sh\ncd /\nexec setpriv --reuid=65534 --regid=65534 --clear-groups ${join(dir, 'py-spy-bin')} "$@"\n`, { mode: 0o755 });
      const py = await startReady('python3', ['-u', resolve(FIXTURES, 'hot-worker.py')]);
      const err = await profilePythonPid(py.pid, { durationMs: 1000, pySpy: wrapper }).catch((e: unknown) => e);
      expect((err as ProfilerError).code).toBe('ptrace-denied');
      expect((err as ProfilerError).message).toMatch(/^py-spy was denied ptrace access \(.*\): run crawl-diag as root, or grant CAP_SYS_PTRACE/);
      expect(py.alive()).toBe(true);
      await py.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parses py-spy frames into the model', () => {
    expect(parsePySpyFrame('fetch (/srv/crawler/fetch.py:42)')).toEqual({ name: 'fetch', file: '/srv/crawler/fetch.py', line: 42, kind: 'js' });
    expect(parsePySpyFrame('<module> (app.py:1)')).toMatchObject({ name: '<module>', line: 1 });
    expect(parsePySpyFrame('receive_data (/usr/lib/python3/dist-packages/pymongo/network_layer.py:301)')).toMatchObject({ library: 'pymongo', line: 301 });
    expect(parsePySpyFrame('readinto (/root/.pyenv/versions/3.11.7/lib/python3.11/socket.py:706)')).toMatchObject({ library: 'socket' });
    expect(parsePySpyFrame('thread (4242): MainThread')).toEqual({ name: 'thread (4242): MainThread', kind: 'thread' });
    expect(parsePySpyFrame('process 4242:"python3 crawler.py --workers 4"')).toMatchObject({ kind: 'process' });
  });
});
