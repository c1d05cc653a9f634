// Buckets no finer than the data: the automatic size against the statistics interval, the interval itself from the
// sample times, and a counter's first interval counted from the crawler's start. Expected values by hand.
import { describe, expect, it } from 'vitest';
import { autoBucketMs, countTrendBucketMs } from '../src/bucketer/bucket-size.js';
import { sampleIntervalMs } from '../src/bucketer/sample-interval.js';
import { counterIncreases } from '../src/bucketer/bucket-values.js';
import { EventCounts } from '../src/scanner/event-counts.js';

const S = 1000;

describe('the bucket a series counted line by line is judged on', () => {
  it('is the span-based size when the statistics lines raised the report bucket, else none', () => {
    // 150 s with LogStats every 10 s: the report has 10 s buckets, the Crawled lines are judged on 2 s.
    expect(countTrendBucketMs(150 * S, 10 * S, 1 * S)).toBe(2 * S);
    // Nothing raised (the span's size is the report's): no finer bucket.
    expect(countTrendBucketMs(150 * S, 2 * S, 1 * S)).toBeNull();
    // 1 h with statistics every 60 s: 60 s is the span's own size already (3600/60 + 1 = 61 buckets <= 90).
    expect(countTrendBucketMs(3600 * S, 60 * S, 1 * S)).toBeNull();
    // 1 h with statistics every 5 min: judged on 60 s.
    expect(countTrendBucketMs(3600 * S, 300 * S, 1 * S)).toBe(60 * S);
    // Counts kept at a resolution coarser than the span's size (an explicit bucket): none finer than the counts.
    expect(countTrendBucketMs(150 * S, 10 * S, 5 * S)).toBeNull();
  });
});

describe('automatic bucket against the statistics interval', () => {
  it('is the span-based nice size with no interval, or one finer than it', () => {
    // 150 s: 2 s makes 76 buckets (<= 90), 1 s would make 151.
    expect(autoBucketMs(150 * S)).toBe(2 * S);
    expect(autoBucketMs(150 * S, 1 * S)).toBe(2 * S);
  });

  it('rises to a whole multiple of the interval', () => {
    expect(autoBucketMs(150 * S, 10 * S)).toBe(10 * S);
    // 1 h: 60 s buckets from the span; statistics every 45 s: 90 s (two intervals per bucket).
    expect(autoBucketMs(3600 * S, 45 * S)).toBe(90 * S);
    // A 10.4 s median gap is 10 s (whole seconds).
    expect(autoBucketMs(150 * S, 10.4 * S)).toBe(10 * S);
  });

  it('stays fine when the floor would leave fewer than 10 buckets and lines are counted one by one', () => {
    // 4 minutes of Scrapy with LogStats every 60 s: 4 buckets would judge nothing; the per-request lines keep 5 s.
    expect(autoBucketMs(240 * S, 60 * S, true)).toBe(5 * S);
    expect(autoBucketMs(240 * S, 60 * S, false)).toBe(60 * S);
  });
});

describe('sample interval and first interval', () => {
  it('is the median gap between a series\' samples, per group, at the counts\' resolution', () => {
    const counts = new EventCounts(S, 1, ['counter']);
    // Node a every 10 s (one 11 s gap), node b every 10 s from another phase.
    for (const t of [3, 13, 23, 34, 44, 54]) counts.addValue(counts.group('a'), 0, t * S, t);
    for (const t of [7, 17, 27]) counts.addValue(counts.group('b'), 0, t * S, t);
    expect(sampleIntervalMs(counts.data, 0)).toBe(10 * S);
    const few = new EventCounts(S, 1, ['counter']);
    for (const t of [3, 13, 23]) few.addValue(few.group('a'), 0, t * S, t);
    expect(sampleIntervalMs(few.data, 0)).toBeNull();
  });

  it('counts the first statistics line\'s total from the crawler\'s start, and drops it without one', () => {
    const counts = new EventCounts(S, 1, ['counter']);
    // Totals 94, 198, 289 at 10 s, 20 s, 30 s after a start at 0.2 s; 10 s buckets from 0.
    for (const [t, v] of [[10.2, 94], [20.2, 198], [30.2, 289]]) counts.addValue(counts.group('g'), 0, t * S, v);
    const grid = { startMs: 0, bucketMs: 10 * S, buckets: 4 };
    const values = counts.data.groups.get('g')!.values[0];
    expect(counterIncreases(values, S, grid)).toEqual([null, null, 104, 91]);
    expect(counterIncreases(values, S, grid, 0.2 * S)).toEqual([null, 94, 104, 91]);
    // A start in the first sample's own bucket: that bucket holds the increase from 0.
    expect(counterIncreases(values, S, grid, 10.1 * S)).toEqual([null, 94, 104, 91]);
    // A "start" after the first sample (a log that does not begin at the crawler's start) is ignored.
    expect(counterIncreases(values, S, grid, 25 * S)).toEqual([null, null, 104, 91]);
  });
});
