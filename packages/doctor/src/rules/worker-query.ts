// A worker-side query slows as the data grows: a frame (the crawler profile's dedup check by name, else the top
// growing frame) grows in the workers, workers busier, CPU rising.
import type { GrownFrame, KindEvidence } from '../collect/profile-evidence.js';
import type { ProcEvidence } from '../collect/proc-evidence.js';
import { decayLine, grewMarkedly, GROWN_SHARE, isDecay, kindOf, num, pct, rateEvidence, rateNumbers, samplesOf, stallEvidence, STARVED_IDLE } from './evidence-text.js';
import type { Rule } from './finding.js';

interface Detection {
  w: KindEvidence | undefined;
  procW: ProcEvidence['kinds'][number] | undefined;
  top: GrownFrame | undefined;
  dedupGrew: boolean;
  topGrew: boolean;
  cpuRising: boolean;
}

export const workerQuery: Rule<Detection> = {
  cause: 'worker-query-slowing',
  fault: 'dedup-scan',
  detect(e) {
    const w = kindOf(e, 'worker');
    const procW = e.proc?.kinds.find((k) => k.kind === 'worker');
    const top = w?.grown[0];
    const dedup = w?.watched.dedup;
    const dedupGrew = dedup !== undefined && grewMarkedly(dedup, samplesOf(w));
    const topGrew = top !== undefined && Math.max(top.selfDelta, top.totalDelta) >= GROWN_SHARE;
    const cpuRising = !!procW && procW.cpuEarly !== null && procW.cpuLate !== null && procW.cpuLate - procW.cpuEarly >= 0.1;
    if (!dedupGrew && !topGrew && !cpuRising) return [];
    return [{ w, procW, top, dedupGrew, topGrew, cpuRising }];
  },
  confidence(x, e) {
    const busy = x.w !== undefined && x.w.idleLate < STARVED_IDLE;
    const idleFalling = x.w !== undefined && x.w.idleEarly - x.w.idleLate >= 0.03;
    let c = 0.15;
    if (x.dedupGrew) c += 0.35;
    else if (x.topGrew) c += 0.2;
    if (x.cpuRising) c += 0.1;
    if (busy) c += 0.1;
    if (idleFalling) c += 0.1;
    if (isDecay(e)) c += 0.2;
    return c;
  },
  explain(x, e) {
    const { w, procW, top } = x;
    const what = x.dedupGrew ? 'the dedup check' : top ? `${top.label}${top.within ? ` (in ${top.within})` : ''}` : 'their own work';
    const share = x.dedupGrew ? w!.watched.dedup : top ? { early: top.before.total, late: top.after.total } : undefined;
    const summary =
      `Workers slow down in their own query: ${share ? `${what} grew from ${pct(share.early)} to ${pct(share.late)} of their time` : `CPU ${num(procW?.cpuEarly)} → ${num(procW?.cpuLate)} cores`}` +
      (w ? `, idle ${pct(w.idleEarly)} → ${pct(w.idleLate)}` : '') +
      (decayLine(e) ? `; ${decayLine(e)}` : '');
    return {
      title: 'A worker-side query slows down as the data grows',
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
  },
};
