import { describe, expect, it } from 'vitest';
import { analyzeRatio, ratioSeries } from '../src/analysis/ratio.js';
import { counterToRate, gaugeBuckets } from '../src/analysis/gauges.js';
import { poissonSeries, seededRandom } from './analysis-generators.js';

const MINUTE = 60_000;
const grid = { startMs: 0, bucketMs: 10_000, buckets: 6 };

describe('ratio series', () => {
  it('divides per bucket and leaves buckets without a denominator empty', () => {
    expect(ratioSeries([1, 4, 0, 3], [2, 2, 0, 0])).toEqual([0.5, 2, null, null]);
    expect(() => ratioSeries([1], [1, 2])).toThrow(/lengths differ/);
  });

  it('postponed per crawled rising over the run is growth (politeness contention)', () => {
    const rng = seededRandom(61);
    const crawled = poissonSeries(rng, new Array(60).fill(100));
    const postponed = poissonSeries(rng, Array.from({ length: 60 }, (_, i) => 20 + i * 1.5));
    const r = analyzeRatio(postponed, crawled, MINUTE);
    expect(r.trend.verdict).toBe('growth');
    expect(r.trend.relativeChange).toBeGreaterThan(2);
    expect(r.overall).toBeCloseTo(postponed.reduce((a, b) => a + b) / crawled.reduce((a, b) => a + b), 12);
    const flat = analyzeRatio(poissonSeries(rng, new Array(60).fill(30)), crawled, MINUTE);
    expect(flat.trend.verdict).toBe('steady');
  });
});

describe('gauges and counters', () => {
  it('averages gauge samples per bucket; a bucket without samples has no value', () => {
    const samples = [
      { t: 1000, value: 300 },
      { t: 5000, value: 310 },
      { t: 25_000, value: 280 },
      { t: 99_000, value: 1 },
    ];
    expect(gaugeBuckets(samples, grid)).toEqual([305, null, 280, null, null, null]);
  });

  it('differences a cumulative counter, spreading each increase over the time it covers', () => {
    // +60 between t=0 and t=60 s on 10 s buckets: 10 per bucket, not a spike in the last one.
    expect(counterToRate([{ t: 0, value: 100 }, { t: 60_000, value: 160 }], { ...grid, buckets: 6 })).toEqual([10, 10, 10, 10, 10, 10]);
  });

  it('survives a counter reset: the increase after a drop counts from zero', () => {
    const samples = [
      { t: 0, value: 1000 },
      { t: 10_000, value: 1050 },
      { t: 20_000, value: 30 }, // restarted: 30 since the restart
      { t: 30_000, value: 80 },
    ];
    expect(counterToRate(samples, grid)).toEqual([50, 30, 50, 0, null, null]);
  });

  it('gives no rate outside the sampled span', () => {
    expect(counterToRate([{ t: 25_000, value: 5 }], grid)).toEqual(new Array(6).fill(null));
  });
});
