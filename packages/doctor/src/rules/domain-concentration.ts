// Domain concentration: the pages come from fewer and fewer domains (the effective number of domains, 1/Σshare²,
// falls), so per-domain politeness caps the whole crawl: a frontier drained of all but a few large sites. Any
// crawler that is polite per domain meets it; read from the URLs of the pages in its logs.
import type { DomainSignal } from '@crawl-diag/log-analyzer';
import { crawlerOf } from '../collect/evidence.js';
import { decayLine, isDecay, num, pct, rateEvidence, rateNumbers, ratioRose } from './evidence-text.js';
import type { Rule } from './finding.js';

/** The effective number of domains must fall at least this much (late / early ≤ this): a third fewer. */
const FALL = 2 / 3;
/** So few effective domains late that per-domain politeness alone can cap the crawl. */
const FEW_DOMAINS = 5;

interface Detection {
  d: DomainSignal;
  early: number;
  late: number;
  few: boolean;
  /** Pages per second per effective domain, early and late. */
  perDomainEarly: number;
  perDomainLate: number;
}

/**
 * Per-domain rate rising more than this means the domains could take more: they are not what caps the crawl. A
 * crawler that limits each domain by default may crawl its last domains up to 4 times harder than early on (our
 * crawler's real run: 0.38 → 1.22 pages/s per domain, at its 1 s delay late, bound by its concurrency early); one
 * without a default limit is held to 2 (real Crawlee with sameDomainDelaySecs 1: ×1.6; without, BFS order narrows
 * the crawl and its few sites are crawled 3 to 8 times harder).
 */
const CAPPED_RISE = { limited: 4, unlimited: 2 };
/** The rate late at most this share of the rate early: the crawl slowed with its domains. */
const RATE_FELL = 0.8;

export const domainConcentration: Rule<Detection> = {
  cause: 'domain-concentration',
  detect(e) {
    const s = e.logs?.signals;
    const d = s?.domains;
    const [early, late] = [d?.early.effective ?? null, d?.late.effective ?? null];
    if (!s || !d || early === null || late === null || early < 3 || late <= 0) return [];
    const fell = late <= early * FALL;
    const few = late <= FEW_DOMAINS || (d.late.topShare ?? 0) >= 0.5;
    if (!fell || !(few || d.effectiveTrend.verdict === 'decay')) return [];
    // Per domain that served the pages: a third's pages per second over the effective number of the domains those
    // pages came from, both pooled. (Over the time-weighted number, a crawl left with one site for its last seconds
    // would have the pages of the busy seconds before credited to that one site, and look as if it crawled it harder.)
    const perDomainEarly = s.rate.perSecEarly / (d.earlyPooled.effective ?? early);
    const perDomainLate = s.rate.perSecLate / (d.latePooled.effective ?? late);
    // A crawl that narrows but crawls its few domains much harder, or no slower overall, is not held back by them:
    // not a finding. (The rate's own verdict may still say steady on a short noisy run; a fifth slower is asked.)
    const crawler = crawlerOf(e);
    // A crawler that logs each URL its per-domain limit holds back, and logged none: the limit never bound.
    if (crawler.logsEveryHeldBackUrl && (s.postponedPerPage?.numeratorTotal ?? 0) === 0) return [];
    const rise = crawler.perDomainLimit ? CAPPED_RISE.limited : CAPPED_RISE.unlimited;
    if (perDomainLate > perDomainEarly * rise || s.rate.perSecLate > s.rate.perSecEarly * RATE_FELL) return [];
    return [{ d, early, late, few, perDomainEarly, perDomainLate }];
  },
  confidence(x, e) {
    // The cause is per-domain politeness capping a narrowed crawl: the rate falls with the domains while each
    // remaining domain is crawled no harder than before (detect leaves out crawls that do not).
    let c = 0.35;
    if (x.few) c += 0.1;
    if (x.d.effectiveTrend.verdict === 'decay') c += 0.05;
    if (isDecay(e)) c += 0.25;
    // The per-domain limit seen holding URLs back: postponements rising, or, for a crawler that logs each URL its
    // limit holds back, at least one per page crawled (its politeness binds; the domains falling say why it binds
    // more, where the postponements alone, level, would not explain a decay).
    const postponed = e.logs?.signals.postponedPerPage;
    if (ratioRose(postponed, 0.1) || (crawlerOf(e).logsEveryHeldBackUrl && (postponed?.late ?? 0) >= 1)) c += 0.05;
    return c;
  },
  explain({ d, early, late, perDomainEarly, perDomainLate }, e) {
    const top = d.late.top ? `; ${d.late.top} has ${pct(d.late.topShare)} of the pages late (${pct(d.early.topShare)} early)` : '';
    const crawler = crawlerOf(e);
    const perDomain = `; ${num(perDomainEarly)} → ${num(perDomainLate)} pages/s per effective domain (${perDomainLate <= perDomainEarly * 1.2 ? 'no harder than before' : 'harder, but not in proportion'}: the remaining domains are at their limit)`;
    const limit = crawler.perDomainLimitNote ? ` (${crawler.label}'s per-domain limit: ${crawler.perDomainLimitNote})` : '';
    return {
      title: 'Domain concentration: pages come from fewer and fewer domains, so per-domain politeness limits the crawl',
      summary: `Domain concentration: the effective number of domains fetched fell from ${num(early, 1)} to ${num(late, 1)} (distinct domains ${d.early.distinct} → ${d.late.distinct})${top}${perDomain}${limit}${decayLine(e) ? `; ${decayLine(e)}` : ''}`,
      evidence: [
        { what: 'effective number of domains (1/Σshare²), early → late', value: `${num(early, 1)} → ${num(late, 1)}`, source: 'logs' },
        { what: 'distinct domains, early → late', value: `${d.early.distinct} → ${d.late.distinct}`, source: 'logs' },
        ...(d.late.top ? [{ what: `share of pages from ${d.late.top}, early → late`, value: `${pct(d.early.topShare)} → ${pct(d.late.topShare)}`, source: 'logs' as const }] : []),
        { what: 'effective domains trend', value: d.effectiveTrend.verdict, source: 'logs' },
        { what: 'pages per second per effective domain, early → late', value: `${num(perDomainEarly)} → ${num(perDomainLate)}`, source: 'logs' },
        ...rateEvidence(e),
      ],
      numbers: {
        effectiveDomainsEarly: early,
        effectiveDomainsLate: late,
        distinctDomainsEarly: d.early.distinct,
        distinctDomainsLate: d.late.distinct,
        topDomainShareEarly: d.early.topShare,
        topDomainShareLate: d.late.topShare,
        perDomainRateEarly: perDomainEarly,
        perDomainRateLate: perDomainLate,
        ...rateNumbers(e),
      },
    };
  },
};
