// Wait frames through the model: every reader gives back what every writer wrote, a frame's time splits into CPU
// and waiting, the summary speaks of waiting (never a bare idle), and a diff names the wait that grew.
import { gunzipSync } from 'node:zlib';
import { Profile as PprofProfile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../src/model.js';
import { ProfileBuilder } from '../src/profile-builder.js';
import { frameTimes } from '../src/frame-times.js';
import { diffProfiles, topGrown } from '../src/diff/diff-profiles.js';
import { formatDiffTable } from '../src/diff/diff-table.js';
import { parseFoldedFrame } from '../src/inputs/load-profile-input.js';
import { readPprof } from '../src/inputs/pprof.js';
import { addCpuProfile } from '../src/v8-cpuprofile.js';
import { toCpuProfile } from '../src/outputs/cpuprofile.js';
import { frameLabel, waitFrame } from '../src/outputs/frame-label.js';
import { toFolded } from '../src/outputs/folded.js';
import { toPprof } from '../src/outputs/pprof.js';
import { toSpeedscope } from '../src/outputs/speedscope.js';
import { formatSummary, summarizeProfile } from '../src/outputs/summary.js';

/**
 * A Python worker by line: `worker (crawler.py:40)` scans the frontier on CPU (`scan` samples), and at line 46
 * runs on CPU for 1 sample and waits in sqlite3 for `wait` samples; a Node-style wait under `fetch (w.js:9)`.
 */
function worker(scan: number, wait: number): Profile {
  const b = new ProfileBuilder();
  const main = b.frameId({ name: '<module>', file: '/app/crawler.py', line: 90, kind: 'js' });
  const scanLine = b.frameId({ name: 'worker', file: '/app/crawler.py', line: 40, kind: 'js' });
  const commitLine = b.frameId({ name: 'worker', file: '/app/crawler.py', line: 46, kind: 'js' });
  const blocked = b.frameId(waitFrame('sqlite3', { file: '/app/crawler.py', line: 46 }));
  const fetch = b.frameId({ name: 'fetch', file: '/app/w.js', line: 9, kind: 'js' });
  const http = b.frameId(waitFrame('http GET 127.0.0.1:8080', { file: '/app/w.js', line: 12 }));
  const add = (stack: number[], n: number) => n > 0 && b.addSample({ stack, weightUs: n * 10_000, count: n });
  add([main, scanLine], scan);
  add([main, commitLine], 1);
  add([main, commitLine, blocked], wait);
  add([main, fetch, http], 2);
  return b.build({ startTimeMs: 0, durationMs: 1000, intervalUs: 10_000, collector: 'py-spy', processes: [{ pid: 1, runtime: 'python', label: 'python3 1 crawler.py' }] });
}

describe('wait frames', () => {
  it('are labelled (wait) what (file:line) and read back from folded stacks', () => {
    const f = waitFrame('mongodb find crawl.frontier', { file: '/app/worker.js', line: 33 });
    expect(f).toEqual({ name: 'mongodb find crawl.frontier', kind: 'wait', library: 'mongodb', file: '/app/worker.js', line: 33 });
    expect(frameLabel(f)).toBe('(wait) mongodb find crawl.frontier (/app/worker.js:33)');
    expect(parseFoldedFrame(frameLabel(f))).toEqual(f);
    expect(parseFoldedFrame('(wait) timer')).toEqual({ name: 'timer', kind: 'wait', library: 'timer' });
    expect(parseFoldedFrame('worker (/app/crawler.py:46)')).toEqual({ name: 'worker', kind: 'js', file: '/app/crawler.py', line: 46 });
    const folded = toFolded(worker(3, 5));
    expect(folded).toContain('<module> (/app/crawler.py:90);worker (/app/crawler.py:46);(wait) sqlite3 (/app/crawler.py:46) 5\n');
  });

  it('survive pprof and .cpuprofile round trips as wait frames with their call site', () => {
    const p = worker(3, 5);
    const back = readPprof(toPprof(p), 'x.pb.gz', { fillIdle: false });
    const waitBack = back.frames.filter((f) => f.kind === 'wait');
    expect(waitBack).toEqual(expect.arrayContaining([waitFrame('sqlite3', { file: '/app/crawler.py', line: 46 })]));
    const b = new ProfileBuilder();
    addCpuProfile(b, toCpuProfile(p));
    expect(b.frames.filter((f) => f.kind === 'wait').map(frameLabel).sort()).toEqual([
      '(wait) http GET 127.0.0.1:8080 (/app/w.js:12)',
      '(wait) sqlite3 (/app/crawler.py:46)',
    ]);
    // pprof: every sample labelled state=waiting or state=running, for `-tagfocus=state=waiting`.
    const raw = PprofProfile.decode(gunzipSync(toPprof(p)));
    const str = (i: unknown) => raw.stringTable.strings[Number(i)];
    const states = raw.sample.map((s) => `${str(s.label[0].key)}=${str(s.label[0].str)}`);
    expect(new Set(states)).toEqual(new Set(['state=waiting', 'state=running']));
    const ss = toSpeedscope(p);
    expect(ss.shared.frames.map((f) => f.name)).toContain('(wait) sqlite3');
  });

  it('split each frame into CPU and waiting time', () => {
    const t = frameTimes(worker(3, 5));
    expect(t.totalUs).toBe(110_000);
    expect(t.waitUs).toBe(70_000);
    const line46 = [...t.frames.values()].find((f) => f.kind === 'js' && f.line === 46)!;
    expect(line46).toMatchObject({ selfCpuUs: 10_000, selfWaitUs: 50_000, totalUs: 60_000, totalWaitUs: 50_000 });
    const sqlite = [...t.frames.values()].find((f) => f.kind === 'wait' && f.library === 'sqlite3')!;
    expect(sqlite).toMatchObject({ file: '/app/crawler.py', line: 46, selfUs: 50_000, selfWaitUs: 50_000, selfCpuUs: 0 });
    const module = [...t.frames.values()].find((f) => f.name === '<module>')!;
    expect(module).toMatchObject({ totalUs: 110_000, totalWaitUs: 70_000, selfUs: 0 });
  });

  it('make the summary say where the worker waits, and not call it starved', () => {
    const p = worker(3, 5);
    const s = summarizeProfile(p);
    expect(s.waitShare).toBeCloseTo(70 / 110, 6);
    expect(s.starved).toBe(false);
    const text = formatSummary(s, p);
    expect(text).toContain('waiting in sqlite3 at crawler.py:46: 45.5% of wall time');
    expect(text).toContain('waiting in http GET 127.0.0.1:8080 at w.js:12: 18.2% of wall time');
    expect(text).not.toMatch(/\(idle\)|starved/);
  });

  it('are what a diff names when the waiting grew, and line-level frames stay apart', () => {
    const diff = diffProfiles(worker(6, 2), worker(2, 12), { before: 'early', after: 'late' });
    const grown = topGrown(diff, 3);
    expect(grown[0].label).toBe('(wait) sqlite3 (/app/crawler.py:46)');
    expect(grown[0].after.wait).toBeGreaterThan(grown[0].before.wait);
    const shrunk = diff.frames.find((f) => f.label === 'worker (/app/crawler.py:40)')!;
    expect(shrunk.selfDelta).toBeLessThan(0);
    expect(formatDiffTable(diff)).toMatch(/waiting \(blocked in a call\) \d+\.\d% → \d+\.\d%/);
  });
});
