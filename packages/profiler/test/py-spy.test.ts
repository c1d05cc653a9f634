// Python processes through py-spy: a real Python process with a known hot function, and the errors an
// operator meets when py-spy is missing. (We run as root here, so ptrace is allowed; the ptrace-denied message
// is only checked for its wording through the unit below, since denying ptrace needs a second user.)
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
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

  it('parses py-spy frames into the model', () => {
    expect(parsePySpyFrame('fetch (/srv/crawler/fetch.py:42)')).toEqual({ name: 'fetch', file: '/srv/crawler/fetch.py', line: 42, kind: 'js' });
    expect(parsePySpyFrame('<module> (app.py:1)')).toMatchObject({ name: '<module>', line: 1 });
  });
});
