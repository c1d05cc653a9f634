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
import { summarizeProfile } from '../src/outputs/summary.js';
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
    const profile = await profilePythonPid(py.pid, { durationMs: 1500 });
    expect(profile.source.collector).toBe('py-spy');
    expect(profile.source.processes[0]).toMatchObject({ pid: py.pid, runtime: 'python' });
    const folded = toFolded(profile);
    expect(folded).toMatch(/^<module> \(.*hot-worker\.py:\d+\);python_hotspot \(.*hot-worker\.py:6\) \d+$/m);
    const top = summarizeProfile(profile, { top: 1 }).topSelf[0];
    expect(top.label).toMatch(/^python_hotspot \(/);
    expect(top.selfShare).toBeGreaterThan(0.5);
    expect(py.alive()).toBe(true);
    await py.stop();
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
  });
});
