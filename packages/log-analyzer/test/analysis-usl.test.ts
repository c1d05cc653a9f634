import { describe, expect, it } from 'vitest';
import { fitUsl, uslThroughput } from '../src/analysis/usl.js';
import { seededRandom } from './analysis-generators.js';

describe('Universal Scalability Law fit', () => {
  it('recovers the usl R package worked example (coef.R: sigma = kappa = 0.02, lambda = 1)', () => {
    // Data from the usl R package's test suite (smoeding/usl, tests/coef.R), generated from those coefficients.
    const nodes = [1, 2, 4, 6, 8, 10];
    const tput = [1, 1.8868, 3.0769, 3.5294, 3.5398, 3.3557];
    const fit = fitUsl(nodes.map((n, i) => ({ nodes: n, throughput: tput[i] })), { bootstrap: 0 });
    expect(fit.sigma).toBeCloseTo(0.02, 4);
    expect(fit.kappa).toBeCloseTo(0.02, 4);
    expect(fit.lambda).toBeCloseTo(1, 3);
    expect(fit.peakNodes).toBeCloseTo(Math.sqrt(0.98 / 0.02), 2);
  });

  it("reproduces Gunther's ray-tracer benchmark fit with kappa on its bound (usl R package: 0.0578, 0, 21.8488)", () => {
    const nodes = [1, 4, 8, 12, 16, 20, 24, 28, 32, 48, 64];
    const tput = [20, 78, 130, 170, 190, 200, 210, 230, 260, 280, 310];
    const fit = fitUsl(nodes.map((n, i) => ({ nodes: n, throughput: tput[i] })), { bootstrap: 100 });
    expect(fit.sigma).toBeCloseTo(0.0578, 4);
    expect(fit.kappa).toBe(0);
    expect(fit.lambda).toBeCloseTo(21.8488, 3);
    expect(fit.peakNodes).toBeNull();
    expect(fit.intervals!.sigma[0]).toBeLessThan(0.0578);
    expect(fit.intervals!.sigma[1]).toBeGreaterThan(0.0578);
  });

  it("reproduces Gunther's SPEC SDM91 fit (sigma 0.0277, kappa 0.000104, peak near 97 users)", () => {
    const load = [1, 18, 36, 72, 108, 144, 216];
    const tput = [64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2];
    const fit = fitUsl(load.map((n, i) => ({ nodes: n, throughput: tput[i] })), { bootstrap: 0 });
    expect(fit.sigma).toBeCloseTo(0.0277, 3);
    expect(fit.kappa).toBeCloseTo(0.000104, 5);
    expect(Math.round(fit.peakNodes!)).toBeGreaterThanOrEqual(96);
    expect(Math.round(fit.peakNodes!)).toBeLessThanOrEqual(97);
  });

  it('recovers known parameters from noisy measurements, and the bootstrap interval covers them', () => {
    const rng = seededRandom(71);
    const truth = { sigma: 0.08, kappa: 0.004, lambda: 120 };
    const nodes = [1, 2, 4, 6, 8, 12, 16];
    let covered = 0;
    for (let t = 0; t < 10; t++) {
      const points = nodes.map((n) => ({ nodes: n, throughput: uslThroughput(n, truth) * (1 + 0.02 * rng.normal()) }));
      const fit = fitUsl(points, { bootstrap: 200, seed: t + 1 });
      expect(fit.sigma).toBeGreaterThan(0.04);
      expect(fit.sigma).toBeLessThan(0.12);
      expect(fit.peakNodes!).toBeGreaterThan(11);
      expect(fit.peakNodes!).toBeLessThan(18);
      const [lo, hi] = fit.intervals!.kappa;
      if (lo <= truth.kappa && truth.kappa <= hi) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(7);
  });

  it('refuses fewer than three node counts', () => {
    expect(() => fitUsl([{ nodes: 1, throughput: 1 }, { nodes: 2, throughput: 2 }, { nodes: 2, throughput: 2.1 }])).toThrow(/3 distinct node counts/);
  });
});
