// Doctor's live profiles and the pause starting V8's profiler costs a process with a big heap (a walk of the whole
// heap, once per attach, and doctor attaches at the start and at the end of its window): it says the pause before
// it happens, and leaves alone a process whose pause would be longer than allowed, as crawl-diag flame --pid does.
// The target is a real Node process holding ~100 MB of small objects (an estimated ~140 ms pause).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningSocketsOf } from '@crawl-diag/profiler';
import { gatherEvidence } from '../src/collect/evidence.js';

const HEAP_TARGET = `
const frontier = [];
while (process.memoryUsage().heapUsed < 100 * 2 ** 20) {
  const chunk = new Array(100000);
  for (let i = 0; i < chunk.length; i++) chunk[i] = { id: i, depth: i & 7 };
  frontier.push(chunk);
}
setInterval(() => frontier.length, 5);
process.stdout.write('ready');
`;

let target: ChildProcess;
beforeAll(async () => {
  // A port of its own: another test file's target may be opening the default 9229 at the same moment.
  target = spawn(process.execPath, ['--inspect-port=127.0.0.1:0', '-e', HEAP_TARGET], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((r) => target.stdout!.once('data', r));
});
afterAll(() => {
  target.kill('SIGKILL');
});

describe('doctor live profiles of a process with a big heap', () => {
  it('refuses one whose start-up pause is over the limit: said before, named in the warnings, not attached again', async () => {
    const pid = target.pid!;
    const progress: string[] = [];
    const evidence = await gatherEvidence({ pids: [pid], durationMs: 1500, profileMs: 300, maxPauseMs: 50, onProgress: (l) => progress.push(l) });

    const refusals = evidence.warnings.filter((w) => /JavaScript heap/.test(w));
    // Once, at the start: the end of the window does not open the inspector again.
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(new RegExp(`^could not profile PID ${pid}: PID ${pid} has a \\d+ MB JavaScript heap: .*more than the 0\\.1 s allowed; nothing was profiled and its inspector was closed again\\. Add --yes`));
    expect(refusals[0]).toMatch(/--import @crawl-diag\/profiler\/agent/);
    expect(progress.filter((l) => l.startsWith(`doctor: not profiling PID ${pid}: `))).toHaveLength(1);
    expect(evidence.profiles).toBeUndefined();
    expect(evidence.proc).toBeDefined();
    expect(listeningSocketsOf(pid)).toEqual([]);
  });

  it('without a limit, says the pause once, before the first attach, and profiles at both ends', async () => {
    const pid = target.pid!;
    const progress: string[] = [];
    const evidence = await gatherEvidence({ pids: [pid], durationMs: 1500, profileMs: 300, onProgress: (l) => progress.push(l) });

    const told = progress.filter((l) => /starting the profiler will hold its event loop/.test(l));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(new RegExp(`^doctor: PID ${pid} has a \\d+ MB heap: starting the profiler will hold its event loop 2 times, for up to ~\\d+ ms each`));
    // Told before the profiles were taken, after the window was announced.
    expect(progress.indexOf(told[0])).toBeGreaterThan(progress.findIndex((l) => /at the start/.test(l)));
    expect(evidence.warnings.filter((w) => /could not profile/.test(w))).toEqual([]);
    expect(evidence.profiles).toBeDefined();
    expect(listeningSocketsOf(pid)).toEqual([]);
  });
});
