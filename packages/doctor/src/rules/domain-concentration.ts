// Domain concentration: the pages come from fewer and fewer domains (the effective number of domains, 1/Σshare²,
// falls), so per-domain politeness caps the whole crawl: a frontier drained of all but a few large sites. Any
// crawler that is polite per domain meets it; read from the URLs of the pages in its logs.
import type { DomainSignal } from '@crawl-diag/log-analyzer';
import { decayLine, isDecay, num, pct, rateEvidence, rateNumbers, ratioRose } from './evidence-text.js';
import type { Rule } from './finding.js';

/** The effective number of domains must fall at least this much (late / early ≤ this). */
const FALL = 0.5;
/** So few effective domains late that per-domain politeness alone can cap the crawl. */
const FEW_DOMAINS = 5;

interface Detection {
  d: DomainSignal;
  early: number;
  late: number;
  few: boolean;
}

export const domainConcentration: Rule<Detection> = {
  cause: 'domain-concentration',
  detect(e) {
    const d = e.logs?.signals.domains;
    const [early, late] = [d?.early.effective ?? null, d?.late.effective ?? null];
    if (!d || early === null || late === null || early < 3) return [];
    const fell = late <= early * FALL;
    const few = late <= FEW_DOMAINS || (d.late.topShare ?? 0) >= 0.5;
    return fell && (few || d.effectiveTrend.verdict === 'decay') ? [{ d, early, late, few }] : [];
  },
  confidence(x, e) {
    // A fall to a handful of domains (or one site holding half the pages) is what lets politeness cap the crawl; a
    // fall from 18 to 6 domains as a small web runs out is weaker evidence than a clear defect found beside it.
    let c = 0.45;
    if (x.few) c += 0.15;
    if (x.d.effectiveTrend.verdict === 'decay') c += 0.05;
    if (isDecay(e)) c += 0.15;
    if (ratioRose(e.logs?.signals.postponedPerPage, 0.1)) c += 0.05;
    return c;
  },
  explain({ d, early, late }, e) {
    const top = d.late.top ? `; ${d.late.top} has ${pct(d.late.topShare)} of the pages late (${pct(d.early.topShare)} early)` : '';
    return {
      title: 'Domain concentration: pages come from fewer and fewer domains, so per-domain politeness limits the crawl',
      summary: `Domain concentration: the effective number of domains fetched fell from ${num(early, 1)} to ${num(late, 1)} (distinct domains ${d.early.distinct} → ${d.late.distinct})${top}${decayLine(e) ? `; ${decayLine(e)}` : ''}`,
      evidence: [
        { what: 'effective number of domains (1/Σshare²), early → late', value: `${num(early, 1)} → ${num(late, 1)}`, source: 'logs' },
        { what: 'distinct domains, early → late', value: `${d.early.distinct} → ${d.late.distinct}`, source: 'logs' },
        ...(d.late.top ? [{ what: `share of pages from ${d.late.top}, early → late`, value: `${pct(d.early.topShare)} → ${pct(d.late.topShare)}`, source: 'logs' as const }] : []),
        { what: 'effective domains trend', value: d.effectiveTrend.verdict, source: 'logs' },
        ...rateEvidence(e),
      ],
      numbers: {
        effectiveDomainsEarly: early,
        effectiveDomainsLate: late,
        distinctDomainsEarly: d.early.distinct,
        distinctDomainsLate: d.late.distinct,
        topDomainShareEarly: d.early.topShare,
        topDomainShareLate: d.late.topShare,
        ...rateNumbers(e),
      },
    };
  },
};
