import { describe, expect, it } from 'vitest';
import { detectChangePoints, estimateDispersion, pelt, poissonCost } from '../src/analysis/changepoints.js';
import { autocorrelatedSeries, constant, overdispersedSeries, poissonSeries, seededRandom } from './analysis-generators.js';

const MINUTE = 60_000;

/** Exhaustive search over every set of cut positions (2^(n-1) segmentations): the reference for PELT. */
function bruteForce(counts: number[], penalty: number, minSegment: number): { cuts: number[]; value: number } {
  const n = counts.length;
  const cost = (a: number, b: number): number => {
    let s = 0;
    for (let i = a; i < b; i++) s += counts[i];
    return s > 0 ? 2 * (s - s * Math.log(s / (b - a))) : 0;
  };
  let best = { cuts: [] as number[], value: Number.POSITIVE_INFINITY };
  for (let mask = 0; mask < 1 << (n - 1); mask++) {
    const cuts: number[] = [];
    for (let i = 1; i < n; i++) if (mask & (1 << (i - 1))) cuts.push(i);
    const bounds = [0, ...cuts, n];
    if (bounds.some((b, k) => k > 0 && b - bounds[k - 1] < minSegment)) continue;
    let value = penalty * cuts.length;
    for (let k = 1; k < bounds.length; k++) value += cost(bounds[k - 1], bounds[k]);
    if (value < best.value - 1e-9) best = { cuts, value };
  }
  return best;
}

/** O(n²) optimal partitioning (Jackson et al. 2005): the same optimum as PELT, without pruning. */
function optimalPartitioning(n: number, cost: (a: number, b: number) => number, penalty: number, minSegment: number): number[] {
  const f = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  const prev = new Array<number>(n + 1).fill(-1);
  f[0] = -penalty;
  for (let t = minSegment; t <= n; t++) {
    for (let s = 0; s <= t - minSegment; s++) {
      if (s !== 0 && s < minSegment) continue;
      const v = f[s] + cost(s, t) + penalty;
      if (v < f[t]) {
        f[t] = v;
        prev[t] = s;
      }
    }
  }
  const cuts: number[] = [];
  for (let t = n; prev[t] > 0; t = prev[t]) cuts.push(prev[t]);
  return cuts.reverse();
}

describe('PELT', () => {
  it('finds the same optimum as an exhaustive search on small series', () => {
    const rng = seededRandom(41);
    for (let trial = 0; trial < 25; trial++) {
      const n = 8 + rng.integer(6);
      const cut = 2 + rng.integer(n - 4);
      const counts = poissonSeries(rng, Array.from({ length: n }, (_, i) => (i < cut ? 20 : 5 + rng.integer(30))));
      const penalty = 2 + rng.uniform() * 10;
      const minSegment = 1 + rng.integer(2);
      expect(pelt(n, poissonCost(counts), penalty, minSegment)).toEqual(bruteForce(counts, penalty, minSegment).cuts);
    }
  });

  it('matches unpruned optimal partitioning on longer series with several changes', () => {
    const rng = seededRandom(42);
    for (let trial = 0; trial < 10; trial++) {
      const levels = [80, 40, 120, 60];
      const counts = poissonSeries(rng, Array.from({ length: 120 }, (_, i) => levels[Math.floor(i / 30)]));
      const cost = poissonCost(counts);
      const penalty = 3 * Math.log(counts.length);
      expect(pelt(counts.length, cost, penalty, 3)).toEqual(optimalPartitioning(counts.length, cost, penalty, 3));
    }
  });
});

describe('detectChangePoints', () => {
  it('locates a 40% step drop within 2 buckets, with the rates before and after', () => {
    const rng = seededRandom(43);
    const counts = poissonSeries(rng, Array.from({ length: 90 }, (_, i) => (i < 52 ? 150 : 90)));
    const cps = detectChangePoints({ counts, bucketMs: MINUTE });
    expect(cps).toHaveLength(1);
    expect(Math.abs(cps[0].index - 52)).toBeLessThanOrEqual(2);
    expect(cps[0].before).toBeCloseTo(150, -1);
    expect(cps[0].after).toBeCloseTo(90, -1);
  });

  it('reports nothing on steady Poisson and rarely anything on heavily overdispersed steady counts', () => {
    const rng = seededRandom(44);
    let poissonHits = 0;
    let burstyHits = 0;
    for (let t = 0; t < 60; t++) {
      if (detectChangePoints({ counts: poissonSeries(rng, constant(100, 80)), bucketMs: MINUTE }).length > 0) poissonHits++;
      if (detectChangePoints({ counts: overdispersedSeries(rng, constant(100, 80), 3), bucketMs: MINUTE }).length > 0) burstyHits++;
    }
    expect(poissonHits).toBeLessThanOrEqual(1);
    expect(burstyHits).toBeLessThanOrEqual(6);
  });

  it('without the dispersion scaling, overdispersed counts sprout change points', () => {
    const rng = seededRandom(45);
    const counts = overdispersedSeries(rng, constant(100, 80), 3);
    expect(estimateDispersion(counts)).toBeGreaterThan(5);
    expect(detectChangePoints({ counts, bucketMs: MINUTE, }, { dispersion: 1 }).length).toBeGreaterThan(2);
  });

  it('a wandering (autocorrelated) steady rate gives far fewer change points than without the correction', () => {
    const rng = seededRandom(48);
    let corrected = 0;
    let uncorrected = 0;
    for (let t = 0; t < 40; t++) {
      const counts = autocorrelatedSeries(rng, 120, 200, 0.8, 0.2);
      if (detectChangePoints({ counts, bucketMs: MINUTE }).length > 0) corrected++;
      if (detectChangePoints({ counts, bucketMs: MINUTE }, { autocorrelationCorrection: false }).length > 0) uncorrected++;
    }
    expect(uncorrected).toBeGreaterThan(30);
    expect(corrected).toBeLessThan(uncorrected / 2);
  });

  it('never splits off a partial edge bucket, and keeps indexes in the original series', () => {
    const rng = seededRandom(46);
    const counts = poissonSeries(rng, constant(40, 100));
    counts[0] = 4;
    counts[39] = 3;
    expect(detectChangePoints({ counts, bucketMs: MINUTE, firstBucketCoverage: 0.04, lastBucketCoverage: 0.03 })).toEqual([]);
    const step = poissonSeries(rng, Array.from({ length: 40 }, (_, i) => (i < 20 ? 100 : 50)));
    step[0] = 5;
    const cps = detectChangePoints({ counts: step, bucketMs: MINUTE, firstBucketCoverage: 0.05 });
    expect(cps.map((c) => c.index)).toEqual([20]);
  });

  it('sums very long series into coarser buckets and still locates the step within one coarse bucket', () => {
    const rng = seededRandom(49);
    const counts = poissonSeries(rng, Array.from({ length: 10_000 }, (_, i) => (i < 6_123 ? 20 : 12)));
    const cps = detectChangePoints({ counts, bucketMs: 1000 });
    expect(cps).toHaveLength(1);
    // 10 000 buckets -> 2 000 coarse buckets of 5.
    expect(Math.abs(cps[0].index - 6_123)).toBeLessThanOrEqual(5);
    expect(cps[0].before).toBeCloseTo(20, 0);
    expect(cps[0].after).toBeCloseTo(12, 0);
  });

  it('merges changes smaller than 10% even when they are statistically clear', () => {
    const rng = seededRandom(47);
    const counts = poissonSeries(rng, Array.from({ length: 100 }, (_, i) => (i < 50 ? 5000 : 4750)));
    expect(detectChangePoints({ counts, bucketMs: MINUTE }, { minRelativeChange: 0 }).length).toBeGreaterThan(0);
    expect(detectChangePoints({ counts, bucketMs: MINUTE })).toEqual([]);
  });
});
