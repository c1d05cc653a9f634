// The rules: each reads the gathered evidence and, when its signature is there, returns a finding naming one likely
// cause with a confidence (0..1) and the numbers behind it. Findings are ranked most likely first.
// Thresholds are plain constants below so that a reader can see why a rule fired.
import type { Evidence } from './evidence.js';
import type { KindEvidence } from './profile-evidence.js';

export type Cause =
  | 'dispatcher-query-slowing'
  | 'worker-query-slowing'
  | 'politeness-contention'
  | 'robots-refetching'
  | 'robots-undetermined'
  | 'node-stopped'
  | 'cpu-saturation'
  | 'memory-growth'
  | 'decay-unexplained';

/** The bench fault switch (`crawl-diag crawl local --fault`) whose effect each cause describes, where one does. */
export const FAULT_OF_CAUSE: Partial<Record<Cause, string>> = {
  'dispatcher-query-slowing': 'unindexed-frontier',
  'worker-query-slowing': 'dedup-scan',
  'politeness-contention': 'politeness-blind',
  'robots-refetching': 'robots-no-cache',
};

export interface EvidenceItem {
  /** What was measured, in words. */
  what: string;
  value: number | string | null;
  /** Unit of `value`: `share` (0..1), `ratio`, `per-sec`, `bytes`, `cores`, `p`… */
  unit?: string;
  source: 'logs' | 'proc' | 'profile';
}

export interface Finding {
  title: string;
  cause: Cause;
  /** The bench fault that produces this cause, when there is one. */
  fault?: string;
  confidence: number;
  /** One or two lines for people, with the numbers. */
  summary: string;
  evidence: EvidenceItem[];
  /** The same numbers by name, for scripts. */
  numbers: Record<string, number | null>;
}

/** Idle share above which a worker is starved (the profiler's own summary uses the same 0.5). */
const STARVED_IDLE = 0.5;
/** A frame's share must grow by this much (absolute, 0..1) to count as growing. */
const GROWN_SHARE = 0.05;
/** Postponed per crawled page above which politeness holds the crawl back even when not rising. */
const HIGH_POSTPONED_RATIO = 1;
/** robots.txt requests per page at or above which robots.txt is fetched for (nearly) every page. */
const ROBOTS_PER_PAGE = 0.5;
/** Share of the dispatcher's time in the frontier query that is heavy even when not growing. */
const HEAVY_SHARE = 0.1;
const SATURATED_CPU = 0.9;
const RSS_GROWTH = 0.2;

export const pct = (x: number | null | undefined, digits = 0) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);
const num = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '—' : x.toFixed(d));
export const fmtP = (p: number | null) => (p === null ? 'p n/a' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
const clamp = (x: number) => Math.max(0, Math.min(0.99, x));

function kindOf(e: Evidence, name: string): KindEvidence | undefined {
  return e.profiles?.kinds.find((k) => k.kind === name);
}

function decayLine(e: Evidence): string | undefined {
  const r = e.logs?.rate;
  if (!r || r.verdict !== 'decay' || r.relativeChange === null) return undefined;
  return `the crawl rate fell ${pct(-r.relativeChange)} (${fmtP(r.pValue)})`;
}

function rateEvidence(e: Evidence): EvidenceItem[] {
  const r = e.logs?.rate;
  if (!r) return [];
  return [
    { what: 'crawl rate trend', value: r.verdict, source: 'logs' },
    { what: 'crawl rate change over the run', value: r.relativeChange, unit: 'share', source: 'logs' },
    { what: 'trend p-value', value: r.pValue, unit: 'p', source: 'logs' },
  ];
}

function rateNumbers(e: Evidence): Record<string, number | null> {
  const r = e.logs?.rate;
  return r ? { rateChange: r.relativeChange, rateP: r.pValue, ratePerSecEarly: r.perSecEarly, ratePerSecLate: r.perSecLate } : {};
}

/**
 * A watched frame's share of the time grew markedly: by GROWN_SHARE outright, or by a quarter of itself when it
 * already holds a noticeable share (a query taking 8% then 11% of a short run is the start of the same curve).
 * The second, small-share case must also be more than sampling noise: a share read off a few hundred samples is
 * uncertain by a point or two, so the rise must pass a one-sided two-proportion z-test at the 1% level (z > 2.33)
 * on the profiles' sample counts (the shares are time-weighted, the counts are the samples behind them).
 */
function grewMarkedly(s: { early: number; late: number }, samples?: { early: number; late: number }): boolean {
  const d = s.late - s.early;
  if (d >= GROWN_SHARE) return true;
  if (!(s.late >= GROWN_SHARE && d >= 0.02 && s.late >= s.early * 1.25)) return false;
  if (!samples || samples.early <= 0 || samples.late <= 0) return true;
  const pooled = (s.early * samples.early + s.late * samples.late) / (samples.early + samples.late);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / samples.early + 1 / samples.late));
  return se > 0 && d / se > Z_ONE_SIDED_1PCT;
}

const Z_ONE_SIDED_1PCT = 2.326;
const samplesOf = (k: KindEvidence | undefined) => (k ? { early: k.samplesEarly, late: k.samplesLate } : undefined);

const joinClauses = (parts: Array<string | undefined>) => parts.filter(Boolean).join('; ');

/**
 * The dispatcher's share of time in a frame, per URL it would lease if every leased URL were crawled: divided by
 * 1 + postponed per crawled page. A postponed URL goes back to the frontier and is leased again, so under politeness
 * contention the dispatcher leases many URLs per page crawled and its frontier query is busy for that reason, not
 * because each query got slower. Without postponement evidence (or with none postponed) the share is unchanged.
 */
function perCrawledLease(e: Evidence, share: { early: number; late: number }): { early: number; late: number } {
  const p = e.logs?.postponed;
  const churn = (r: number | null | undefined) => 1 + Math.max(0, r ?? 0);
  return { early: share.early / churn(p?.early), late: share.late / churn(p?.late) };
}

/**
 * "The event loop was held up", from the recording's window lengths: evidence beside a slow-query finding (a
 * synchronous query blocks the loop that would hand out work), never a cause on its own.
 */
function stallEvidence(k: KindEvidence | undefined, who: string): EvidenceItem[] {
  const s = k?.loopStalls;
  if (!s || s.stretched === 0) return [];
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    {
      what: `${who} event loop held up (profile windows stretched past 1.5× their length)`,
      value: `${s.stretched} of ${s.windows} windows, up to ${sec(s.maxMs)} at a time, ${sec(s.totalMs)} in all`,
      source: 'profile',
    },
  ];
}

function dispatcherQuery(e: Evidence): Finding | undefined {
  const d = kindOf(e, 'dispatcher');
  const w = kindOf(e, 'worker');
  const procD = e.proc?.kinds.find((k) => k.kind === 'dispatcher');
  const top = d?.grown[0];
  const rawFrontier = d?.watched.frontier;
  const frontier = rawFrontier && perCrawledLease(e, rawFrontier);
  const frontierGrew = frontier !== undefined && grewMarkedly(frontier, samplesOf(d));
  const topShare = top && perCrawledLease(e, { early: top.before.total, late: top.after.total });
  const topSelf = top && perCrawledLease(e, { early: top.before.self, late: top.after.self });
  const topGrew = top !== undefined && Math.max(topSelf!.late - topSelf!.early, topShare!.late - topShare!.early) >= GROWN_SHARE;
  const dispatcherBusier = procD && procD.cpuEarly !== null && procD.cpuLate !== null && procD.cpuLate - procD.cpuEarly >= 0.1 && procD.cpuLate >= 0.5;
  const starved = w !== undefined && w.idleLate >= STARVED_IDLE;
  // A frontier query holding a tenth of the dispatcher's time while workers wait is a weaker hint on its own.
  const frontierHeavy = frontier !== undefined && frontier.late >= HEAVY_SHARE;
  if (!frontierGrew && !topGrew && !dispatcherBusier && !(frontierHeavy && starved)) return undefined;
  const idleRising = w !== undefined && w.idleLate - w.idleEarly >= 0.03;
  const decay = e.logs?.rate.verdict === 'decay';
  let c = 0.15;
  if (frontierGrew) c += 0.35;
  else if (topGrew) c += 0.2;
  else if (frontierHeavy) c += 0.15;
  if (dispatcherBusier) c += 0.1;
  if (starved) c += 0.15;
  if (idleRising) c += 0.1;
  if (decay) c += 0.2;
  if (!starved && w) c -= 0.2; // busy workers point at the workers, not at the dispatcher
  const what = frontierGrew || (frontierHeavy && !topGrew) ? 'the frontier query' : top ? `${top.label}${top.within ? ` (in ${top.within})` : ''}` : 'its own work';
  const byFrontier = frontierGrew || (frontierHeavy && !topGrew);
  // Shown as the profile measured it; the judgement above used the share per crawled page's lease.
  const share = byFrontier ? rawFrontier! : top ? { early: top.before.total, late: top.after.total } : undefined;
  const judged = byFrontier ? frontier! : topShare;
  const churned = share !== undefined && judged !== undefined && judged.late < share.late * 0.9;
  const summary =
    (starved ? `Workers are starved: ${pct(w!.idleLate)} idle (${pct(w!.idleEarly)} early) while` : 'The dispatcher slows as the data grows:') +
    ` the dispatcher spends ${share ? `${pct(share.late)} of its time in ${what}, ${share.late > share.early ? `whose share grew from ${pct(share.early)} to ${pct(share.late)}` : `${pct(share.early)} early`}` : `more CPU (${num(procD?.cpuEarly)} → ${num(procD?.cpuLate)} cores)`}` +
    (churned ? ` (${pct(judged!.late)} per URL crawled, as postponed URLs are leased again)` : '') +
    (decayLine(e) ? `; ${decayLine(e)}` : '');
  return {
    title: 'A dispatcher-side query slows down as the data grows (workers starved)',
    cause: 'dispatcher-query-slowing',
    fault: FAULT_OF_CAUSE['dispatcher-query-slowing'],
    confidence: clamp(c),
    summary,
    evidence: [
      ...(share ? [{ what: `dispatcher time in ${what}, early → late`, value: `${pct(share.early)} → ${pct(share.late)}`, source: 'profile' as const }] : []),
      ...(churned ? [{ what: `the same per URL crawled (postponed URLs are leased again), early → late`, value: `${pct(judged!.early)} → ${pct(judged!.late)}`, source: 'profile' as const }] : []),
      ...(w ? [{ what: 'worker idle share, early → late', value: `${pct(w.idleEarly)} → ${pct(w.idleLate)}`, source: 'profile' as const }] : []),
      ...(procD ? [{ what: 'dispatcher CPU (cores), early → late', value: `${num(procD.cpuEarly)} → ${num(procD.cpuLate)}`, source: 'proc' as const }] : []),
      ...stallEvidence(d, "the dispatcher's"),
      ...rateEvidence(e),
    ],
    numbers: {
      dispatcherLoopStallMaxMs: d?.loopStalls?.maxMs ?? null,
      dispatcherShareEarly: share?.early ?? null,
      dispatcherShareLate: share?.late ?? null,
      dispatcherSharePerCrawledEarly: judged?.early ?? null,
      dispatcherSharePerCrawledLate: judged?.late ?? null,
      workerIdleEarly: w?.idleEarly ?? null,
      workerIdleLate: w?.idleLate ?? null,
      dispatcherCpuEarly: procD?.cpuEarly ?? null,
      dispatcherCpuLate: procD?.cpuLate ?? null,
      ...rateNumbers(e),
    },
  };
}

function workerQuery(e: Evidence): Finding | undefined {
  const w = kindOf(e, 'worker');
  const procW = e.proc?.kinds.find((k) => k.kind === 'worker');
  const top = w?.grown[0];
  const dedup = w?.watched.dedup;
  const dedupGrew = dedup !== undefined && grewMarkedly(dedup, samplesOf(w));
  const topGrew = top !== undefined && Math.max(top.selfDelta, top.totalDelta) >= GROWN_SHARE;
  const cpuRising = procW && procW.cpuEarly !== null && procW.cpuLate !== null && procW.cpuLate - procW.cpuEarly >= 0.1;
  if (!dedupGrew && !topGrew && !cpuRising) return undefined;
  const busy = w !== undefined && w.idleLate < STARVED_IDLE;
  const idleFalling = w !== undefined && w.idleEarly - w.idleLate >= 0.03;
  const decay = e.logs?.rate.verdict === 'decay';
  let c = 0.15;
  if (dedupGrew) c += 0.35;
  else if (topGrew) c += 0.2;
  if (cpuRising) c += 0.1;
  if (busy) c += 0.1;
  if (idleFalling) c += 0.1;
  if (decay) c += 0.2;
  const what = dedupGrew ? 'the dedup check' : top ? `${top.label}${top.within ? ` (in ${top.within})` : ''}` : 'their own work';
  const share = dedupGrew ? dedup! : top ? { early: top.before.total, late: top.after.total } : undefined;
  const summary =
    `Workers slow down in their own query: ${share ? `${what} grew from ${pct(share.early)} to ${pct(share.late)} of their time` : `CPU ${num(procW?.cpuEarly)} → ${num(procW?.cpuLate)} cores`}` +
    (w ? `, idle ${pct(w.idleEarly)} → ${pct(w.idleLate)}` : '') +
    (decayLine(e) ? `; ${decayLine(e)}` : '');
  return {
    title: 'A worker-side query slows down as the data grows',
    cause: 'worker-query-slowing',
    fault: FAULT_OF_CAUSE['worker-query-slowing'],
    confidence: clamp(c),
    summary,
    evidence: [
      ...(share ? [{ what: `worker time in ${what}, early → late`, value: `${pct(share.early)} → ${pct(share.late)}`, source: 'profile' as const }] : []),
      ...(w ? [{ what: 'worker idle share, early → late', value: `${pct(w.idleEarly)} → ${pct(w.idleLate)}`, source: 'profile' as const }] : []),
      ...(procW ? [{ what: 'worker CPU (cores each), early → late', value: `${num(procW.cpuEarly)} → ${num(procW.cpuLate)}`, source: 'proc' as const }] : []),
      ...stallEvidence(w, "the workers'"),
      ...rateEvidence(e),
    ],
    numbers: {
      workerLoopStallMaxMs: w?.loopStalls?.maxMs ?? null,
      workerShareEarly: share?.early ?? null,
      workerShareLate: share?.late ?? null,
      workerIdleEarly: w?.idleEarly ?? null,
      workerIdleLate: w?.idleLate ?? null,
      ...rateNumbers(e),
    },
  };
}

function politeness(e: Evidence): Finding | undefined {
  const p = e.logs?.postponed;
  if (!p || p.early === null || p.late === null) return undefined;
  const rising = p.trend.verdict === 'growth' || (p.late > p.early * 1.25 && p.late - p.early > 0.1);
  const high = p.late >= HIGH_POSTPONED_RATIO;
  if (!rising && !high) return undefined;
  const w = kindOf(e, 'worker');
  let c = 0.3;
  if (rising) c += 0.25;
  if (high) c += 0.25;
  if (w && w.idleLate >= STARVED_IDLE) c += 0.1;
  if (e.logs?.rate.verdict === 'decay') c += 0.1;
  const summary =
    `Politeness contention: ${num(p.late)} URLs postponed per page crawled late in the run (${num(p.early)} early, trend ${p.trend.verdict}${p.trend.pValue !== null ? `, ${fmtP(p.trend.pValue)}` : ''})` +
    (w ? `; workers ${pct(w.idleLate)} idle` : '') +
    (decayLine(e) ? `; ${decayLine(e)}` : '');
  return {
    title: 'Politeness contention: the dispatcher hands out URLs of domains that are not free',
    cause: 'politeness-contention',
    fault: FAULT_OF_CAUSE['politeness-contention'],
    confidence: clamp(c),
    summary,
    evidence: [
      { what: 'postponed per crawled page, early → late', value: `${num(p.early)} → ${num(p.late)}`, unit: 'ratio', source: 'logs' },
      { what: 'postponed/crawled trend', value: p.trend.verdict, source: 'logs' },
      ...(w ? [{ what: 'worker idle share, late', value: w.idleLate, unit: 'share', source: 'profile' as const }] : []),
      ...rateEvidence(e),
    ],
    numbers: { postponedPerPageEarly: p.early, postponedPerPageLate: p.late, postponedTrendP: p.trend.pValue, workerIdleLate: w?.idleLate ?? null, ...rateNumbers(e) },
  };
}

function robotsRefetch(e: Evidence): Finding | undefined {
  const r = e.logs?.robotsRequests;
  const w = kindOf(e, 'worker');
  const onStack = w?.watched.robots;
  const fromRequests = r !== null && r !== undefined && r.perPage !== null && r.perPage >= ROBOTS_PER_PAGE;
  // A robots.txt fetch is mostly a network wait (idle in a profile): even a few percent on the stack is a lot.
  const fromProfile = onStack !== undefined && Math.min(onStack.early, onStack.late) >= 0.03;
  if (!fromRequests && !fromProfile) return undefined;
  let c = 0.2;
  if (fromRequests) c += 0.5;
  if (fromProfile) c += 0.3;
  const summary =
    'robots.txt is fetched again and again: ' +
    joinClauses([
      fromRequests ? `${num(r!.perPage)} robots.txt requests per page (${pct(r!.shareEarly)} of requests early, ${pct(r!.shareLate)} late)` : undefined,
      fromProfile ? `robots.txt code on ${pct(onStack!.early)} → ${pct(onStack!.late)} of the workers' stacks` : undefined,
    ]) +
    ` — slow from the start rather than decaying`;
  return {
    title: 'robots.txt is refetched instead of cached',
    cause: 'robots-refetching',
    fault: FAULT_OF_CAUSE['robots-refetching'],
    confidence: clamp(c),
    summary,
    evidence: [
      ...(r ? [{ what: 'robots.txt requests per page request', value: r.perPage, unit: 'ratio', source: 'logs' as const }] : []),
      ...(onStack ? [{ what: 'share of worker time with robots.txt code on the stack, early → late', value: `${pct(onStack.early)} → ${pct(onStack.late)}`, source: 'profile' as const }] : []),
    ],
    numbers: { robotsPerPage: r?.perPage ?? null, robotsPerPageWholeLog: r?.perPageAll ?? null, robotsShareEarly: r?.shareEarly ?? null, robotsShareLate: r?.shareLate ?? null, robotsOnStackLate: onStack?.late ?? null },
  };
}

function robotsUndetermined(e: Evidence): Finding | undefined {
  const s = e.logs?.robotsUndeterminedShare;
  if (s === null || s === undefined || s < 0.1) return undefined;
  return {
    title: 'robots.txt could not be read for many URLs',
    cause: 'robots-undetermined',
    confidence: clamp(0.3 + s * 0.5),
    summary: `robots.txt was undetermined for ${pct(s)} of the accepted URLs ("Unable to determine if the URL … is allowed"): those URLs are skipped or retried`,
    evidence: [{ what: 'robots undetermined per accepted URL', value: s, unit: 'share', source: 'logs' }],
    numbers: { robotsUndeterminedShare: s },
  };
}

function nodeStopped(e: Evidence): Finding[] {
  return (e.logs?.stopped ?? []).map((s) => ({
    title: `${s.group} stopped`,
    cause: 'node-stopped' as const,
    confidence: 0.85,
    summary: `${s.group} stopped: no lines after ${s.lastEventAt} (${s.silentBuckets} silent buckets after ${num(s.rateBefore, 1)} per bucket)`,
    evidence: [
      { what: `last line of ${s.group}`, value: s.lastEventAt, source: 'logs' as const },
      { what: 'silent buckets after it', value: s.silentBuckets, source: 'logs' as const },
    ],
    numbers: { silentBuckets: s.silentBuckets, rateBefore: s.rateBefore },
  }));
}

function cpuSaturation(e: Evidence): Finding | undefined {
  const p = e.proc;
  if (!p || p.samples.at.length < 3 || p.systemCpuLate < SATURATED_CPU) return undefined;
  return {
    title: 'The machine is CPU-saturated',
    cause: 'cpu-saturation',
    // A saturated machine slows everything on it; it explains a decay only when there is one.
    confidence: clamp(0.3 + Math.min(0.1, (p.systemCpuLate - SATURATED_CPU) * 2) + (e.logs?.rate.verdict === 'decay' ? 0.2 : 0)),
    summary: `CPU saturation: all ${p.cores} cores ${pct(p.systemCpuLate)} busy late in the window (mean ${pct(p.systemCpuMean)}), load average up to ${num(p.load1Max, 1)}`,
    evidence: [
      { what: 'system CPU busy, late', value: p.systemCpuLate, unit: 'share', source: 'proc' },
      { what: 'load average (1 min), max', value: p.load1Max, source: 'proc' },
    ],
    numbers: { systemCpuLate: p.systemCpuLate, systemCpuMean: p.systemCpuMean, load1Max: p.load1Max, cores: p.cores },
  };
}

function memoryGrowth(e: Evidence): Finding[] {
  const grown = (e.proc?.rss ?? []).filter((r) => r.trend.verdict === 'growth' && r.relativeChange >= RSS_GROWTH);
  return grown.map((r) => ({
    title: `Memory grows steadily in ${r.label}`,
    cause: 'memory-growth' as const,
    confidence: clamp(0.35 + Math.min(0.3, r.relativeChange / 2) + (e.logs?.rate.verdict === 'decay' ? 0.1 : 0)),
    summary: `Memory growth: ${r.label} went from ${mb(r.startBytes)} to ${mb(r.endBytes)} RSS (+${pct(r.relativeChange)}, ${fmtP(r.trend.pValue)})`,
    evidence: [{ what: `RSS of ${r.label}, start → end`, value: `${mb(r.startBytes)} → ${mb(r.endBytes)}`, source: 'proc' as const }],
    numbers: { rssStartBytes: r.startBytes, rssEndBytes: r.endBytes, rssChange: r.relativeChange, rssP: r.trend.pValue },
  }));
}

const DECAY_CAUSES: Cause[] = ['dispatcher-query-slowing', 'worker-query-slowing', 'politeness-contention', 'node-stopped', 'cpu-saturation', 'memory-growth'];

function unexplained(e: Evidence, found: Finding[]): Finding | undefined {
  const r = e.logs?.rate;
  if (!r || r.verdict !== 'decay') return undefined;
  if (found.some((f) => DECAY_CAUSES.includes(f.cause) && f.confidence >= 0.5)) return undefined;
  const missing = [!e.profiles && 'profiles (--profiles DIR or --pid)', !e.proc && 'process samples (--pid)'].filter(Boolean).join(' and ');
  return {
    title: 'The crawl rate decays; the evidence given names no cause',
    cause: 'decay-unexplained',
    confidence: 0.3,
    summary: `${decayLine(e)!.replace(/^t/, 'T')}, but nothing in the evidence explains it${missing ? `; add ${missing}` : ''}`,
    evidence: rateEvidence(e),
    numbers: rateNumbers(e),
  };
}

/** Every rule over the evidence, most likely cause first. */
export function findCauses(e: Evidence): Finding[] {
  const found: Finding[] = [
    dispatcherQuery(e),
    workerQuery(e),
    politeness(e),
    robotsRefetch(e),
    robotsUndetermined(e),
    ...nodeStopped(e),
    cpuSaturation(e),
    ...memoryGrowth(e),
  ].filter((f): f is Finding => f !== undefined);
  const u = unexplained(e, found);
  if (u) found.push(u);
  return found.sort((a, b) => b.confidence - a.confidence);
}
