// `crawl-diag flame timeline` and `crawl-diag flame DIR@FROM..TO` through the real binary, on a real recording.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/run-cli.js';
import { useRecordedWorkload } from './agent-test-support.js';

const recording = useRecordedWorkload(4000);

describe('crawl-diag flame timeline', () => {
  it('draws the share of the matching frame rising and says so', async () => {
    const r = await runCli(['flame', 'timeline', recording.dir, '--frame', 'scanGrowingArray']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/┤/);
    expect(r.stdout).toMatch(/time in frames matching 'scanGrowingArray' grew from \d+\.\d% to \d+\.\d% of wall time/);
  });

  it('prints the points as JSON', async () => {
    const r = await runCli(['flame', 'timeline', recording.dir, '--frame', '/scanGrowing/', '--json', '--process', 'worker']);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout) as { schema: string; verdict: string; points: { share: number }[] };
    expect(t.schema).toBe('crawl-diag/flame-timeline@1');
    expect(t.verdict).toBe('grew');
    expect(t.points[t.points.length - 2].share).toBeGreaterThan(t.points[0].share + 0.5);
  });

  it('needs --frame, and names the processes when --process matches none', async () => {
    const noFrame = await runCli(['flame', 'timeline', recording.dir]);
    expect(noFrame.code).not.toBe(0);
    expect(noFrame.stderr).toMatch(/frame/);
    const badProcess = await runCli(['flame', 'timeline', recording.dir, '--frame', 'x', '--process', 'supervisor']);
    expect(badProcess.code).toBe(2);
    expect(badProcess.stderr).toMatch(/^crawl-diag: --process supervisor matches no process .*kinds: worker/);
  });
});

describe('crawl-diag flame DIR@FROM..TO', () => {
  it('writes a range of the recording with the flame command\'s formats, under a root frame per process', async () => {
    const r = await runCli(['flame', `${recording.dir}@..1500ms`, '--format', 'folded', '--out', `${recording.dir}/early.folded`]);
    expect(r.code).toBe(0);
    const folded = await readFile(`${recording.dir}/early.folded`, 'utf8');
    const lines = folded.trim().split('\n');
    expect(lines.every((l) => /^worker \d+(;| )/.test(l))).toBe(true);
    expect(folded).toMatch(/;hashLoop \(.*agent-workload\.mjs:\d+\) \d+$/m);
    expect(folded).not.toContain('scanGrowingArray');
  });
});
