// Politeness contention: the crawler hands out URLs of domains that are not free, so they are postponed: ≥ 1 URL
// postponed per page crawled, or the ratio rising.
import type { RatioSignal } from '@crawl-diag/log-analyzer';
import { decayLine, fmtP, isDecay, kindOf, num, pct, rateEvidence, rateNumbers, STARVED_IDLE } from './evidence-text.js';
import type { Rule } from './finding.js';

/** Postponed per crawled page above which politeness holds the crawl back even when not rising. */
const HIGH_POSTPONED_RATIO = 1;

interface Detection {
  p: RatioSignal & { early: number; late: number };
  rising: boolean;
  high: boolean;
}

export const politeness: Rule<Detection> = {
  cause: 'politeness-contention',
  fault: 'politeness-blind',
  detect(e) {
    const p = e.logs?.signals.postponedPerPage;
    if (!p || p.early === null || p.late === null) return [];
    const rising = p.trend.verdict === 'growth' || (p.late > p.early * 1.25 && p.late - p.early > 0.1);
    const high = p.late >= HIGH_POSTPONED_RATIO;
    return rising || high ? [{ p: p as Detection['p'], rising, high }] : [];
  },
  confidence(x, e) {
    const w = kindOf(e, 'worker');
    let c = 0.3;
    if (x.rising) c += 0.25;
    if (x.high) c += 0.25;
    if (w && w.idleLate >= STARVED_IDLE) c += 0.1;
    if (isDecay(e)) c += 0.1;
    return c;
  },
  explain({ p }, e) {
    const w = kindOf(e, 'worker');
    return {
      title: 'Politeness contention: the dispatcher hands out URLs of domains that are not free',
      summary:
        `Politeness contention: ${num(p.late)} URLs postponed per page crawled late in the run (${num(p.early)} early, trend ${p.trend.verdict}${p.trend.pValue !== null ? `, ${fmtP(p.trend.pValue)}` : ''})` +
        (w ? `; workers ${pct(w.idleLate)} idle` : '') +
        (decayLine(e) ? `; ${decayLine(e)}` : ''),
      evidence: [
        { what: 'postponed per crawled page, early → late', value: `${num(p.early)} → ${num(p.late)}`, unit: 'ratio', source: 'logs' },
        { what: 'postponed/crawled trend', value: p.trend.verdict, source: 'logs' },
        ...(w ? [{ what: 'worker idle share, late', value: w.idleLate, unit: 'share', source: 'profile' as const }] : []),
        ...rateEvidence(e),
      ],
      numbers: { postponedPerPageEarly: p.early, postponedPerPageLate: p.late, postponedTrendP: p.trend.pValue, workerIdleLate: w?.idleLate ?? null, ...rateNumbers(e) },
    };
  },
};
