// The `crawl-diag/bench-nodes@1` result (contract in DESIGN.md): what one `bench nodes` invocation measured.
// Fields beyond the contract are extras the contract allows readers to ignore.
import type { Trend } from '@crawl-diag/log-analyzer';
import type { Machine } from '../common/machine.js';
import type { NodeRate } from '../common/run-logs.js';
import type { UslFit } from '../common/usl-fit.js';

export interface NodesRun {
  nodes: number;
  pagesPerSec: number;
  trend: { verdict: Trend['verdict']; relativeChange: number | null; pValue?: number | null };
  /** Extra: pagesPerSec / (nodes × pagesPerSec of the smallest run per node); 1 is linear scaling. */
  efficiency: number | null;
  /** Extra: per node (supervisor), its rate and trend. */
  perNode: Record<string, { pagesPerSec: number; verdict: Trend['verdict']; relativeChange: number | null }>;
  /** Extra: pages fetched per second per bucket from the first fetch; `window` marks the measured part. */
  ratePerSec: number[];
  window: { from: number; to: number };
  /** Extra: postponed / crawled per bucket, aligned with ratePerSec. */
  postponedRatio: Array<number | null>;
  totals: { crawled: number; postponed: number; ignored: number; failed: number };
  /** Extra: the analyzer's verdict over the whole log, warm-up included. */
  wholeRunTrend: { verdict: Trend['verdict']; relativeChange: number | null };
  /** Extra: the crawl's own closing line. */
  crawlSummary?: string;
  /**
   * Extra: CPU over the measured window (as pages/s: warm-up and shutdown left out). `machineBusy`: share of all
   * cores busy (every process on the machine, the bench's own web too). `storeServer`: the store server the bench
   * started (FerretDB): its CPU as a share of one core and per page fetched. Absent where /proc cannot tell.
   */
  cpu?: { machineBusy: number | null; storeServer?: { coreShare: number; msPerPage: number | null } };
}

export interface NodesResult {
  schema: 'crawl-diag/bench-nodes@1';
  scenario: string;
  store: 'sqlite' | 'mongo';
  /** For `mongo` on the FerretDB the bench started: its storage (the store server's CPU is then FerretDB's plus PostgreSQL's). */
  backend?: 'sqlite' | 'postgresql';
  machine: Machine;
  runs: NodesRun[];
  usl: { sigma: number | null; kappa: number | null; peakNodes: number | null; lambda?: number; r2?: number; fitted?: string };
  /** Extra: how it was measured. */
  command: string;
  measuredAt: string;
  settings: {
    durationSec: number;
    workersPerNode: number;
    warmupSec: number;
    bucketMs: number;
    delayMs: number;
    maxDepth: number;
    web: { sites: number; pages: number; maxPagesPerSite: number; minPagesPerSite: number; latencyMs: number; linksPerPage: number; fanout: number; seed: number };
  };
}

export function perNodeSummary(perNode: Record<string, NodeRate>): NodesRun['perNode'] {
  const out: NodesRun['perNode'] = {};
  for (const [node, r] of Object.entries(perNode)) {
    out[node] = { pagesPerSec: round(r.pagesPerSec), verdict: r.trend.verdict, relativeChange: roundOrNull(r.trend.relativeChange) };
  }
  return out;
}

/** Scaling efficiency of each run against the smallest run's throughput per node. */
export function withEfficiency(runs: NodesRun[]): NodesRun[] {
  const base = [...runs].sort((a, b) => a.nodes - b.nodes)[0];
  const perNode = base && base.pagesPerSec > 0 ? base.pagesPerSec / base.nodes : 0;
  return runs.map((r) => ({ ...r, efficiency: perNode > 0 ? round(r.pagesPerSec / (r.nodes * perNode), 3) : null }));
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function roundOrNull(x: number | null, digits = 3): number | null {
  return x === null ? null : round(x, digits);
}
