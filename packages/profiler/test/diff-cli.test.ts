// `crawl-diag flame diff` through the real binary, on a real recording whose hot function changes halfway.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/run-cli.js';
import { useRecordedWorkload } from './agent-test-support.js';

const recording = useRecordedWorkload(4000);
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'crawl-diag-diff-cli-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('crawl-diag flame diff', () => {
  it('prints the grown frames, most grown first, and writes the HTML graph', async () => {
    const out = join(work, 'diff.html');
    const r = await runCli(['flame', 'diff', `${recording.dir}@..1500ms`, `${recording.dir}@2500ms..`, '--top', '3', '--out', out]);
    expect(r.stderr).toContain(`wrote differential flame graph to ${out}`);
    expect(r.code).toBe(0);
    const grown = r.stdout.split('Shrank most:')[0].split('\n').filter((l) => /^\s+[+−]\d/.test(l));
    expect(grown).toHaveLength(3);
    expect(grown[0]).toMatch(/scanGrowingArray \(.*agent-workload\.mjs:\d+\)$/);
    const html = await readFile(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('scanGrowingArray');
  });

  it('with --json prints the comparison for scripts and writes no HTML unless asked', async () => {
    const r = await runCli(['flame', 'diff', `${recording.dir}@..1500ms`, `${recording.dir}@2500ms..`, '--json', '--top', '2'], { cwd: work });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { schema: string; grown: { label: string; before: { self: number }; after: { self: number } }[] };
    expect(json.schema).toBe('crawl-diag/flame-diff@1');
    expect(json.grown[0].label).toMatch(/^scanGrowingArray /);
    expect(json.grown[0].after.self).toBeGreaterThan(json.grown[0].before.self);
    await expect(stat(join(work, 'flame-diff.html'))).rejects.toThrow();
  });

  it('fails with one clear line on a missing file and on an empty range', async () => {
    const missing = await runCli(['flame', 'diff', join(work, 'nope.pb.gz'), recording.dir, '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^crawl-diag: cannot read .*nope\.pb\.gz/);
    const empty = await runCli(['flame', 'diff', `${recording.dir}@1h..2h`, recording.dir, '--json']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^crawl-diag: no windows in .* for range '1h\.\.2h'/);
  });
});
