// Universal Scalability Law fit of throughput against node count, X(N) = λN / (1 + σ(N−1) + κN(N−1)), for the
// bench result: the log analyzer's fit (bounded least squares with bootstrap intervals) for three or more node
// counts; with two, the one-parameter contention-only law (κ = 0) solved exactly, since two points cannot tell
// contention from coherency.
import { fitUsl as fitUslAnalyzer, uslThroughput as analyzerThroughput } from '@crawl-diag/log-analyzer';

export interface UslFit {
  sigma: number;
  kappa: number;
  /** Throughput of one node, as fitted. */
  lambda: number;
  /** Node count where throughput peaks, √((1 − σ)/κ); null when κ = 0 (no peak: throughput keeps growing). */
  peakNodes: number | null;
  /** Coefficient of determination of the fit (1 for the exact two-point solution). */
  r2: number;
  /** `sigma-kappa` with 3+ node counts; `sigma` with 2 (κ held at 0). */
  fitted: 'sigma-kappa' | 'sigma';
  /** 95% bootstrap intervals from the analyzer, when it could give them. */
  intervals?: { sigma: [number, number]; kappa: [number, number]; peakNodes: [number | null, number | null] };
}

export interface Point {
  nodes: number;
  throughput: number;
}

export function uslThroughput(n: number, p: { lambda: number; sigma: number; kappa: number }): number {
  return analyzerThroughput(n, p);
}

const round = (x: number) => Number(x.toPrecision(4));

/** Null with fewer than two distinct node counts (nothing to fit). */
export function fitUsl(points: Point[]): UslFit | null {
  const pts = points.filter((p) => p.nodes >= 1 && p.throughput >= 0);
  const counts = [...new Set(pts.map((p) => p.nodes))].sort((a, b) => a - b);
  if (counts.length < 2) return null;
  if (counts.length === 2) return fitContentionOnly(pts, counts[0], counts[1]);
  const f = fitUslAnalyzer(pts);
  return {
    sigma: round(f.sigma),
    kappa: round(f.kappa),
    lambda: round(f.lambda),
    peakNodes: f.peakNodes === null ? null : round(f.peakNodes),
    r2: round(f.rSquared),
    fitted: 'sigma-kappa',
    ...(f.intervals
      ? {
          intervals: {
            sigma: f.intervals.sigma.map(round) as [number, number],
            kappa: f.intervals.kappa.map(round) as [number, number],
            peakNodes: f.intervals.peakNodes.map((x) => (x === null ? null : round(x))) as [number | null, number | null],
          },
        }
      : {}),
  };
}

/** κ = 0 through two node counts: r = X(b)/X(a) = (b/a)(1 + σ(a−1))/(1 + σ(b−1)), solved for σ, clamped to [0, 1]. */
function fitContentionOnly(pts: Point[], a: number, b: number): UslFit {
  const mean = (n: number) => {
    const xs = pts.filter((p) => p.nodes === n).map((p) => p.throughput);
    return xs.reduce((s, x) => s + x, 0) / xs.length;
  };
  const [xa, xb] = [mean(a), mean(b)];
  const r = xa > 0 ? xb / xa : 0;
  const denominator = r * (b - 1) - (b / a) * (a - 1);
  const sigma = denominator !== 0 ? Math.min(1, Math.max(0, (b / a - r) / denominator)) : 0;
  const lambda = (xa * (1 + sigma * (a - 1))) / a;
  return { sigma: round(sigma), kappa: 0, lambda: round(lambda), peakNodes: null, r2: 1, fitted: 'sigma' };
}
