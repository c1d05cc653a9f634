// Synthetic runs with known truth for the detector benchmark: what a crawl's bucketed log counts look like when it
// is steady (Poisson, overdispersed, autocorrelated, cut at the edges), decays (linear, exponential), drops in one
// step, or loses one node. Parameters are drawn per trial from wide ranges so the detector is tested, not tuned.
import type { Random } from '@crawl-diag/log-analyzer';

export type Truth = 'steady' | 'decay';

export interface SyntheticRun {
  /** Groups (nodes) on one grid; most classes have one group. */
  groups: Record<string, number[]>;
  firstBucketCoverage?: number;
  lastBucketCoverage?: number;
  truth: Truth;
  /** True relative change of the rate start→end (steady: 0). */
  relativeChange: number;
  /** Step classes: index of the first bucket after the drop. */
  stepAt?: number;
  /** Node-stop class: the group that stops and its last active bucket. */
  stoppedGroup?: string;
  stoppedAfter?: number;
}

export interface ScenarioClass {
  name: string;
  description: string;
  /** Which targets the class counts toward. */
  target: 'steady' | 'decay>=20%' | 'decay<20%' | 'step>=30%' | 'node-stop' | 'diagnostic';
  generate(rng: Random): SyntheticRun;
}

const uniform = (rng: Random, lo: number, hi: number): number => lo + (hi - lo) * rng.uniform();
const logUniform = (rng: Random, lo: number, hi: number): number => Math.exp(uniform(rng, Math.log(lo), Math.log(hi)));
const intBetween = (rng: Random, lo: number, hi: number): number => lo + rng.integer(hi - lo + 1);

/** Typical crawl: 30–240 buckets, 20–500 strategic lines per bucket. */
function runShape(rng: Random): { n: number; rate: number } {
  return { n: intBetween(rng, 30, 240), rate: logUniform(rng, 20, 500) };
}

/**
 * Enough events to see the decay at all: a linear decay d over n Poisson buckets of rate r gives a trend score of
 * about d·sqrt(n·r/12); for 95% power at two-sided alpha 0.01 and d = 0.2 that needs n·r >= ~5400 events. Decay
 * classes therefore draw the rate so a run holds 6000+ events (30 buckets × 200 lines, or 240 × 25); the sparse
 * classes below show what happens with fewer.
 */
function detectableShape(rng: Random): { n: number; rate: number } {
  const n = intBetween(rng, 30, 240);
  return { n, rate: logUniform(rng, Math.max(20, 6000 / n), 1000) };
}

/** Noise models on top of a mean-rate curve. */
type Noise = (rng: Random, means: number[]) => number[];

const poissonNoise: Noise = (rng, means) => means.map((m) => rng.poisson(m));

/** Gamma-Poisson (negative binomial) with shape k: variance = m + m²/k. */
function overdispersedNoise(k: number): Noise {
  return (rng, means) => means.map((m) => rng.poisson(rng.gamma(k, m / k)));
}

/** AR(1) on the log rate: x_t = phi·x_{t-1} + e_t, marginal sd `sd`; mean rate preserved. */
function autocorrelatedNoise(phi: number, sd: number): Noise {
  return (rng, means) => {
    const innovation = sd * Math.sqrt(1 - phi * phi);
    let x = sd * rng.normal();
    return means.map((m) => {
      const c = rng.poisson(m * Math.exp(x - (sd * sd) / 2));
      x = phi * x + innovation * rng.normal();
      return c;
    });
  };
}

/** A noise model drawn at random from all three families, so decay classes are tested on bursty data too. */
function anyNoise(rng: Random): Noise {
  const pick = rng.integer(3);
  if (pick === 0) return poissonNoise;
  if (pick === 1) return overdispersedNoise(uniform(rng, 5, 30));
  return autocorrelatedNoise(uniform(rng, 0.3, 0.7), uniform(rng, 0.05, 0.15));
}

function single(counts: number[], rest: Omit<SyntheticRun, 'groups'>): SyntheticRun {
  return { groups: { main: counts }, ...rest };
}

/** A constant rate over a typical run shape, with noise drawn per trial (after the shape, so seeds stay stable). */
function steady(name: string, description: string, target: ScenarioClass['target'], noise: (rng: Random) => Noise): ScenarioClass {
  return {
    name,
    description,
    target,
    generate(rng) {
      const { n, rate } = runShape(rng);
      return single(noise(rng)(rng, new Array(n).fill(rate)), { truth: 'steady', relativeChange: 0 });
    },
  };
}

function linearDecay(drop: number, noise: (rng: Random) => Noise, label: string): ScenarioClass {
  // Bursty noise (coefficient of variation up to ~0.45 per bucket) caps the power of any test; those classes are
  // reported, not held to the sensitivity target, which the issue states for the detectable (Poisson) case.
  const target: ScenarioClass['target'] = label ? 'diagnostic' : drop >= 0.2 ? 'decay>=20%' : 'decay<20%';
  return {
    name: `decay-linear-${Math.round(drop * 100)}${label}`,
    description: `rate falls linearly by ${Math.round(drop * 100)}% over the run, 6000+ events${label ? ` (${label.slice(1)} noise: gamma-Poisson or AR(1) log rate)` : ' (Poisson)'}`,
    target,
    generate(rng) {
      const { n, rate } = detectableShape(rng);
      const means = Array.from({ length: n }, (_, i) => rate * (1 - (drop * i) / (n - 1)));
      return single(noise(rng)(rng, means), { truth: 'decay', relativeChange: -drop });
    },
  };
}

/** Linear decay in runs with few events (total drawn log-uniformly in [lo, hi]): where power runs out. */
function sparseDecay(drop: number, lo: number, hi: number): ScenarioClass {
  return {
    name: `decay-linear-${Math.round(drop * 100)}-sparse-${lo}-${hi}`,
    description: `rate falls linearly by ${Math.round(drop * 100)}%, run of only ${lo}–${hi} events (Poisson)`,
    target: 'diagnostic',
    generate(rng) {
      const n = intBetween(rng, 30, 240);
      const rate = logUniform(rng, lo, hi) / n / (1 - drop / 2);
      const means = Array.from({ length: n }, (_, i) => rate * (1 - (drop * i) / (n - 1)));
      return single(poissonNoise(rng, means), { truth: 'decay', relativeChange: -drop });
    },
  };
}

/**
 * A closed-loop crawler: `concurrency` requests in flight, each slot starting its next request when the last one
 * ends, latencies gamma-distributed around `latency(u)` (u = share of the run elapsed, 0..1) with coefficient of
 * variation `cv`, times a slow AR(1) jitter of the server (log sd `jitter`, phi 0.5). Counts per bucket are then
 * sub-Poisson (variance about mean·cv² for many slots), as Scrapy's and Crawlee's are. `slotStart(j)` (share of
 * the run) delays slot j: an autoscaled pool growing its concurrency. Bucket length 1; rate at u = 0 is
 * concurrency / latency(0) per bucket.
 */
function closedLoop(
  rng: Random,
  n: number,
  concurrency: number,
  latency: (u: number) => number,
  cv: number,
  jitter: number,
  slotStart: (slot: number) => number = () => 0,
): number[] {
  const counts = new Array<number>(n).fill(0);
  const shape = 1 / (cv * cv);
  // One server jitter value per bucket, shared by every slot (the server is slow for everyone at once).
  const wobble: number[] = [];
  let x = jitter * rng.normal();
  for (let b = 0; b < n; b++) {
    wobble.push(Math.exp(x));
    x = 0.5 * x + jitter * Math.sqrt(1 - 0.25) * rng.normal();
  }
  for (let slot = 0; slot < concurrency; slot++) {
    // A running slot is mid-request when the log starts: its first end is uniform within one latency.
    let t = slotStart(slot) * n + rng.uniform() * latency(0);
    while (t < n) {
      counts[Math.floor(t)]++;
      const b = Math.min(n - 1, Math.floor(t));
      t += rng.gamma(shape, (latency(t / n) * wobble[b]) / shape);
    }
  }
  return counts;
}

/** Closed-loop run shape: `lo`–`hi` pages per bucket at the start, concurrency 2–64, latency CV 0.1–0.6. */
function closedLoopShape(rng: Random, lo: number, hi: number): { n: number; rate: number; concurrency: number; cv: number; jitter: number } {
  const n = intBetween(rng, 30, 240);
  const rate = logUniform(rng, Math.max(lo, 3000 / n), hi);
  return { n, rate, concurrency: intBetween(rng, 2, 64), cv: uniform(rng, 0.1, 0.6), jitter: uniform(rng, 0, 0.04) };
}

/** Rate shapes of a slowing server, as rate(u)/rate(0) for a total drop `drop` over the run. */
const DECLINES: Record<string, (drop: number) => (u: number) => number> = {
  // Latency grows linearly (a server slowing steadily): the rate falls as 1/latency, convex.
  hyperbolic: (drop) => (u) => 1 / (1 + (drop / (1 - drop)) * u),
  exponential: (drop) => (u) => Math.exp(Math.log(1 - drop) * u),
  // Rate holds up, then falls ever faster (a cache or pool filling up): concave.
  concave: (drop) => (u) => 1 - drop * u * u,
};

function closedLoopDecline(shapeName: keyof typeof DECLINES, counts: 'low' | 'high'): ScenarioClass {
  const [lo, hi] = counts === 'low' ? [20, 60] : [60, 1500];
  return {
    name: `closed-loop-${shapeName}-${counts}`,
    description: `closed-loop crawler (2–64 in flight, sub-Poisson counts), ${shapeName} decline of 20–75%, ${lo}–${hi} pages per bucket at the start`,
    target: 'decay>=20%',
    generate(rng) {
      const { n, rate, concurrency, cv, jitter } = closedLoopShape(rng, lo, hi);
      const drop = uniform(rng, 0.2, 0.75);
      const shape = DECLINES[shapeName](drop);
      const l0 = concurrency / rate;
      return single(closedLoop(rng, n, concurrency, (u) => l0 / shape(u), cv, jitter), { truth: 'decay', relativeChange: -drop });
    },
  };
}

export const SCENARIOS: ScenarioClass[] = [
  steady('steady-poisson', 'constant rate, Poisson counts', 'steady', () => poissonNoise),
  steady('steady-overdispersed', 'constant rate, gamma-Poisson counts (shape 1–10: variance up to 100x Poisson)', 'steady', (rng) =>
    overdispersedNoise(uniform(rng, 1, 10)),
  ),
  steady('steady-autocorrelated', 'constant mean rate, AR(1) log rate (phi 0.5–0.9, sd 0.1–0.3)', 'steady', (rng) =>
    autocorrelatedNoise(uniform(rng, 0.5, 0.9), uniform(rng, 0.1, 0.3)),
  ),
  steady(
    'steady-autocorrelated-strong',
    'constant mean rate, AR(1) log rate with phi 0.9–0.95 (slow regime changes; effective sample size n/20–n/40)',
    'steady',
    (rng) => autocorrelatedNoise(uniform(rng, 0.9, 0.95), uniform(rng, 0.1, 0.3)),
  ),
  {
    name: 'steady-partial-edges',
    description: 'constant Poisson rate, first and last buckets cut to 5–95% coverage',
    target: 'steady',
    generate(rng) {
      const { n, rate } = runShape(rng);
      const first = uniform(rng, 0.05, 0.95);
      const last = uniform(rng, 0.05, 0.95);
      const means = new Array(n).fill(rate);
      means[0] *= first;
      means[n - 1] *= last;
      return single(poissonNoise(rng, means), { truth: 'steady', relativeChange: 0, firstBucketCoverage: first, lastBucketCoverage: last });
    },
  },
  linearDecay(0.1, () => poissonNoise, ''),
  linearDecay(0.2, () => poissonNoise, ''),
  linearDecay(0.3, () => poissonNoise, ''),
  linearDecay(0.4, () => poissonNoise, ''),
  linearDecay(0.6, () => poissonNoise, ''),
  linearDecay(0.2, anyNoise, '-bursty'),
  linearDecay(0.3, anyNoise, '-bursty'),
  {
    name: 'decay-exponential',
    description: 'rate decays exponentially, losing 20–60% over the run, 6000+ events (Poisson)',
    target: 'decay>=20%',
    generate(rng) {
      const { n, rate } = detectableShape(rng);
      const drop = uniform(rng, 0.2, 0.6);
      const k = -Math.log(1 - drop) / (n - 1);
      const means = Array.from({ length: n }, (_, i) => rate * Math.exp(-k * i));
      return single(poissonNoise(rng, means), { truth: 'decay', relativeChange: -drop });
    },
  },
  {
    name: 'decay-exponential-bursty',
    description: 'as decay-exponential, with gamma-Poisson or AR(1) noise',
    target: 'diagnostic',
    generate(rng) {
      const { n, rate } = detectableShape(rng);
      const drop = uniform(rng, 0.2, 0.6);
      const k = -Math.log(1 - drop) / (n - 1);
      const means = Array.from({ length: n }, (_, i) => rate * Math.exp(-k * i));
      return single(anyNoise(rng)(rng, means), { truth: 'decay', relativeChange: -drop });
    },
  },
  {
    name: 'step-drop',
    description: 'rate drops 30–60% at once, between 25% and 75% of the run (Poisson)',
    target: 'step>=30%',
    generate(rng) {
      const { n, rate } = runShape(rng);
      const drop = uniform(rng, 0.3, 0.6);
      const at = intBetween(rng, Math.floor(n / 4), Math.floor((3 * n) / 4));
      const means = Array.from({ length: n }, (_, i) => (i < at ? rate : rate * (1 - drop)));
      return single(poissonNoise(rng, means), { truth: 'decay', relativeChange: -drop, stepAt: at });
    },
  },
  {
    name: 'step-drop-bursty',
    description: 'as step-drop, with overdispersed or autocorrelated noise',
    target: 'diagnostic',
    generate(rng) {
      const { n, rate } = runShape(rng);
      const drop = uniform(rng, 0.3, 0.6);
      const at = intBetween(rng, Math.floor(n / 4), Math.floor((3 * n) / 4));
      const means = Array.from({ length: n }, (_, i) => (i < at ? rate : rate * (1 - drop)));
      return single(anyNoise(rng)(rng, means), { truth: 'decay', relativeChange: -drop, stepAt: at });
    },
  },
  {
    name: 'node-stop',
    description: '3–8 steady nodes (5–100 lines per bucket each); one stops between 30% and 80% of the run',
    target: 'node-stop',
    generate(rng) {
      const n = intBetween(rng, 30, 240);
      const nodes = intBetween(rng, 3, 8);
      const stopAfter = intBetween(rng, Math.floor(0.3 * n), Math.floor(0.8 * n));
      const victim = `crawler-${rng.integer(nodes) + 1}.log`;
      const groups: Record<string, number[]> = {};
      for (let g = 1; g <= nodes; g++) {
        const name = `crawler-${g}.log`;
        const rate = logUniform(rng, 5, 100);
        const means = Array.from({ length: n }, (_, i) => (name === victim && i > stopAfter ? 0 : rate));
        groups[name] = overdispersedNoise(uniform(rng, 5, 30))(rng, means);
      }
      return { groups, truth: 'decay', relativeChange: Number.NaN, stoppedGroup: victim, stoppedAfter: stopAfter };
    },
  },
  {
    name: 'steady-nodes',
    description: '3–8 steady nodes (1–100 lines per bucket each, gamma-Poisson shape 0.5–30): no node may be called stopped',
    target: 'node-stop',
    generate(rng) {
      const n = intBetween(rng, 30, 240);
      const nodes = intBetween(rng, 3, 8);
      const groups: Record<string, number[]> = {};
      for (let g = 1; g <= nodes; g++) {
        const rate = logUniform(rng, 1, 100);
        groups[`crawler-${g}.log`] = overdispersedNoise(uniform(rng, 0.5, 30))(rng, new Array(n).fill(rate));
      }
      return { groups, truth: 'steady', relativeChange: 0 };
    },
  },
  {
    name: 'steady-low-rate',
    description: 'constant rate of only 1–20 lines per bucket, Poisson (sparse logs)',
    target: 'steady',
    generate(rng) {
      const n = intBetween(rng, 30, 240);
      return single(poissonNoise(rng, new Array(n).fill(logUniform(rng, 1, 20))), { truth: 'steady', relativeChange: 0 });
    },
  },
  sparseDecay(0.2, 300, 1500),
  sparseDecay(0.2, 1500, 6000),
  sparseDecay(0.4, 300, 1500),
  sparseDecay(0.4, 1500, 6000),
  closedLoopDecline('hyperbolic', 'high'),
  closedLoopDecline('hyperbolic', 'low'),
  closedLoopDecline('exponential', 'high'),
  closedLoopDecline('exponential', 'low'),
  closedLoopDecline('concave', 'high'),
  closedLoopDecline('concave', 'low'),
  {
    name: 'closed-loop-step',
    description: 'closed-loop crawler; the server halves its capacity once (rate drops 20–60% at 20–80% of the run), then flat',
    target: 'decay>=20%',
    generate(rng) {
      const { n, rate, concurrency, cv, jitter } = closedLoopShape(rng, 20, 1500);
      const drop = uniform(rng, 0.2, 0.6);
      const at = uniform(rng, 0.2, 0.8);
      const l0 = concurrency / rate;
      const counts = closedLoop(rng, n, concurrency, (u) => (u < at ? l0 : l0 / (1 - drop)), cv, jitter);
      return single(counts, { truth: 'decay', relativeChange: -drop, stepAt: Math.round(at * n) });
    },
  },
  {
    name: 'closed-loop-warmup-decline',
    description:
      'closed-loop crawler whose pool starts small and grows over the first 3–15% of the run (rate from 10–50% of its peak), then a hyperbolic or exponential decline of 20–60%',
    target: 'decay>=20%',
    generate(rng) {
      const { n, rate, concurrency, cv, jitter } = closedLoopShape(rng, 20, 1500);
      const drop = uniform(rng, 0.2, 0.6);
      const ramp = uniform(rng, 0.03, 0.15);
      const startShare = uniform(rng, 0.1, 0.5);
      const shape = DECLINES[rng.uniform() < 0.5 ? 'hyperbolic' : 'exponential'](drop);
      const slots = Math.max(4, concurrency);
      const l0 = slots / rate;
      // The decline runs over the part after the ramp; the first startShare of the slots run from the start.
      const after = (u: number): number => shape(Math.max(0, (u - ramp) / (1 - ramp)));
      const slotStart = (j: number): number => (j < startShare * slots ? 0 : ramp * ((j - startShare * slots) / (slots * (1 - startShare))));
      return single(closedLoop(rng, n, slots, (u) => l0 / after(u), cv, jitter, slotStart), { truth: 'decay', relativeChange: -drop });
    },
  },
  {
    name: 'steady-closed-loop',
    description: 'closed-loop crawler at a constant server latency (sub-Poisson counts), 20–1500 pages per bucket',
    target: 'steady',
    generate(rng) {
      const { n, rate, concurrency, cv, jitter } = closedLoopShape(rng, 20, 1500);
      const l0 = concurrency / rate;
      return single(closedLoop(rng, n, concurrency, () => l0, cv, jitter), { truth: 'steady', relativeChange: 0 });
    },
  },
  {
    name: 'steady-closed-loop-wander',
    description: 'closed-loop crawler whose server latency wanders slowly: AR(1) log latency, phi 0.9–0.95, sd 0.1–0.3',
    target: 'steady',
    generate(rng) {
      const { n, rate, concurrency, cv } = closedLoopShape(rng, 20, 1500);
      const phi = uniform(rng, 0.9, 0.95);
      const sd = uniform(rng, 0.1, 0.3);
      const path: number[] = [];
      let x = sd * rng.normal();
      for (let b = 0; b <= n; b++) {
        path.push(Math.exp(x - (sd * sd) / 2));
        x = phi * x + sd * Math.sqrt(1 - phi * phi) * rng.normal();
      }
      const l0 = concurrency / rate;
      return single(closedLoop(rng, n, concurrency, (u) => l0 * path[Math.min(n, Math.floor(u * n))], cv, 0), { truth: 'steady', relativeChange: 0 });
    },
  },
  // Short runs (12–20 buckets: a 2–3 minute crawl read off statistics lines every 10 s): diagnostics, outside the
  // targets (which are stated for 30+ buckets), to show what the verdict does with as few points as the real
  // fixtures' statistics series have.
  shortClosedLoop('short-steady-closed-loop', 'steady', () => () => 1),
  shortClosedLoop('short-steady-closed-loop-wander', 'steady', () => () => 1, true),
  shortClosedLoop('short-closed-loop-hyperbolic', 'decay', (drop) => DECLINES.hyperbolic(drop)),
  shortClosedLoop('short-closed-loop-step', 'decay', (drop, at) => (u) => (u < at ? 1 : 1 - drop)),
];

/**
 * A closed-loop run of 12–20 buckets, 60–1500 pages per bucket: steady (optionally with the server's latency
 * wandering, AR(1) phi 0.9–0.95, log sd 0.1–0.3, per bucket), a hyperbolic decline or a step (at 30–70%) of 20–60%.
 */
function shortClosedLoop(
  name: string,
  truth: Truth,
  shape: (drop: number, at: number) => (u: number) => number,
  wander = false,
): ScenarioClass {
  return {
    name,
    description: `closed-loop crawler, 12–20 buckets of 60–1500 pages: ${truth === 'steady' ? (wander ? 'steady, server latency wandering (AR(1) phi 0.9–0.95)' : 'steady') : name.includes('step') ? 'a step drop of 20–60% at 30–70% of the run' : 'a hyperbolic decline of 20–60%'}`,
    target: 'diagnostic',
    generate(rng) {
      const n = intBetween(rng, 12, 20);
      const rate = logUniform(rng, 60, 1500);
      const concurrency = intBetween(rng, 2, 64);
      const cv = uniform(rng, 0.1, 0.6);
      const drop = truth === 'decay' ? uniform(rng, 0.2, 0.6) : 0;
      const at = uniform(rng, 0.3, 0.7);
      const rateShape = shape(drop, at);
      const path: number[] = [];
      if (wander) {
        const phi = uniform(rng, 0.9, 0.95);
        const sd = uniform(rng, 0.1, 0.3);
        let x = sd * rng.normal();
        for (let b = 0; b <= n; b++) {
          path.push(Math.exp(x - (sd * sd) / 2));
          x = phi * x + sd * Math.sqrt(1 - phi * phi) * rng.normal();
        }
      }
      const l0 = concurrency / rate;
      const latency = (u: number): number => (l0 / rateShape(u)) * (wander ? path[Math.min(n, Math.floor(u * n))] : 1);
      return single(closedLoop(rng, n, concurrency, latency, cv, wander ? 0 : uniform(rng, 0, 0.04)), { truth, relativeChange: -drop });
    },
  };
}
