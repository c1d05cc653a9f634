// The differential view of a real run whose hot function changes halfway: early vs late names the grown frame,
// in the library and through the real `crawl-diag flame diff` binary (one recording for both, to keep the tests short).
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffProfiles, topGrown, topShrunk } from '../src/diff/diff-profiles.js';
import { diffToJson, formatDiffTable } from '../src/diff/diff-table.js';
import { renderDiffHtml } from '../src/diff/diff-html.js';
import { loadProfileInput } from '../src/inputs/load-profile-input.js';
import { listRecording } from '../src/recording/list-windows.js';
import type { Profile } from '../src/model.js';
import { runCli } from '../../../test-support/run-cli.js';
import { recordWorkload } from './agent-test-support.js';

let dir: string;
let before: Profile;
let after: Profile;
let work: string;
beforeAll(async () => {
  const rec = await recordWorkload(4000);
  dir = rec.dir;
  expect(rec.run.code).toBe(0);
  before = await loadProfileInput(`${dir}@..1500ms`);
  after = await loadProfileInput(`${dir}@2500ms..`);
  work = await mkdtemp(join(tmpdir(), 'crawl-diag-diff-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

describe('diff of early and late ranges', () => {
  it('names the growing function as the frame whose share grew most, and the old hot one as shrunk most', () => {
    const diff = diffProfiles(before, after, { before: 'early', after: 'late' });
    const grown = topGrown(diff, 5);
    expect(grown[0].label).toMatch(/^scanGrowingArray \(.*agent-workload\.mjs:\d+\)$/);
    expect(grown[0].before.self).toBeLessThan(0.05);
    expect(grown[0].after.self).toBeGreaterThan(0.2);
    expect(topShrunk(diff, 5)[0].label).toMatch(/^hashLoop /);
  });

  it('normalises by each side\'s own total: the same profile against itself changes nothing', () => {
    const diff = diffProfiles(after, after, { before: 'a', after: 'a' });
    expect(diff.frames.every((f) => Math.abs(f.selfDelta) < 1e-12 && Math.abs(f.totalDelta) < 1e-12)).toBe(true);
    expect(topGrown(diff, 5)).toEqual([]);
  });

  it('prints a table with both shares, most grown first, limited by --top', () => {
    const diff = diffProfiles(before, after, { before: 'early', after: 'late' });
    const text = formatDiffTable(diff, { top: 3 });
    const grownSection = text.split('Shrank most:')[0];
    const rows = grownSection.split('\n').filter((l) => /^\s+[+−]\d/.test(l));
    // How many frames grew at all depends on what the agent itself and the runtime did in those windows.
    expect(rows).toHaveLength(Math.min(3, topGrown(diff, 1000).length));
    expect(text).toMatch(/idle \(no JS running: waiting on I\/O, or for a CPU\) \d+\.\d% → \d+\.\d%/);
    expect(rows[0]).toMatch(/^\s+\+\d+\.\d%\s+\d+\.\d% →\s+\d+\.\d%\s+\d+\.\d% →\s+\d+\.\d%\s+scanGrowingArray/);
    const json = diffToJson(diffProfiles(before, after, { before: 'early', after: 'late' }), { top: 2 }) as { schema: string; grown: { label: string }[] };
    expect(json.schema).toBe('crawl-diag/flame-diff@1');
    expect(json.grown).toHaveLength(Math.min(2, topGrown(diff, 1000).length));
  });

  it('renders a self-contained HTML graph: widths from AFTER, the grown stack red, the shrunk one absent', () => {
    const html = renderDiffHtml(diffProfiles(before, after, { before: 'early', after: 'late' }));
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    // The flame graph's own data: nodes [label, after, afterSelf, samples, children, colour, before, beforeSelf], shares in millionths.
    type Node = [number, number, number, number, Node[], number, number, number];
    const data = JSON.parse(/<script type="application\/json" id="flame-data">(.*?)<\/script>/s.exec(html)![1]) as { mode: string; tree: Node; strings: string[] };
    expect(data.mode).toBe('diff');
    expect(data.tree[1] / 1e6).toBeCloseTo(1, 5);
    const labels: { label: string; after: number; before: number }[] = [];
    const walk = (n: Node) => {
      labels.push({ label: data.strings[n[0]], after: n[1] / 1e6, before: n[6] / 1e6 });
      n[4].forEach(walk);
    };
    data.tree[4].forEach(walk);
    const scan = labels.find((n) => n.label.startsWith('scanGrowingArray'))!;
    expect(scan.after - scan.before).toBeGreaterThan(0.2);
    expect(labels.filter((n) => n.label.startsWith('hashLoop')).every((n) => n.after === 0)).toBe(true);
  });
});

describe('diff inputs', () => {
  it('reads a window file, folded stacks and a .cpuprofile as profiles', async () => {
    const recording = await listRecording(dir);
    const pprof = await loadProfileInput(recording.windows[0].path);
    expect(pprof.frames.some((f) => f.name === 'hashLoop')).toBe(true);

    const work = await mkdtemp(join(tmpdir(), 'crawl-diag-diff-in-'));
    const folded = join(work, 'a.txt');
    await writeFile(folded, 'main (/srv/app.js:1);frontierQuery (/srv/store.js:40) 30\nmain (/srv/app.js:1);(idle) 70\n');
    const f = await loadProfileInput(folded);
    expect(f.frames.find((x) => x.name === 'frontierQuery')).toEqual({ name: 'frontierQuery', kind: 'js', file: '/srv/store.js', line: 40 });
    expect(f.samples.reduce((s, x) => s + x.weightUs, 0)).toBe(100 * 10_000);

    const cpu = join(work, 'b.cpuprofile');
    await writeFile(cpu, JSON.stringify({
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2] },
        { id: 2, callFrame: { functionName: 'frontierQuery', scriptId: '1', url: 'file:///srv/store.js', lineNumber: 39, columnNumber: 0 } },
      ],
      startTime: 0, endTime: 3000, samples: [2, 2, 2], timeDeltas: [0, 1000, 1000],
    }));
    const c = await loadProfileInput(cpu);
    expect(c.samples.reduce((s, x) => s + x.weightUs, 0)).toBe(3000);
    const diff = diffProfiles(f, c, { before: 'folded', after: 'cpuprofile' });
    expect(topGrown(diff, 1)[0].label).toBe('frontierQuery (/srv/store.js:40)');
    expect(topGrown(diff, 1)[0].after.self).toBe(1);
    expect(topGrown(diff, 1)[0].before.self).toBeCloseTo(0.3, 10);
    await expect(loadProfileInput(join(work, 'missing.pb.gz'))).rejects.toThrow(/cannot read .*missing\.pb\.gz/);
    await writeFile(join(work, 'junk.pb.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    await expect(loadProfileInput(join(work, 'junk.pb.gz'))).rejects.toThrow(/is not a readable pprof profile/);
    expect((await readFile(folded, 'utf8')).length).toBeGreaterThan(0);
    await rm(work, { recursive: true });
  });
});

describe('diff of a recording against a file without process roots', () => {
  it('lines up the stacks in the graph by leaving the process roots out', async () => {
    const work = await mkdtemp(join(tmpdir(), 'crawl-diag-diff-roots-'));
    const folded = join(work, 'early.txt');
    const afterRecording = await loadProfileInput(`${dir}@2500ms..`);
    // The same stacks as the recording's late range, without its `worker` root: the graph must see no change.
    const lines = afterRecording.samples.map((s) => `${s.stack.slice(1).map((i) => afterRecording.frames[i]).map((f) => (f.file ? `${f.name} (${f.file}:${f.line})` : f.name)).join(';')} ${s.weightUs}`);
    await writeFile(folded, `${lines.join('\n')}\n`);
    const diff = diffProfiles(await loadProfileInput(folded, { foldedIntervalUs: 1 }), afterRecording, { before: 'file', after: 'recording' });
    const top = diff.tree.children.map((c) => c.label);
    expect(top).not.toContain('worker');
    const maxChange = (n: typeof diff.tree): number => Math.max(Math.abs(n.after - n.before), ...n.children.map(maxChange));
    expect(maxChange(diff.tree)).toBeLessThan(1e-6);
    await rm(work, { recursive: true });
  });
});

describe('crawl-diag flame diff', () => {
  it('prints the grown frames, most grown first, and writes the HTML graph', async () => {
    const out = join(work, 'diff.html');
    const r = await runCli(['flame', 'diff', `${dir}@..1500ms`, `${dir}@2500ms..`, '--top', '3', '--out', out]);
    expect(r.stderr).toContain(`wrote differential flame graph to ${out}`);
    expect(r.code, r.stderr).toBe(0);
    const grown = r.stdout.split('Shrank most:')[0].split('\n').filter((l) => /^\s+[+−]\d/.test(l));
    expect(grown.length).toBeGreaterThanOrEqual(1);
    expect(grown.length).toBeLessThanOrEqual(3);
    expect(grown[0]).toMatch(/scanGrowingArray \(.*agent-workload\.mjs:\d+\)$/);
    const html = await readFile(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('scanGrowingArray');
  });

  it('with --json prints the comparison for scripts and writes no HTML unless asked', async () => {
    const r = await runCli(['flame', 'diff', `${dir}@..1500ms`, `${dir}@2500ms..`, '--json', '--top', '2'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { schema: string; grown: { label: string; before: { self: number }; after: { self: number } }[] };
    expect(json.schema).toBe('crawl-diag/flame-diff@1');
    expect(json.grown.length).toBeLessThanOrEqual(2);
    expect(json.grown[0].label).toMatch(/^scanGrowingArray /);
    expect(json.grown[0].after.self).toBeGreaterThan(json.grown[0].before.self);
    await expect(stat(join(work, 'flame-diff.html'))).rejects.toThrow();
  });

  it('fails with one clear line on a missing file and on an empty range', async () => {
    const missing = await runCli(['flame', 'diff', join(work, 'nope.pb.gz'), dir, '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^crawl-diag: cannot read .*nope\.pb\.gz/);
    const empty = await runCli(['flame', 'diff', `${dir}@1h..2h`, dir, '--json']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^crawl-diag: no windows in .* for range '1h\.\.2h'/);
  });
});
