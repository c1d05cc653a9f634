// A dispatcher-side query slows as the data grows: the frontier query's (or the dispatcher's top growing frame's)
// share of the dispatcher grows, or holds a tenth of its time while the workers wait. For crawlers with a separate
// dispatcher process (ours: the crawler profile's `dispatcherKind`).
import { crawlerOf, type Evidence } from '../collect/evidence.js';
import type { GrownFrame, KindEvidence } from '../collect/profile-evidence.js';
import type { ProcEvidence } from '../collect/proc-evidence.js';
import { decayLine, grewMarkedly, GROWN_SHARE, isDecay, kindOf, num, pct, rateEvidence, rateNumbers, samplesOf, stallEvidence, STARVED_IDLE } from './evidence-text.js';
import type { Rule } from './finding.js';

/** Share of the dispatcher's time in the frontier query that is heavy even when not growing. */
const HEAVY_SHARE = 0.1;

interface Detection {
  d: KindEvidence | undefined;
  w: KindEvidence | undefined;
  procD: ProcEvidence['kinds'][number] | undefined;
  top: GrownFrame | undefined;
  frontierGrew: boolean;
  topGrew: boolean;
  dispatcherBusier: boolean;
  starved: boolean;
  frontierHeavy: boolean;
  share: { early: number; late: number } | undefined;
  judged: { early: number; late: number } | undefined;
  what: string;
}

/**
 * The dispatcher's share of time in a frame, per URL it would lease if every leased URL were crawled: divided by
 * 1 + postponed per crawled page. A postponed URL goes back to the frontier and is leased again, so under politeness
 * contention the dispatcher leases many URLs per page crawled and its frontier query is busy for that reason, not
 * because each query got slower. Without postponement evidence (or with none postponed) the share is unchanged.
 */
function perCrawledLease(e: Evidence, share: { early: number; late: number }): { early: number; late: number } {
  const p = e.logs?.signals.postponedPerPage;
  const churn = (r: number | null | undefined) => 1 + Math.max(0, r ?? 0);
  return { early: share.early / churn(p?.early), late: share.late / churn(p?.late) };
}

export const dispatcherQuery: Rule<Detection> = {
  cause: 'dispatcher-query-slowing',
  fault: 'unindexed-frontier',
  detect(e) {
    const dispatcherKind = crawlerOf(e).dispatcherKind ?? 'dispatcher';
    const d = kindOf(e, dispatcherKind);
    const w = kindOf(e, 'worker');
    const procD = e.proc?.kinds.find((k) => k.kind === dispatcherKind);
    const top = d?.grown[0];
    const rawFrontier = d?.watched.frontier;
    const frontier = rawFrontier && perCrawledLease(e, rawFrontier);
    const frontierGrew = frontier !== undefined && grewMarkedly(frontier, samplesOf(d));
    const topShare = top && perCrawledLease(e, { early: top.before.total, late: top.after.total });
    const topSelf = top && perCrawledLease(e, { early: top.before.self, late: top.after.self });
    const topGrew = top !== undefined && Math.max(topSelf!.late - topSelf!.early, topShare!.late - topShare!.early) >= GROWN_SHARE;
    const dispatcherBusier = !!procD && procD.cpuEarly !== null && procD.cpuLate !== null && procD.cpuLate - procD.cpuEarly >= 0.1 && procD.cpuLate >= 0.5;
    const starved = w !== undefined && w.idleLate >= STARVED_IDLE;
    // A frontier query holding a tenth of the dispatcher's time while workers wait is a weaker hint on its own.
    const frontierHeavy = frontier !== undefined && frontier.late >= HEAVY_SHARE;
    if (!frontierGrew && !topGrew && !dispatcherBusier && !(frontierHeavy && starved)) return [];
    const byFrontier = frontierGrew || (frontierHeavy && !topGrew);
    const what = byFrontier ? 'the frontier query' : top ? `${top.label}${top.within ? ` (in ${top.within})` : ''}` : 'its own work';
    // Shown as the profile measured it; the judgement used the share per crawled page's lease.
    const share = byFrontier ? rawFrontier! : top ? { early: top.before.total, late: top.after.total } : undefined;
    const judged = byFrontier ? frontier! : topShare;
    return [{ d, w, procD, top, frontierGrew, topGrew, dispatcherBusier, starved, frontierHeavy, share, judged, what }];
  },
  confidence(x, e) {
    const idleRising = x.w !== undefined && x.w.idleLate - x.w.idleEarly >= 0.03;
    let c = 0.15;
    if (x.frontierGrew) c += 0.35;
    else if (x.topGrew) c += 0.2;
    else if (x.frontierHeavy) c += 0.15;
    if (x.dispatcherBusier) c += 0.1;
    if (x.starved) c += 0.15;
    if (idleRising) c += 0.1;
    if (isDecay(e)) c += 0.2;
    if (!x.starved && x.w) c -= 0.2; // busy workers point at the workers, not at the dispatcher
    return c;
  },
  explain(x, e) {
    const { share, judged, w, procD, d, what } = x;
    const churned = share !== undefined && judged !== undefined && judged.late < share.late * 0.9;
    const summary =
      (x.starved ? `Workers are starved: ${pct(w!.idleLate)} idle (${pct(w!.idleEarly)} early) while` : 'The dispatcher slows as the data grows:') +
      ` the dispatcher spends ${share ? `${pct(share.late)} of its time in ${what}, ${share.late > share.early ? `whose share grew from ${pct(share.early)} to ${pct(share.late)}` : `${pct(share.early)} early`}` : `more CPU (${num(procD?.cpuEarly)} → ${num(procD?.cpuLate)} cores)`}` +
      (churned ? ` (${pct(judged!.late)} per URL crawled, as postponed URLs are leased again)` : '') +
      (decayLine(e) ? `; ${decayLine(e)}` : '');
    return {
      title: 'A dispatcher-side query slows down as the data grows (workers starved)',
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
  },
};
