import { describe, expect, it } from 'vitest';
import { mannKendall, mannKendallS, mannKendallVariance, hamedRaoFactor } from '../src/analysis/mann-kendall.js';
import { theilSen } from '../src/analysis/theil-sen.js';
import { analyzeTrend, analyzeValueTrend, detectableDecline, detectableStep } from '../src/analysis/trend.js';
import { laplaceTrendTest } from '../src/analysis/laplace.js';
import { isotonicFit } from '../src/analysis/isotonic.js';
import { shortLagNoise } from '../src/analysis/monotone-shape.js';
import { mean } from '../src/analysis/robust.js';
import { autocorrelatedSeries, constant, linear, overdispersedSeries, poissonSeries, seededRandom } from './analysis-generators.js';

const MINUTE = 60_000;

describe('Mann-Kendall statistic', () => {
  it('matches a hand computation with ties: y = 2,4,5,4,10', () => {
    // Signs of all 10 pairs: +4 from 2, +2 (one tie) from the first 4, 0 from 5, +1 from the second 4: S = 7.
    const y = [2, 4, 5, 4, 10];
    expect(mannKendallS(y)).toBe(7);
    // n(n-1)(2n+5) = 300; one pair of tied 4s: t(t-1)(2t+5) = 18; (300 - 18) / 18.
    expect(mannKendallVariance(y)).toBeCloseTo(282 / 18, 12);
    const r = mannKendall(y, { autocorrelationCorrection: false });
    expect(r.z).toBeCloseTo(6 / Math.sqrt(282 / 18), 10);
    // Two-sided normal tail of z = 1.51587: 0.12958 (tables).
    expect(r.pValue).toBeCloseTo(0.12958, 4);
    expect(r.tau).toBeCloseTo(0.7, 12);
  });

  it('agrees with a naive implementation on random series with many ties', () => {
    const rng = seededRandom(3);
    for (let trial = 0; trial < 20; trial++) {
      const y = Array.from({ length: 5 + rng.integer(40) }, () => rng.poisson(3));
      let s = 0;
      for (let i = 0; i < y.length; i++) for (let j = 0; j < i; j++) s += y[i] > y[j] ? 1 : y[i] < y[j] ? -1 : 0;
      const n = y.length;
      const groups: Record<number, number> = {};
      for (const v of y) groups[v] = (groups[v] ?? 0) + 1;
      const ties = Object.values(groups).reduce((acc, t) => acc + t * (t - 1) * (2 * t + 5), 0);
      expect(mannKendallS(y)).toBe(s);
      expect(mannKendallVariance(y)).toBeCloseTo((n * (n - 1) * (2 * n + 5) - ties) / 18, 9);
    }
  });
});

describe('Hamed-Rao variance correction', () => {
  /** Second implementation, straight from the paper (as pyMannKendall does it): Sen slope, ranks, acf, sum. */
  function naiveHamedRao(y: number[]): number {
    const n = y.length;
    const slopes: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) slopes.push((y[j] - y[i]) / (j - i));
    slopes.sort((a, b) => a - b);
    const m = slopes.length;
    const slope = m % 2 ? slopes[(m - 1) / 2] : (slopes[m / 2 - 1] + slopes[m / 2]) / 2;
    const d = y.map((v, i) => v - slope * i);
    const rank = d.map((v) => d.filter((w) => w < v).length + (d.filter((w) => w === v).length + 1) / 2);
    const mean = rank.reduce((a, b) => a + b, 0) / n;
    const c0 = rank.reduce((a, r) => a + (r - mean) ** 2, 0);
    let sum = 0;
    for (let k = 1; k < n; k++) {
      let ck = 0;
      for (let t = 0; t + k < n; t++) ck += (rank[t] - mean) * (rank[t + k] - mean);
      const r = ck / c0;
      if (Math.abs(r) > 1.959963984540054 / Math.sqrt(n)) sum += (n - k) * (n - k - 1) * (n - k - 2) * r;
    }
    return 1 + (2 / (n * (n - 1) * (n - 2))) * sum;
  }

  it('reproduces the paper formula (linear detrending, no floors) on autocorrelated series', () => {
    const rng = seededRandom(11);
    for (let trial = 0; trial < 10; trial++) {
      const y = autocorrelatedSeries(rng, 40 + rng.integer(40), 50, 0.8, 0.3);
      const xs = y.map((_, i) => i);
      const ours = hamedRaoFactor(y, xs, { detrend: 'linear', ar1Floor: false, minVarianceFactor: Number.NEGATIVE_INFINITY });
      expect(ours).toBeCloseTo(naiveHamedRao(y), 9);
    }
  });

  it('inflates the variance for autocorrelated noise and leaves white noise alone', () => {
    const rng = seededRandom(5);
    let inflatedAr = 0;
    let inflatedWhite = 0;
    for (let t = 0; t < 50; t++) {
      if (mannKendall(autocorrelatedSeries(rng, 80, 100, 0.85, 0.25)).varianceFactor > 1.5) inflatedAr++;
      if (mannKendall(poissonSeries(rng, constant(80, 100))).varianceFactor > 1.5) inflatedWhite++;
    }
    expect(inflatedAr).toBeGreaterThan(35);
    expect(inflatedWhite).toBeLessThan(10);
  });
});

describe('Theil-Sen slope', () => {
  it('matches a hand computation: median of the 10 pairwise slopes of y = 2,4,5,4,10', () => {
    // Slopes sorted: -1, 0, 2/3, 1, 1.5, 2, 2, 2, 2.5, 6 -> median 1.75; intercept median(y - 1.75 x) = 0.25.
    const line = theilSen([1, 2, 3, 4, 5], [2, 4, 5, 4, 10]);
    expect(line.slope).toBeCloseTo(1.75, 12);
    expect(line.intercept).toBeCloseTo(0.25, 12);
  });

  it('ignores a wild outlier that would drag least squares', () => {
    const xs = Array.from({ length: 21 }, (_, i) => i);
    const ys = xs.map((x) => 3 * x + 1);
    ys[20] = 1000;
    const line = theilSen(xs, ys);
    expect(line.slope).toBeCloseTo(3, 9);
    expect(line.intercept).toBeCloseTo(1, 9);
  });
});

describe('isotonic fit', () => {
  it('pools adjacent violators (hand example)', () => {
    // Non-increasing fit of 5,6,3,4,1: (5,6) pool to 5.5, (3,4) pool to 3.5.
    expect(isotonicFit([5, 6, 3, 4, 1], true)).toEqual([5.5, 5.5, 3.5, 3.5, 1]);
    expect(isotonicFit([1, 3, 2, 4], false)).toEqual([1, 2.5, 2.5, 4]);
  });
});

describe('trend verdicts', () => {
  it('calls a 30% linear decay decay, with the size and sign of the change', () => {
    const rng = seededRandom(21);
    const t = analyzeTrend({ counts: poissonSeries(rng, linear(60, 200, 0.3)), bucketMs: MINUTE });
    expect(t.verdict).toBe('decay');
    expect(t.pValue).toBeLessThan(0.01);
    expect(t.relativeChange).toBeLessThan(-0.2);
    expect(t.relativeChange).toBeGreaterThan(-0.4);
    // 200 -> 140 per minute-bucket over 59 minutes: about -61 per bucket per hour.
    expect(t.slopePerHour).toBeLessThan(-40);
    expect(t.slopePerHour).toBeGreaterThan(-80);
  });

  it('a falling rate of a few lines per bucket is decay even when ties make the Sen slope 0', () => {
    // Pages per 1 s of a real 90 s run (the Python crawler on pymongo, its unindexed store slowing it), after the
    // warm-up: over half the pairs of buckets tie (most late buckets are 0), so the median pairwise slope is 0.
    const counts = [
      1, 2, 1, 1, 2, 1, 2, 0, 2, 2, 0, 4, 0, 4, 0, 1, 3, 0, 0, 4, 1, 3, 0, 3, 1, 1, 3, 0, 4, 0, 4, 0, 4, 0, 4, 0, 0, 0,
      0, 4, 0, 0, 0, 0, 0, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1,
    ];
    const xs = counts.map((_, i) => i);
    expect(theilSen(xs, counts).slope).toBe(0);
    expect(mannKendall(counts).s).toBeLessThan(0);
    const t = analyzeTrend({ counts, bucketMs: 1000 }, { warmup: false });
    expect(t.pValue).toBeLessThan(0.01);
    expect(t.verdict).toBe('decay');
    expect(t.relativeChange).toBeLessThan(-0.5);
  });

  it('calls a rising rate growth and a flat one steady', () => {
    const rng = seededRandom(22);
    const up = analyzeTrend({ counts: poissonSeries(rng, linear(60, 100, -0.5)), bucketMs: MINUTE });
    expect(up.verdict).toBe('growth');
    expect(up.relativeChange).toBeGreaterThan(0.3);
    const flat = analyzeTrend({ counts: poissonSeries(rng, constant(60, 100)), bucketMs: MINUTE });
    expect(flat.verdict).toBe('steady');
    expect(flat.pValue).not.toBeNull();
  });

  it('says insufficient-data for short runs and nearly empty series', () => {
    expect(analyzeTrend({ counts: [50, 40, 30, 20, 10, 5], bucketMs: MINUTE }).verdict).toBe('insufficient-data');
    expect(analyzeTrend({ counts: [1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], bucketMs: MINUTE }).verdict).toBe('insufficient-data');
    const t = analyzeTrend({ counts: [], bucketMs: MINUTE });
    expect(t).toEqual({ verdict: 'insufficient-data', relativeChange: null, pValue: null, slopePerHour: null });
  });

  it('a statistically clear but small change (5%) stays steady', () => {
    const rng = seededRandom(23);
    const t = analyzeTrend({ counts: poissonSeries(rng, linear(200, 2000, 0.05)), bucketMs: MINUTE });
    expect(t.pValue).toBeLessThan(0.01);
    expect(t.verdict).toBe('steady');
  });

  it('partial first and last buckets do not create a trend', () => {
    const rng = seededRandom(24);
    let decays = 0;
    let zTrimmed = 0;
    let zCounted = 0;
    for (let i = 0; i < 40; i++) {
      const counts = poissonSeries(rng, constant(12, 100));
      counts[0] = Math.round(counts[0] * 0.9);
      counts[counts.length - 1] = Math.round(counts[counts.length - 1] * 0.05);
      if (analyzeTrend({ counts, bucketMs: MINUTE, firstBucketCoverage: 0.9, lastBucketCoverage: 0.05 }).verdict === 'decay') decays++;
      zTrimmed += mannKendall(counts.slice(1, -1)).z;
      zCounted += mannKendall(counts).z;
    }
    expect(decays).toBe(0);
    // Read as full buckets, the cut edges push the test toward decay on average: the coverage matters.
    expect(zCounted / 40).toBeLessThan(zTrimmed / 40 - 0.25);
  });

  it('bursty and autocorrelated steady rates are rarely called decay, where the uncorrected test often is', () => {
    const rng = seededRandom(25);
    let corrected = 0;
    let uncorrected = 0;
    let overdispersed = 0;
    const trials = 200;
    for (let i = 0; i < trials; i++) {
      const counts = autocorrelatedSeries(rng, 30 + rng.integer(150), 20 + rng.integer(400), 0.75, 0.25);
      if (analyzeTrend({ counts, bucketMs: MINUTE }).verdict === 'decay') corrected++;
      if (analyzeTrend({ counts, bucketMs: MINUTE }, { autocorrelationCorrection: false }).verdict === 'decay') uncorrected++;
      const bursty = overdispersedSeries(rng, constant(30 + rng.integer(150), 100), 1 + rng.uniform() * 4);
      if (analyzeTrend({ counts: bursty, bucketMs: MINUTE }).verdict === 'decay') overdispersed++;
    }
    expect(corrected / trials).toBeLessThanOrEqual(0.05);
    expect(overdispersed / trials).toBeLessThanOrEqual(0.05);
    expect(uncorrected).toBeGreaterThan(2 * corrected + 10);
  });

  it('a step drop is a decay, not autocorrelation', () => {
    const rng = seededRandom(26);
    const counts = poissonSeries(rng, Array.from({ length: 80 }, (_, i) => (i < 40 ? 100 : 60)));
    const t = analyzeTrend({ counts, bucketMs: MINUTE });
    expect(t.verdict).toBe('decay');
    expect(t.relativeChange).toBeLessThan(-0.3);
  });

  it('judges gauge values with gaps', () => {
    const values: Array<number | null> = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? null : 300 - 3 * i + (i % 3)));
    const t = analyzeValueTrend(values, MINUTE);
    expect(t.verdict).toBe('decay');
    expect(t.relativeChange).toBeCloseTo(-0.39, 1);
  });

  it('sums very long series into coarser buckets and still finds the trend', () => {
    const rng = seededRandom(27);
    const counts = poissonSeries(rng, linear(6000, 20, 0.4));
    const t = analyzeTrend({ counts, bucketMs: 1000 });
    expect(t.verdict).toBe('decay');
    expect(t.relativeChange).toBeLessThan(-0.3);
    // 20 -> 12 per 1 s bucket over 6000 s: -8 per bucket in 1.67 h = -4.8 per bucket per hour.
    expect(t.slopePerHour).toBeCloseTo(-4.8, 0);
  });
});

describe('the decline a run can show (power)', () => {
  // Level 100, white normal noise of sd 10, 40 buckets, alpha 0.01, power 0.8: the slope b per bucket where
  // sum_k (n − k)(2·Phi(b·k / (10·√2)) − 1) = (z(0.005) + z(0.2))·sqrt(n(n − 1)(2n + 5) / 18), times 39 / 100.
  // Computed apart from the code (Python's statistics.NormalDist, bisection): 0.21149.
  const n = 40;
  const expected = 0.21149;
  const noisy = (rng: ReturnType<typeof seededRandom>, drop: number): number[] =>
    Array.from({ length: n }, (_, i) => 100 * (1 + drop / 2 - (drop * i) / (n - 1)) + 10 * rng.normal());

  it('matches the formula with the noise read off the run, and means what it says: called ~80% of the time', () => {
    const rng = seededRandom(41);
    const estimates: number[] = [];
    let called = 0;
    let calledHalf = 0;
    const trials = 300;
    for (let i = 0; i < trials; i++) {
      const flat = analyzeValueTrend(noisy(rng, 0), MINUTE, { minDetectableDecline: 0.2 });
      if (flat.detectableDecline !== undefined) estimates.push(flat.detectableDecline);
      if (analyzeValueTrend(noisy(rng, expected), MINUTE).verdict === 'decay') called++;
      if (analyzeValueTrend(noisy(rng, expected / 2), MINUTE).verdict === 'decay') calledHalf++;
    }
    estimates.sort((a, b) => a - b);
    expect(estimates.length).toBeGreaterThan(trials * 0.9);
    expect(estimates[estimates.length >> 1]).toBeGreaterThan(expected * 0.9);
    expect(estimates[estimates.length >> 1]).toBeLessThan(expected * 1.1);
    // 80% power, with 300 trials' binomial error (sd 2.3 points) and the verdict's rules past the rank test.
    expect(called / trials).toBeGreaterThan(0.72);
    expect(called / trials).toBeLessThan(0.88);
    expect(calledHalf / trials).toBeLessThan(0.4);
  });

  it('a step: the smaller of what the rank test and the level shift need, and called ~80% of the time at that size', () => {
    // Computed apart from the code (Python's statistics.NormalDist): the rank test needs E[S] = 293.32 of the 400
    // pairs across a mid-run step, 2·Phi(d / (10·√2)) − 1 = 0.73329, d = 15.707; the level shift (9 + z(0.2))·10·
    // √(1/20 + 1/20) = 31.12. The step: 0.15707 of the level.
    const step = 0.15707;
    const rng = seededRandom(43);
    const withStep = (drop: number) => Array.from({ length: n }, (_, i) => 100 * (i < n / 2 ? 1 : 1 - drop) + 10 * rng.normal());
    const estimates: number[] = [];
    let called = 0;
    const trials = 300;
    for (let i = 0; i < trials; i++) {
      const flat = withStep(0);
      estimates.push(detectableStep(flat, 1, 0.01, 9)! * (mean(flat) / 100));
      if (analyzeValueTrend(withStep(step), MINUTE).verdict === 'decay') called++;
    }
    estimates.sort((a, b) => a - b);
    expect(estimates[estimates.length >> 1]).toBeGreaterThan(step * 0.9);
    expect(estimates[estimates.length >> 1]).toBeLessThan(step * 1.1);
    expect(called / trials).toBeGreaterThan(0.72);
    expect(called / trials).toBeLessThan(0.88);
    // A dozen points: no step is within the rank test's reach (36 pairs across, 49.8 needed); the level shift then
    // needs (9 + z(0.2))·sigma·√(1/6 + 1/6) = 5.68 sigma.
    const twelve = [100, 104, 98, 101, 97, 103, 99, 102, 100, 96, 101, 99];
    const sigma = shortLagNoise(twelve);
    expect(detectableStep(twelve, 1, 0.01, 9)).toBeCloseTo((5.68206 * sigma) / mean(twelve), 4);
    expect(detectableStep(twelve, 1, 0.01, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('a dozen statistics points that fell by half without the test confirming it: insufficient-data, not steady', () => {
    // Scrapy's LogStats over two minutes: the rate still rising to its peak when the server halves its capacity. The
    // rank test sees 36 pairs across the step and the rising start against it; the level shift's residuals carry
    // the rise.
    const values = [225, 259, 275, 276, 276, 268, 140, 142, 141, 143, 141, 143];
    const plain = analyzeValueTrend(values, 10_000);
    expect(plain.verdict).toBe('steady');
    const judged = analyzeValueTrend(values, 10_000, { minDetectableDecline: 0.2 });
    expect([judged.verdict, judged.unconfirmed, judged.relativeChange! < -0.2]).toEqual(['insufficient-data', true, true]);
    // A dozen points that moved little keep the power rule's verdict, and are not said to be unconfirmed.
    const flat = analyzeValueTrend([270, 268, 275, 272, 266, 271, 269, 274, 270, 267, 273, 271], 10_000, { minDetectableDecline: 0.2 });
    expect(flat.unconfirmed).toBeUndefined();
  });

  it('a steady run too short or noisy to show a 20% decline is insufficient-data, saying what it could show', () => {
    const rng = seededRandom(42);
    // 12 buckets of ~30 lines: Poisson noise alone hides a 20% decline (the formula, sd √30: 1.08).
    const short = analyzeTrend({ counts: poissonSeries(rng, constant(12, 30)), bucketMs: MINUTE }, { minDetectableDecline: 0.2 });
    // Off unless asked for (a series counted line by line): steady.
    expect(analyzeTrend({ counts: poissonSeries(rng, constant(12, 30)), bucketMs: MINUTE }).verdict).toBe('steady');
    expect(short.verdict).toBe('insufficient-data');
    expect(short.detectableDecline!).toBeGreaterThan(0.2);
    expect(short.pValue).not.toBeNull();
    // The same rate over 200 buckets: steady, and a decline of 16% would have been seen (the formula: 0.1592).
    const long = analyzeTrend({ counts: poissonSeries(rng, constant(200, 30)), bucketMs: MINUTE }, { minDetectableDecline: 0.2 });
    expect(long.verdict).toBe('steady');
    expect(long.detectableDecline!).toBeGreaterThan(0.1592 * 0.85);
    expect(long.detectableDecline!).toBeLessThan(0.1592 * 1.15);
    expect(detectableDecline([0, 0, 0, 0], 1, 0.01)).toBeNull();
  });
});

describe('Laplace trend test on event times', () => {
  it('matches the formula on a hand example', () => {
    // Events at 1,2,3,6 over [0,10]: mean 3, midpoint 5, U = (3 - 5) / (10·sqrt(1/48)) = -1.3856.
    const r = laplaceTrendTest([1, 2, 3, 6], 0, 10);
    expect(r.u).toBeCloseTo(-2 / (10 * Math.sqrt(1 / 48)), 10);
    expect(r.n).toBe(4);
    expect(r.direction).toBe('none');
  });

  it('sees a thinning Poisson process as decreasing and a homogeneous one as trend-free', () => {
    const rng = seededRandom(31);
    const thinning: number[] = [];
    const homogeneous: number[] = [];
    for (let t = 0; t < 3600; t += -Math.log(1 - rng.uniform()) / 2) {
      homogeneous.push(t);
      if (rng.uniform() < 1 - (0.5 * t) / 3600) thinning.push(t);
    }
    expect(laplaceTrendTest(thinning, 0, 3600).direction).toBe('decreasing');
    expect(laplaceTrendTest(homogeneous, 0, 3600).pValue).toBeGreaterThan(0.01);
  });
});
