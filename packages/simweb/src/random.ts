// A small seeded pseudo-random generator (mulberry32): the simulated web must be the same for the same seed on every
// machine and Node version, which Math.random cannot give. Hand-written because it is 10 lines and a dependency for
// it would be larger than the code.

export type Random = () => number;

/** A generator of floats in [0, 1) determined entirely by `seed`. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** One of `weights`' keys, drawn with probability proportional to its weight. */
export function weightedChoice<K extends string>(random: Random, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
  let r = random() * total;
  for (const [key, w] of entries) {
    r -= Math.max(0, w);
    if (r < 0) return key;
  }
  return entries[entries.length - 1][0];
}
