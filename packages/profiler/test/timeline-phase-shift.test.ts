// The timeline of a real run whose hot function changes halfway: the share of the new one rises, the old one falls.
import { describe, expect, it } from 'vitest';
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
    expect(t.last).toBeGreaterThan(0.5);
    const half = Math.floor(t.points.length / 2);
    const mean = (ps: typeof t.points) => ps.reduce((s, p) => s + p.share, 0) / ps.length;
    expect(mean(t.points.slice(half + 1))).toBeGreaterThan(mean(t.points.slice(0, half - 1)) + 0.5);
    expect(t.summary).toMatch(/^time in frames matching 'scanGrowingArray' grew from \d+\.\d% to \d+\.\d% of wall time/);
  });

  it('matches by regex, and finds the old hot function shrinking', async () => {
    const t = await frameTimeline(recording.dir, '/^hash/');
    expect(t.verdict).toBe('shrank');
    expect(t.first).toBeGreaterThan(0.5);
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
