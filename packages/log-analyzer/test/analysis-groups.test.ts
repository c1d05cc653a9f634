import { describe, expect, it } from 'vitest';
import { analyzeGroups } from '../src/analysis/groups.js';
import { constant, linear, overdispersedSeries, poissonSeries, seededRandom } from './analysis-generators.js';

const MINUTE = 60_000;
const START = Date.parse('2016-12-20T14:00:00.000Z');

describe('per-group findings', () => {
  it('names the one node that stopped, with the time of its last line, and does not call it everyone slowing', () => {
    const rng = seededRandom(51);
    const groups: Record<string, number[]> = {
      'crawler-1.log': poissonSeries(rng, constant(60, 40)),
      'crawler-2.log': poissonSeries(rng, constant(60, 35)),
      'crawler-3.log': poissonSeries(rng, Array.from({ length: 60 }, (_, i) => (i <= 32 ? 30 : 0))),
      'crawler-4.log': poissonSeries(rng, constant(60, 45)),
    };
    const f = analyzeGroups(groups, { bucketMs: MINUTE, startMs: START, lastEventAt: { 'crawler-3.log': START + 32 * MINUTE + 10_000 } });
    expect(f.stopped).toHaveLength(1);
    expect(f.stopped[0]).toMatchObject({ group: 'crawler-3.log', lastEventBucket: 32, lastEventAt: '2016-12-20T14:32:10.000Z', lastEventExact: true, silentBuckets: 27 });
    expect(f.summary).toContain('crawler-3.log: no lines after 2016-12-20 14:32:10Z');
    expect(f.everyoneSlowing).toBe(false);
    expect(f.steady).toEqual(['crawler-1.log', 'crawler-2.log', 'crawler-4.log']);
    const share3 = f.groups.find((g) => g.group === 'crawler-3.log')!;
    expect(share3.shareStart).toBeGreaterThan(0.15);
    expect(share3.shareEnd).toBe(0);
  });

  it('everyone slowing down is its own finding, with no node stopped', () => {
    const rng = seededRandom(52);
    const groups: Record<string, number[]> = {};
    for (let g = 1; g <= 4; g++) groups[`node-${g}`] = poissonSeries(rng, linear(60, 60 + 10 * g, 0.4));
    const f = analyzeGroups(groups, { bucketMs: MINUTE, startMs: START });
    expect(f.stopped).toEqual([]);
    expect(f.everyoneSlowing).toBe(true);
    expect(f.decaying).toHaveLength(4);
    expect(f.summary).toEqual(['all 4 running group(s) decay']);
  });

  it('the end of the run (all groups silent together) is not a stopped node', () => {
    const rng = seededRandom(53);
    const groups = {
      a: poissonSeries(rng, Array.from({ length: 40 }, (_, i) => (i < 30 ? 50 : 0))),
      b: poissonSeries(rng, Array.from({ length: 40 }, (_, i) => (i < 30 ? 50 : 0))),
    };
    expect(analyzeGroups(groups, { bucketMs: MINUTE, startMs: START }).stopped).toEqual([]);
  });

  it('a sparse, bursty node with long quiet spells is not called stopped', () => {
    const rng = seededRandom(54);
    let falseStops = 0;
    for (let t = 0; t < 100; t++) {
      const groups = {
        busy: poissonSeries(rng, constant(60, 100)),
        sparse: overdispersedSeries(rng, constant(60, 1.5), 0.5),
      };
      if (analyzeGroups(groups, { bucketMs: MINUTE, startMs: START }).stopped.length > 0) falseStops++;
    }
    expect(falseStops).toBeLessThanOrEqual(2);
  });

  it('shares per bucket add up to 1 where there were events', () => {
    const f = analyzeGroups({ a: [1, 0, 3, 0], b: [3, 0, 1, 2] }, { bucketMs: MINUTE, startMs: START });
    expect(f.groups[0].share).toEqual([0.25, null, 0.75, 0]);
    expect(f.groups[1].share).toEqual([0.75, null, 0.25, 1]);
  });
});
