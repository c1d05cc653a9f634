// Universal Scalability Law fit of throughput against node count:
//   X(N) = λ·N / (1 + σ·(N − 1) + κ·N·(N − 1))
// σ (contention) and κ (coherency) are bounded to ≥ 0; λ is solved in closed form for each (σ, κ) (the model is
// linear in λ), so the search is over two bounded parameters: a coarse grid, then a shrinking local search.
// Written here because no maintained npm package fits the USL; the log analyzer's own fit (issue 3) may
// replace it once it is exported.

export interface UslFit {
  sigma: number;
  kappa: number;
  /** Throughput of one node, as fitted. */
  lambda: number;
  /** Node count where throughput peaks, √((1 − σ)/κ); null when κ = 0 (no peak: throughput keeps growing). */
  peakNodes: number | null;
  /** Coefficient of determination of the fit. */
  r2: number;
  /** `sigma-kappa` with 3+ node counts; `sigma` with 2 (κ is held at 0: two points cannot tell them apart). */
  fitted: 'sigma-kappa' | 'sigma';
}

export interface Point {
  nodes: number;
  throughput: number;
}

export function uslThroughput(n: number, p: { lambda: number; sigma: number; kappa: number }): number {
  return (p.lambda * n) / (1 + p.sigma * (n - 1) + p.kappa * n * (n - 1));
}

/** Null with fewer than two distinct node counts (nothing to fit). */
export function fitUsl(points: Point[]): UslFit | null {
  const pts = points.filter((p) => p.nodes >= 1 && Number.isFinite(p.throughput));
  if (new Set(pts.map((p) => p.nodes)).size < 2) return null;
  const withKappa = new Set(pts.map((p) => p.nodes)).size >= 3;

  const evaluate = (sigma: number, kappa: number): { lambda: number; sse: number } => {
    // Best λ for fixed σ, κ: least squares of y against λ·f(N).
    let fy = 0;
    let ff = 0;
    const f = pts.map((p) => p.nodes / (1 + sigma * (p.nodes - 1) + kappa * p.nodes * (p.nodes - 1)));
    pts.forEach((p, i) => {
      fy += f[i] * p.throughput;
      ff += f[i] * f[i];
    });
    const lambda = ff > 0 ? fy / ff : 0;
    let sse = 0;
    pts.forEach((p, i) => (sse += (p.throughput - lambda * f[i]) ** 2));
    return { lambda, sse };
  };

  let best = { sigma: 0, kappa: 0, ...evaluate(0, 0) };
  const consider = (sigma: number, kappa: number) => {
    if (sigma < 0 || sigma > 1 || kappa < 0 || kappa > 1) return;
    const e = evaluate(sigma, kappa);
    if (e.sse < best.sse) best = { sigma, kappa, ...e };
  };
  const grid = [0, ...Array.from({ length: 60 }, (_, i) => 1e-4 * Math.pow(1e4, i / 59))];
  for (const s of grid) for (const k of withKappa ? grid : [0]) consider(s, k);
  let step = { s: 0.05, k: withKappa ? 0.05 : 0 };
  for (let iter = 0; iter < 200 && (step.s > 1e-7 || step.k > 1e-7); iter++) {
    const before = best.sse;
    for (const [ds, dk] of [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, -1], [1, -1], [-1, 1]]) {
      consider(best.sigma + ds * step.s, best.kappa + dk * step.k);
    }
    if (best.sse >= before) step = { s: step.s / 2, k: step.k / 2 };
  }

  const mean = pts.reduce((s, p) => s + p.throughput, 0) / pts.length;
  const sst = pts.reduce((s, p) => s + (p.throughput - mean) ** 2, 0);
  const round = (x: number) => Number(x.toPrecision(4));
  return {
    sigma: round(best.sigma),
    kappa: round(best.kappa),
    lambda: round(best.lambda),
    peakNodes: best.kappa > 0 ? round(Math.sqrt(Math.max(0, 1 - best.sigma) / best.kappa)) : null,
    r2: sst > 0 ? round(1 - best.sse / sst) : 1,
    fitted: withKappa ? 'sigma-kappa' : 'sigma',
  };
}
