// Store time per process kind, early vs late in a run: for each store method the time per call and its share of
// the processes' wall time, and the method whose share grew most. This is the evidence that names a slow store
// call when the store is remote (MongoDB, FerretDB): the query runs in the server, and the caller's profile only
// shows it waiting, but the caller's own timing of the call grows.
import type { MethodTime, StoreTimeRecord } from './store-time-lines.js';

export interface MethodShare {
  /** Calls in the range (a window that straddles the range's edge counts in proportion to its overlap). */
  calls: number;
  totalMs: number;
  /** Slowest single call of the windows that overlap the range. */
  maxMs: number;
  /** Mean wall time per call, ms; null without calls. */
  perCallMs: number | null;
  /** Store time of this method / wall time of the kind's processes in the range (can exceed 1 when calls overlap). */
  share: number;
}

export interface StoreTimePart {
  /** Wall time of the kind's processes covered by their windows in the range, summed over processes, ms. */
  wallMs: number;
  processes: number;
  /** All store calls' time / wall time. */
  storeShare: number;
  methods: Record<string, MethodShare>;
}

export interface MethodGrowth {
  method: string;
  shareEarly: number;
  shareLate: number;
  perCallEarlyMs: number | null;
  perCallLateMs: number | null;
}

export interface StoreTimeKind {
  kind: string;
  early: StoreTimePart;
  late: StoreTimePart;
  /** Every method seen, by how much its share grew (late − early), most first. */
  growth: MethodGrowth[];
  /** The method whose share of wall time grew most, when any share grew. */
  grownMost?: MethodGrowth;
}

export interface StoreTimeEvidence {
  early: { from: string; to: string };
  late: { from: string; to: string };
  /** Store time lines read from the run's logs (all of them, not only those in the ranges). */
  lines: number;
  kinds: StoreTimeKind[];
}

export interface RangeMs {
  fromMs: number;
  toMs: number;
}

/** Sums a kind's windows over a range, each weighted by the part of it inside the range. */
export function storeTimeIn(records: readonly StoreTimeRecord[], range: RangeMs): StoreTimePart {
  const sums = new Map<string, MethodTime>();
  const processes = new Set<string>();
  let wallMs = 0;
  for (const r of records) {
    const span = r.toMs - r.fromMs;
    const overlap = Math.min(range.toMs, r.toMs) - Math.max(range.fromMs, r.fromMs);
    if (span <= 0 || overlap <= 0) continue;
    const part = overlap / span;
    wallMs += overlap;
    processes.add(r.process);
    for (const [name, m] of Object.entries(r.methods)) {
      const s = sums.get(name) ?? { calls: 0, totalMs: 0, maxMs: 0, failed: 0 };
      s.calls += m.calls * part;
      s.totalMs += m.totalMs * part;
      s.maxMs = Math.max(s.maxMs, m.maxMs);
      s.failed += m.failed * part;
      sums.set(name, s);
    }
  }
  const methods: Record<string, MethodShare> = {};
  let storeMs = 0;
  for (const [name, s] of [...sums].sort((a, b) => b[1].totalMs - a[1].totalMs)) {
    storeMs += s.totalMs;
    methods[name] = {
      calls: s.calls,
      totalMs: s.totalMs,
      maxMs: s.maxMs,
      perCallMs: s.calls > 0 ? s.totalMs / s.calls : null,
      share: wallMs > 0 ? s.totalMs / wallMs : 0,
    };
  }
  return { wallMs, processes: processes.size, storeShare: wallMs > 0 ? storeMs / wallMs : 0, methods };
}

function growthOf(early: StoreTimePart, late: StoreTimePart): MethodGrowth[] {
  const names = new Set([...Object.keys(early.methods), ...Object.keys(late.methods)]);
  return [...names]
    .map((method) => ({
      method,
      shareEarly: early.methods[method]?.share ?? 0,
      shareLate: late.methods[method]?.share ?? 0,
      perCallEarlyMs: early.methods[method]?.perCallMs ?? null,
      perCallLateMs: late.methods[method]?.perCallMs ?? null,
    }))
    .sort((a, b) => b.shareLate - b.shareEarly - (a.shareLate - a.shareEarly));
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Per process kind (dispatcher, worker), the store time early and late, and what grew. */
export function storeTimeEvidence(records: readonly StoreTimeRecord[], early: RangeMs, late: RangeMs): StoreTimeEvidence {
  const kinds: StoreTimeKind[] = [];
  for (const kind of [...new Set(records.map((r) => r.kind))].sort()) {
    const mine = records.filter((r) => r.kind === kind);
    const e = storeTimeIn(mine, early);
    const l = storeTimeIn(mine, late);
    const growth = growthOf(e, l);
    const top = growth[0];
    kinds.push({ kind, early: e, late: l, growth, ...(top && top.shareLate > top.shareEarly ? { grownMost: top } : {}) });
  }
  return { early: { from: iso(early.fromMs), to: iso(early.toMs) }, late: { from: iso(late.fromMs), to: iso(late.toMs) }, lines: records.length, kinds };
}
