// Universal Scalability Law (Gunther): X(N) = λN / (1 + σ(N−1) + κN(N−1)). σ is contention (queueing on a shared
// resource), κ coherency (crosstalk: every node paying for every other), λ the single-node rate. With κ > 0
// throughput peaks at N* = sqrt((1−σ)/κ) and falls after: adding nodes makes the crawl slower.
//
// Fitting is bounded nonlinear least squares (σ ∈ [0,1], κ ≥ 0). Written by hand: npm's ml-levenberg-marquardt
// handles bounds only by clamping each step, which stalls on a boundary — and κ = 0 (pure contention) is a common,
// meaningful answer (the usl R package's raytracer example ends there). Here λ is solved in closed form for
// any (σ, κ) (it enters linearly), leaving a 2-D box search: a coarse grid, then Nelder-Mead kept in the box.
import { seededRandom } from './random.js';

export interface UslPoint {
  nodes: number;
  throughput: number;
}

export interface UslParameters {
  sigma: number;
  kappa: number;
  lambda: number;
}

export interface UslFit extends UslParameters {
  /** Node count where throughput peaks; null when κ = 0 (throughput only flattens out). */
  peakNodes: number | null;
  peakThroughput: number | null;
  rSquared: number;
  points: number;
  /** Bootstrap percentile intervals (residual resampling); absent when bootstrapping was off. */
  intervals?: {
    level: number;
    sigma: [number, number];
    kappa: [number, number];
    lambda: [number, number];
    /** Null bounds where a resample had no peak (κ = 0): the peak may lie at any node count. */
    peakNodes: [number | null, number | null];
  };
}

export interface UslOptions {
  /**
   * Bootstrap resamples for the intervals; 0 turns them off. Default 400. With only 3 points the 3 parameters fit
   * exactly, residuals are 0 and no interval can be had: none is given.
   */
  bootstrap?: number;
  /** Seed of the bootstrap's random numbers (results are repeatable). Default 1. */
  seed?: number;
  /** Interval level. Default 0.95. */
  level?: number;
}

export function uslThroughput(nodes: number, p: UslParameters): number {
  return (p.lambda * nodes) / (1 + p.sigma * (nodes - 1) + p.kappa * nodes * (nodes - 1));
}

export function uslPeak(p: Pick<UslParameters, 'sigma' | 'kappa'>): number | null {
  return p.kappa > 0 ? Math.sqrt(Math.max(0, 1 - p.sigma) / p.kappa) : null;
}

const SIGMA_MAX = 1;
const KAPPA_MAX = 1;

/** Fits the USL to three or more distinct node counts. */
export function fitUsl(points: readonly UslPoint[], options: UslOptions = {}): UslFit {
  const distinct = new Set(points.map((p) => p.nodes)).size;
  if (distinct < 3) throw new RangeError(`USL fit needs at least 3 distinct node counts, got ${distinct}`);
  if (points.some((p) => !(p.nodes >= 1) || !(p.throughput >= 0))) throw new RangeError('USL fit needs node counts >= 1 and throughputs >= 0');
  const best = fitParameters(points);
  const fitted = points.map((p) => uslThroughput(p.nodes, best));
  const meanX = points.reduce((s, p) => s + p.throughput, 0) / points.length;
  let sse = 0;
  let sst = 0;
  points.forEach((p, i) => {
    sse += (p.throughput - fitted[i]) ** 2;
    sst += (p.throughput - meanX) ** 2;
  });
  const peakNodes = uslPeak(best);
  const fit: UslFit = {
    ...best,
    peakNodes,
    peakThroughput: peakNodes === null ? null : uslThroughput(peakNodes, best),
    rSquared: sst > 0 ? 1 - sse / sst : 1,
    points: points.length,
  };
  const resamples = options.bootstrap ?? 400;
  if (resamples > 0 && points.length > 3) fit.intervals = bootstrapIntervals(points, fitted, resamples, options.seed ?? 1, options.level ?? 0.95);
  return fit;
}

/** Least-squares (σ, κ, λ) within the bounds. */
export function fitParameters(points: readonly UslPoint[]): UslParameters {
  const sse = profiledSse(points);
  // Coarse grid: σ on a square-root scale (most systems sit near 0), κ on a log scale with 0 itself.
  let bestS = 0;
  let bestK = 0;
  let bestV = sse(0, 0);
  const kappas = [0, ...Array.from({ length: 41 }, (_, i) => 10 ** (-8 + (i * 8) / 40))];
  for (let i = 0; i <= 60; i++) {
    const s = SIGMA_MAX * (i / 60) ** 2;
    for (const k of kappas) {
      const v = sse(s, k);
      if (v < bestV) [bestS, bestK, bestV] = [s, k, v];
    }
  }
  // Refine in scaled coordinates (κ spans decades: search √κ), clamped to the box.
  const toParams = (u: number[]): [number, number] => [clamp(u[0], 0, SIGMA_MAX), clamp(u[1], 0, Math.sqrt(KAPPA_MAX)) ** 2];
  const objective = (u: number[]): number => sse(...toParams(u));
  const start = [bestS, Math.sqrt(bestK)];
  const step = [Math.max(0.01, bestS * 0.2), Math.max(1e-4, Math.sqrt(bestK) * 0.2)];
  const refined = nelderMead(objective, start, step, 400);
  const [sigma, kappa] = objective(refined) <= bestV ? toParams(refined) : [bestS, bestK];
  return { sigma, kappa, lambda: bestLambda(points, sigma, kappa) };
}

/** SSE at (σ, κ) with λ at its least-squares value: SSE = ΣX² − (ΣXg)²/Σg², g = N/(1+σ(N−1)+κN(N−1)). */
function profiledSse(points: readonly UslPoint[]): (sigma: number, kappa: number) => number {
  let sxx = 0;
  for (const p of points) sxx += p.throughput * p.throughput;
  return (sigma, kappa) => {
    const { sxg, sgg } = lambdaTerms(points, sigma, kappa);
    return sxx - (sxg * sxg) / sgg;
  };
}

function bestLambda(points: readonly UslPoint[], sigma: number, kappa: number): number {
  const { sxg, sgg } = lambdaTerms(points, sigma, kappa);
  return sxg / sgg;
}

/** ΣXg and Σg²: with them λ = ΣXg / Σg² minimises Σ(X − λg)². */
function lambdaTerms(points: readonly UslPoint[], sigma: number, kappa: number): { sxg: number; sgg: number } {
  let sxg = 0;
  let sgg = 0;
  for (const p of points) {
    const g = p.nodes / (1 + sigma * (p.nodes - 1) + kappa * p.nodes * (p.nodes - 1));
    sxg += p.throughput * g;
    sgg += g * g;
  }
  return { sxg, sgg };
}

function bootstrapIntervals(points: readonly UslPoint[], fitted: number[], resamples: number, seed: number, level: number): NonNullable<UslFit['intervals']> {
  const rng = seededRandom(seed);
  // Fitted residuals are smaller than the errors by about sqrt((n - p)/n) with p = 3 parameters: scale them back
  // up (Davison & Hinkley 1997, §6.2.3), or the intervals from a handful of runs are far too narrow.
  const inflate = Math.sqrt(points.length / Math.max(1, points.length - 3));
  const residuals = points.map((p, i) => (p.throughput - fitted[i]) * inflate);
  const sigmas: number[] = [];
  const kappas: number[] = [];
  const lambdas: number[] = [];
  const peaks: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample = points.map((p, i) => ({ nodes: p.nodes, throughput: Math.max(0, fitted[i] + residuals[rng.integer(residuals.length)]) }));
    const f = fitParameters(sample);
    sigmas.push(f.sigma);
    kappas.push(f.kappa);
    lambdas.push(f.lambda);
    peaks.push(uslPeak(f) ?? Number.POSITIVE_INFINITY);
  }
  const lo = (1 - level) / 2;
  const hi = 1 - lo;
  const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return {
    level,
    sigma: [quantile(sigmas, lo), quantile(sigmas, hi)],
    kappa: [quantile(kappas, lo), quantile(kappas, hi)],
    lambda: [quantile(lambdas, lo), quantile(lambdas, hi)],
    peakNodes: [finiteOrNull(quantile(peaks, lo)), finiteOrNull(quantile(peaks, hi))],
  };
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const i = Math.floor(pos);
  const frac = pos - i;
  if (i + 1 >= s.length) return s[s.length - 1];
  if (!Number.isFinite(s[i + 1]) || !Number.isFinite(s[i])) return frac > 0 ? s[i + 1] : s[i];
  return s[i] + frac * (s[i + 1] - s[i]);
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Nelder-Mead simplex minimiser (standard coefficients), for the 2-D refinement. */
function nelderMead(f: (x: number[]) => number, start: number[], step: number[], iterations: number): number[] {
  const dim = start.length;
  let simplex = [start, ...start.map((_, d) => start.map((v, j) => (j === d ? v + step[d] : v)))];
  let values = simplex.map(f);
  for (let it = 0; it < iterations; it++) {
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    simplex = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    if (Math.abs(values[dim] - values[0]) <= 1e-14 * (Math.abs(values[0]) + 1e-300)) break;
    const centroid = start.map((_, d) => simplex.slice(0, dim).reduce((s, p) => s + p[d], 0) / dim);
    const move = (t: number): number[] => centroid.map((c, d) => c + t * (simplex[dim][d] - c));
    const reflected = move(-1);
    const fr = f(reflected);
    if (fr < values[0]) {
      const expanded = move(-2);
      const fe = f(expanded);
      [simplex[dim], values[dim]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[dim - 1]) {
      [simplex[dim], values[dim]] = [reflected, fr];
    } else {
      const contracted = fr < values[dim] ? move(-0.5) : move(0.5);
      const fc = f(contracted);
      if (fc < Math.min(fr, values[dim])) [simplex[dim], values[dim]] = [contracted, fc];
      else {
        simplex = simplex.map((p) => p.map((v, d) => simplex[0][d] + 0.5 * (v - simplex[0][d])));
        values = simplex.map(f);
      }
    }
  }
  const bestIndex = values.indexOf(Math.min(...values));
  return simplex[bestIndex];
}
