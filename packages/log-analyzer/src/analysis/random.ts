// Seeded random numbers for the USL bootstrap, the tests and the detector benchmark: results must be repeatable.
// Hand-written because the deterministic generators on npm are either unmaintained or bring a whole numeric
// library for four functions; these are textbook algorithms (cited inline).

export interface Random {
  /** Uniform on [0, 1). */
  uniform(): number;
  normal(): number;
  /** Gamma(shape, scale): mean shape·scale. */
  gamma(shape: number, scale: number): number;
  poisson(lambda: number): number;
  /** Integer in [0, n). */
  integer(n: number): number;
}

/** mulberry32 (Tommy Ettinger): 32-bit state, passes the usual statistical batteries for this kind of use. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    // Marsaglia polar method.
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * f;
    return u * f;
  };
  const gamma = (shape: number, scale: number): number => {
    // Marsaglia & Tsang (2000); shape < 1 via the boost U^(1/shape).
    if (shape < 1) return gamma(shape + 1, scale) * Math.pow(uniform() || Number.MIN_VALUE, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x ** 4) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  };
  const poisson = (lambda: number): number => {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      // Knuth's multiplication method.
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = uniform();
      while (p > limit) {
        k++;
        p *= uniform();
      }
      return k;
    }
    // Hörmann (1993) PTRS transformed rejection, exact for lambda >= 10.
    const slam = Math.sqrt(lambda);
    const logLam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = uniform() - 0.5;
      const v = uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLam - logFactorial(k)) return k;
    }
  };
  return { uniform, normal, gamma, poisson, integer: (n) => Math.floor(uniform() * n) };
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  // Stirling series; exact enough (error < 1e-10) for k >= 10, the only place PTRS calls it with large k.
  if (k < 10) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k ** 3);
}
