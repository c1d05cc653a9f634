// Turns /proc samples into the figures the rules read: per process kind, CPU (share of one core) early and late and
// RSS growth with its trend; system-wide CPU busy share, available memory and load.
import { analyzeValueTrend, type Trend } from '@crawl-diag/log-analyzer';
import type { ProcSamples } from './proc-sampler.js';

export interface KindLoad {
  kind: string;
  processes: number;
  /** Mean CPU per process, share of one core, first and last third of the window. */
  cpuEarly: number | null;
  cpuLate: number | null;
}

export interface RssGrowth {
  pid: number;
  kind: string;
  label: string;
  startBytes: number;
  endBytes: number;
  /** (end − start) / start. */
  relativeChange: number;
  trend: Trend;
}

export interface ProcEvidence {
  samples: ProcSamples;
  kinds: KindLoad[];
  /** System busy share of all cores, mean over the window and over its last third. */
  systemCpuMean: number;
  systemCpuLate: number;
  load1Max: number;
  cores: number;
  memAvailableStart: number;
  memAvailableEnd: number;
  rss: RssGrowth[];
}

const mean = (v: ReadonlyArray<number | null>): number | null => {
  const x = v.filter((n): n is number => n !== null);
  return x.length ? x.reduce((s, n) => s + n, 0) / x.length : null;
};

export function procEvidence(samples: ProcSamples): ProcEvidence {
  const n = samples.at.length;
  const third = Math.max(1, Math.floor(n / 3));
  const kinds = new Map<string, KindLoad & { early: number[]; late: number[] }>();
  for (const p of samples.processes) {
    const k = kinds.get(p.kind) ?? { kind: p.kind, processes: 0, cpuEarly: null, cpuLate: null, early: [], late: [] };
    k.processes++;
    const [e, l] = [mean(p.cpu.slice(0, third)), mean(p.cpu.slice(-third))];
    if (e !== null) k.early.push(e);
    if (l !== null) k.late.push(l);
    kinds.set(p.kind, k);
  }
  const rss: RssGrowth[] = [];
  for (const p of samples.processes) {
    const values = p.rssBytes.filter((x): x is number => x !== null);
    if (values.length < 2) continue;
    const [start, end] = [mean(p.rssBytes.slice(0, third)) ?? values[0], mean(p.rssBytes.slice(-third)) ?? values[values.length - 1]];
    rss.push({
      pid: p.pid,
      kind: p.kind,
      label: p.label,
      startBytes: start,
      endBytes: end,
      relativeChange: start > 0 ? (end - start) / start : 0,
      // No autocorrelation correction: a steady climb is itself strongly autocorrelated, and the correction (made for
      // noisy rates) would call a perfectly monotone 30-reading rise barely significant.
      trend: analyzeValueTrend(p.rssBytes, samples.intervalMs, { autocorrelationCorrection: false }),
    });
  }
  return {
    samples,
    kinds: [...kinds.values()].map(({ early, late, ...k }) => ({ ...k, cpuEarly: mean(early), cpuLate: mean(late) })),
    systemCpuMean: mean(samples.systemCpu) ?? 0,
    systemCpuLate: mean(samples.systemCpu.slice(-third)) ?? 0,
    load1Max: Math.max(0, ...samples.load1),
    cores: samples.cores,
    memAvailableStart: samples.memAvailableBytes[0] ?? 0,
    memAvailableEnd: samples.memAvailableBytes[n - 1] ?? 0,
    rss,
  };
}
