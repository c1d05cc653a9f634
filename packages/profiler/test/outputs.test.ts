// Every output reads only the model: checked on a small profile whose contents are known exactly.
import { gunzipSync } from 'node:zlib';
import { Profile as PprofProfile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../src/model.js';
import { ProfileBuilder } from '../src/profile-builder.js';
import { mergeProfiles } from '../src/merge-profiles.js';
import { addCpuProfile } from '../src/v8-cpuprofile.js';
import { toCpuProfile } from '../src/outputs/cpuprofile.js';
import { renderFlameHtml } from '../src/outputs/flame-html.js';
import { renderFlameSvg } from '../src/outputs/flame-svg.js';
import { toFolded } from '../src/outputs/folded.js';
import { toPprof } from '../src/outputs/pprof.js';
import { renderProfile } from '../src/outputs/render-output.js';
import { toSpeedscope } from '../src/outputs/speedscope.js';
import { formatSummary, summarizeProfile } from '../src/outputs/summary.js';

/** main → fetchPage → parseHtml (3 samples, 30 ms), main → (anonymous) (1), (idle) (4), (garbage collector) (1), (program) (1). */
function knownProfile(): Profile {
  const b = new ProfileBuilder();
  const main = b.frameId({ name: 'main', file: '/srv/app.js', line: 1, kind: 'js' });
  const fetchPage = b.frameId({ name: 'fetchPage', file: '/srv/fetch.js', line: 10, kind: 'js' });
  const parse = b.frameId({ name: 'parseHtml', file: '/srv/parse.js', line: 20, kind: 'js' });
  const anon = b.frameId({ name: '(anonymous)', file: '/srv/app.js', line: 7, kind: 'js' });
  const idle = b.frameId({ name: '(idle)', kind: 'idle' });
  const gc = b.frameId({ name: '(garbage collector)', kind: 'gc' });
  const program = b.frameId({ name: '(program)', kind: 'program' });
  let t = 1_700_000_000_000_000;
  const add = (stack: number[]) => b.addSample({ stack, weightUs: 10_000, timestampUs: (t += 10_000), count: 1 });
  add([main, fetchPage, parse]);
  add([idle]);
  add([main, fetchPage, parse]);
  add([main, anon]);
  add([idle]);
  add([gc]);
  add([main, fetchPage, parse]);
  add([idle]);
  add([program]);
  add([idle]);
  return b.build({ startTimeMs: 1_700_000_000_000, durationMs: 100, intervalUs: 10_000, collector: 'inspector', processes: [{ pid: 42, runtime: 'node', label: 'node 42 app.js' }] });
}

describe('folded', () => {
  it('writes the DESIGN.md contract: root first, ;-joined, space, count', () => {
    expect(toFolded(knownProfile())).toBe(
      [
        '(garbage collector) 1',
        '(idle) 4',
        '(program) 1',
        'main (/srv/app.js:1);(anonymous) (/srv/app.js:7) 1',
        'main (/srv/app.js:1);fetchPage (/srv/fetch.js:10);parseHtml (/srv/parse.js:20) 3',
        '',
      ].join('\n'),
    );
  });

  it('puts one root per process in a merged profile', () => {
    const a = knownProfile();
    const b = knownProfile();
    b.source.processes = [{ pid: 43, runtime: 'node', label: 'node 43 app.js' }];
    const folded = toFolded(mergeProfiles([a, b]));
    const roots = new Set(folded.trim().split('\n').map((l) => l.split(';')[0].replace(/ \d+$/, '')));
    expect([...roots].sort()).toEqual(['node 42 app.js', 'node 43 app.js']);
    expect(folded).toContain('node 43 app.js;main (/srv/app.js:1);fetchPage (/srv/fetch.js:10);parseHtml (/srv/parse.js:20) 3');
  });
});

describe('summary', () => {
  it('ranks frames by self and total time and reports idle, GC and program shares', () => {
    const p = knownProfile();
    const s = summarizeProfile(p, { top: 3 });
    expect(s.topSelf.map((f) => f.label)).toEqual(['(idle)', 'parseHtml (/srv/parse.js:20)', '(anonymous) (/srv/app.js:7)']);
    // (idle) and main tie at 40 ms; ties are ordered by label.
    expect(s.topTotal.map((f) => [f.label, f.totalUs])).toEqual([
      ['(idle)', 40_000],
      ['main (/srv/app.js:1)', 40_000],
      ['fetchPage (/srv/fetch.js:10)', 30_000],
    ]);
    expect(s.idleShare).toBeCloseTo(0.4);
    expect(s.gcShare).toBeCloseTo(0.1);
    expect(s.programShare).toBeCloseTo(0.1);
    expect(s.starved).toBe(false);
    const text = formatSummary(s, p);
    expect(text).toContain('idle 40.0%, garbage collector 10.0%, program 10.0%');
    expect(text).not.toMatch(/starved/);
  });

  it('calls a mostly idle worker starved and points upstream', () => {
    const b = new ProfileBuilder();
    const idle = b.frameId({ name: '(idle)', kind: 'idle' });
    const work = b.frameId({ name: 'work', file: '/w.js', line: 1, kind: 'js' });
    for (let i = 0; i < 8; i++) b.addSample({ stack: [idle], weightUs: 10_000 });
    for (let i = 0; i < 2; i++) b.addSample({ stack: [work], weightUs: 10_000 });
    const p = b.build({ startTimeMs: 0, durationMs: 100, intervalUs: 10_000, collector: 'inspector', processes: [] });
    const text = formatSummary(summarizeProfile(p), p);
    expect(text).toMatch(/idle 80\.0% of the time: it is starved, not slow; look upstream \(dispatcher, database/);
  });
});

describe('V8 .cpuprofile', () => {
  it('weights samples by real time deltas when read', () => {
    const b = new ProfileBuilder();
    addCpuProfile(b, {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2, 3] },
        { id: 2, callFrame: { functionName: 'slow', scriptId: '1', url: 'file:///a.js', lineNumber: 4, columnNumber: 0 } },
        { id: 3, callFrame: { functionName: '', scriptId: '1', url: 'file:///a.js', lineNumber: 9, columnNumber: 2 } },
      ],
      startTime: 1000,
      endTime: 1000 + 100 + 300 + 50,
      samples: [2, 3, 2],
      timeDeltas: [0, 100, 300],
    });
    expect(b.samples.map((s) => s.weightUs)).toEqual([100, 300, 50]);
    expect(b.frames.map((f) => `${f.name}@${f.file}:${f.line}`)).toEqual(['slow@/a.js:5', '(anonymous)@/a.js:10']);
  });

  it('round-trips through the model with the same stacks and weights', () => {
    const p = knownProfile();
    const cpu = toCpuProfile(p);
    expect(cpu.samples).toHaveLength(10);
    const back = new ProfileBuilder();
    addCpuProfile(back, cpu);
    const again = back.build({ startTimeMs: 0, durationMs: 100, intervalUs: 10_000, collector: 'file', processes: [] });
    expect(toFolded(again)).toBe(toFolded(p));
    expect(again.samples.map((s) => s.weightUs)).toEqual(p.samples.map((s) => s.weightUs));
  });
});

describe('pprof', () => {
  it('encodes samples leaf first with counts and CPU nanoseconds, gzipped', () => {
    const bytes = toPprof(knownProfile());
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const decoded = PprofProfile.decode(gunzipSync(bytes));
    const str = (i: number | bigint) => decoded.stringTable.strings[Number(i)];
    expect(decoded.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`)).toEqual(['samples/count', 'cpu/nanoseconds']);
    const fnName = new Map(decoded.function.map((f) => [Number(f.id), str(f.name)]));
    const locFn = new Map(decoded.location.map((l) => [Number(l.id), Number(l.line[0].functionId)]));
    const stacks = decoded.sample.map((s) => ({ leafFirst: s.locationId.map((id) => fnName.get(locFn.get(Number(id))!)), count: Number(s.value[0]), ns: Number(s.value[1]) }));
    expect(stacks).toContainEqual({ leafFirst: ['parseHtml', 'fetchPage', 'main'], count: 3, ns: 30_000_000 });
    expect(stacks).toContainEqual({ leafFirst: ['(idle)'], count: 4, ns: 40_000_000 });
    expect(Number(decoded.period)).toBe(10_000_000);
  });
});

describe('speedscope', () => {
  it('writes sampled profiles with shared frames, one per process root', () => {
    const a = knownProfile();
    const b = knownProfile();
    b.source.processes = [{ pid: 43, runtime: 'node', label: 'node 43 app.js' }];
    const file = toSpeedscope(mergeProfiles([a, b]));
    expect(file.profiles.map((p) => p.name).sort()).toEqual(['node 42 app.js', 'node 43 app.js']);
    const first = file.profiles[0];
    expect(first).toMatchObject({ type: 'sampled', unit: 'microseconds', startValue: 0, endValue: 100_000 });
    expect(first.samples).toHaveLength(10);
    expect(first.samples[0].map((i) => file.shared.frames[i].name)).toEqual(['main', 'fetchPage', 'parseHtml']);
  });
});

describe('flame graphs', () => {
  it('HTML is one self-contained file whose data cannot break out of its script', () => {
    const p = knownProfile();
    p.frames[0].name = '</script><script>alert(1)</script>';
    const html = renderFlameHtml(p);
    expect(html).not.toMatch(/<script[^>]*src=|<link[^>]*href=|https?:\/\/(?!www\.w3\.org)/);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('\\u003c/script>');
  });

  it('SVG has one rect per drawn frame with its share as a tooltip', () => {
    const svg = renderFlameSvg(knownProfile());
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('<title>parseHtml (/srv/parse.js:20): 30.00% of samples (30.0 ms, 3 samples)</title>');
    // all, main, fetchPage, parseHtml, (anonymous), (idle), (garbage collector), (program)
    expect(svg.match(/<rect x=/g)).toHaveLength(8);
  });

  it('rejects an unknown format with the list of known ones', () => {
    expect(() => renderProfile(knownProfile(), 'png')).toThrow(/unknown format 'png'; use one of html, svg, folded, speedscope, pprof, cpuprofile/);
  });
});
