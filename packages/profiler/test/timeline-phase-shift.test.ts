// The timeline of a real run whose hot function changes halfway: the share of the new one rises, the old one falls;
// in the library and through the real binary (`flame timeline`, and `flame DIR@FROM..TO`), on one recording.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/run-cli.js';
import { frameTimeline } from '../src/recording/timeline.js';
import { formatTimelineChart } from '../src/recording/timeline-chart.js';
import { useRecordedWorkload } from './agent-test-support.js';

const recording = useRecordedWorkload(4000);

describe('frame timeline', () => {
  it('shows the growing function\'s share rising from near zero to most of the time', async () => {
    const t = await frameTimeline(recording.dir, 'scanGrowingArray');
    expect(t.points.length).toBeGreaterThanOrEqual(5);
    expect(t.verdict).toBe('grew');
    expect(t.first).toBeLessThan(0.05);
    // Shares of wall time: on a loaded machine idle also holds waiting for a CPU, so the busy share is the firm one.
    expect(t.last).toBeGreaterThan(0.2);
    expect(t.points[t.points.length - 2].busyShare).toBeGreaterThan(0.8);
    expect(t.points[0].busyShare).toBe(0);
    const half = Math.floor(t.points.length / 2);
    const mean = (ps: typeof t.points) => ps.reduce((s, p) => s + p.share, 0) / ps.length;
    expect(mean(t.points.slice(half + 1))).toBeGreaterThan(mean(t.points.slice(0, half - 1)) + 0.2);
    expect(t.summary).toMatch(/^time in frames matching 'scanGrowingArray' grew from \d+\.\d% to \d+\.\d% of wall time/);
  });

  it('matches by regex, and finds the old hot function shrinking', async () => {
    const t = await frameTimeline(recording.dir, '/^hash/');
    expect(t.verdict).toBe('shrank');
    expect(t.first).toBeGreaterThan(0.2);
  });

  it('says so when no frame matches, and draws a chart with the summary', async () => {
    const none = await frameTimeline(recording.dir, 'frontierQuery');
    expect(none.verdict).toBe('absent');
    const chart = formatTimelineChart(await frameTimeline(recording.dir, 'scanGrowingArray'));
    expect(chart).toMatch(/┼|┤/);
    expect(chart.trimEnd().split('\n').pop()).toMatch(/grew from/);
    await expect(frameTimeline(recording.dir, '/(/')).rejects.toThrow(/not a valid regex/);
  });
});

describe('crawl-diag flame timeline', () => {
  it('draws the share of the matching frame rising and says so', async () => {
    const r = await runCli(['flame', 'timeline', recording.dir, '--frame', 'scanGrowingArray']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/┤/);
    expect(r.stdout).toMatch(/time in frames matching 'scanGrowingArray' grew from \d+\.\d% to \d+\.\d% of wall time/);
  });

  it('prints the points as JSON', async () => {
    const r = await runCli(['flame', 'timeline', recording.dir, '--frame', '/scanGrowing/', '--json', '--process', 'worker']);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as { schema: string; verdict: string; points: { share: number }[] };
    expect(t.schema).toBe('crawl-diag/flame-timeline@1');
    expect(t.verdict).toBe('grew');
    expect(t.points[t.points.length - 2].share).toBeGreaterThan(t.points[0].share + 0.2);
  });

  it('names the processes when --process matches none', async () => {
    const badProcess = await runCli(['flame', 'timeline', recording.dir, '--frame', 'x', '--process', 'supervisor']);
    expect(badProcess.code).toBe(2);
    expect(badProcess.stderr).toMatch(/^crawl-diag: --process supervisor matches no process .*kinds: worker/);
  });
});

describe('crawl-diag flame DIR@FROM..TO', () => {
  it('writes a range of the recording with the flame command\'s formats, under a root frame per process', async () => {
    const r = await runCli(['flame', `${recording.dir}@..1500ms`, '--format', 'folded', '--out', `${recording.dir}/early.folded`]);
    expect(r.code, r.stderr).toBe(0);
    const folded = await readFile(`${recording.dir}/early.folded`, 'utf8');
    const lines = folded.trim().split('\n');
    expect(lines.every((l) => /^worker \d+(;| )/.test(l))).toBe(true);
    expect(folded).toMatch(/;hashLoop \(.*agent-workload\.mjs:\d+\) \d+$/m);
    expect(folded).not.toContain('scanGrowingArray');
  });
});
