import { describe, expect, it } from 'vitest';
import { compareRuns, type RunInput } from '../src/analysis/compare.js';
import { renderComparison } from '../src/analysis/compare-render.js';
import { uslThroughput } from '../src/analysis/usl.js';
import { linear, poissonSeries, seededRandom } from './analysis-generators.js';

const MINUTE = 60_000;
const START = Date.parse('2026-01-01T00:00:00Z');

/** A run of `nodes` nodes, each logging `perNodeRate(nodes)` lines per minute, decaying by `drop` over the run. */
function run(rng: ReturnType<typeof seededRandom>, nodes: number, perNodePerMinute: number, drop: number, minutes = 60): RunInput {
  const groups: Record<string, number[]> = {};
  for (let g = 1; g <= nodes; g++) groups[`crawler-${g}.log`] = poissonSeries(rng, linear(minutes, perNodePerMinute, drop));
  const counts = new Array<number>(minutes).fill(0);
  for (const c of Object.values(groups)) c.forEach((x, i) => (counts[i] += x));
  return { label: `run-${nodes}`, startMs: START, bucketMs: MINUTE, counts, groups };
}

describe('compareRuns', () => {
  it('measures throughput, per-node rate and efficiency over the same window, and fits the USL', () => {
    const rng = seededRandom(81);
    const truth = { sigma: 0.05, kappa: 0.01, lambda: 600 };
    const runs = [1, 2, 4, 8, 12].map((n) => run(rng, n, uslThroughput(n, truth) / n, 0, n === 12 ? 90 : 60));
    const c = compareRuns(runs, { usl: { bootstrap: 100 } });
    // Default window: the first third of the shortest run (60 minutes).
    expect(c.windowMs).toBe(20 * MINUTE);
    const r12 = c.runs.find((r) => r.nodes === 12)!;
    expect(r12.windowBuckets).toBe(20);
    expect(r12.nodesFrom).toBe('groups');
    expect(r12.throughput / (uslThroughput(12, truth) / 60)).toBeCloseTo(1, 1);
    expect(r12.efficiency!).toBeCloseTo(uslThroughput(12, truth) / 12 / truth.lambda, 1);
    expect(Object.keys(r12.perNode)).toHaveLength(12);
    expect(c.runs[0].efficiency).toBe(1);
    expect(c.usl).not.toBeNull();
    expect(c.usl!.peakNodes!).toBeGreaterThan(7);
    expect(c.usl!.peakNodes!).toBeLessThan(12);
    const text = renderComparison(c, 'crawling');
    expect(text).toMatch(/Throughput peaks at \d+\.\d nodes/);
    expect(text).toContain('run-12');
  });

  it('measures early in each run, so a decay later on does not lower the throughput', () => {
    const rng = seededRandom(84);
    const c = compareRuns([run(rng, 2, 100, 0, 90), run(rng, 4, 100, 0.6, 90)]);
    const [two, four] = c.runs;
    expect(four.trend.verdict).toBe('decay');
    expect(four.throughputPerNode / two.throughputPerNode).toBeGreaterThan(0.85);
  });

  it('reports decay getting stronger with more nodes', () => {
    const rng = seededRandom(82);
    const c = compareRuns([run(rng, 2, 100, 0), run(rng, 4, 100, 0.2), run(rng, 8, 100, 0.5)]);
    expect(c.runs.map((r) => r.trend.verdict)).toEqual(['steady', 'decay', 'decay']);
    expect(c.scaling.decayWithNodes).toBe('stronger');
    expect(c.scaling.decayAtMost!).toBeLessThan(-0.35);
  });

  it('uses the given node counts, skips the USL with two, and keeps the window inside the shortest run', () => {
    const rng = seededRandom(83);
    const a = { ...run(rng, 2, 100, 0, 30), nodes: 3 };
    const b = { ...run(rng, 4, 100, 0, 60), nodes: 6 };
    const c = compareRuns([a, b], { windowMs: 120 * MINUTE });
    expect(c.windowMs).toBe(30 * MINUTE);
    expect(c.runs.map((r) => [r.nodes, r.nodesFrom])).toEqual([[3, 'given'], [6, 'given']]);
    expect(c.usl).toBeNull();
    expect(c.uslSkipped).toMatch(/3 or more node counts/);
    expect(c.scaling.decayWithNodes).toBe('unchanged');
  });

  it('leaves partial edge buckets out of the throughput window', () => {
    const counts = [5, ...new Array(20).fill(100), 7];
    const input = { label: 'r', startMs: START, bucketMs: MINUTE, counts, groups: { a: counts }, firstBucketCoverage: 0.05, lastBucketCoverage: 0.07 };
    const c = compareRuns([input], { windowMs: 60 * MINUTE });
    expect(c.windowMs).toBe(20 * MINUTE);
    expect(c.runs[0].windowBuckets).toBe(20);
    expect(c.runs[0].throughput).toBeCloseTo(100 / 60, 10);
  });
});
