// Seeded synthetic count series for the analysis tests (not a test file itself).
import { seededRandom, type Random } from '../src/analysis/random.js';

export function poissonSeries(rng: Random, means: number[]): number[] {
  return means.map((m) => rng.poisson(m));
}

export function constant(n: number, rate: number): number[] {
  return new Array(n).fill(rate);
}

export function linear(n: number, rate: number, drop: number): number[] {
  return Array.from({ length: n }, (_, i) => rate * (1 - (drop * i) / (n - 1)));
}

/** Poisson counts around a mean rate whose log follows an AR(1) with coefficient phi and marginal sd `sd`. */
export function autocorrelatedSeries(rng: Random, n: number, rate: number, phi: number, sd: number): number[] {
  const innovation = sd * Math.sqrt(1 - phi * phi);
  let x = sd * rng.normal();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(rng.poisson(rate * Math.exp(x - (sd * sd) / 2)));
    x = phi * x + innovation * rng.normal();
  }
  return out;
}

/** Gamma-Poisson (negative binomial) counts: variance = m + m²/shape. */
export function overdispersedSeries(rng: Random, means: number[], shape: number): number[] {
  return means.map((m) => rng.poisson(rng.gamma(shape, m / shape)));
}

export { seededRandom };
