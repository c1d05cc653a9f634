// Store-bound: a process spends a growing share of its wall time in database client calls (sqlite3, pymongo,
// psycopg, redis; the mongodb driver, better-sqlite3, pg: the crawler profile's clients), named by the program's
// line that makes them: a query that slows as the data grows (an unindexed table, a collection scan). Any crawler,
// any process kind; for a crawler with a dispatcher, its dispatcher's frontier query is the dispatcher rule's.
import { crawlerOf } from '../collect/evidence.js';
import type { KindEvidence } from '../collect/profile-evidence.js';
import type { StoreShare } from '../collect/store-share.js';
import { decayLine, grewMarkedly, isDecay, pct, rateEvidence, rateNumbers, samplesOf } from './evidence-text.js';
import type { Rule } from './finding.js';

interface Detection {
  k: KindEvidence & { store: StoreShare };
  growth: number;
}

export const storeBound: Rule<Detection> = {
  cause: 'store-bound',
  detect(e) {
    const grown = (e.profiles?.kinds ?? [])
      .filter((k): k is Detection['k'] => k.kind !== crawlerOf(e).dispatcherKind && k.store !== undefined && k.store.late > 0)
      .filter((k) => grewMarkedly({ early: k.store.early, late: k.store.late }, samplesOf(k)))
      .map((k) => ({ k, growth: k.store.late - k.store.early }))
      .sort((a, b) => b.growth - a.growth);
    return grown.slice(0, 1);
  },
  confidence({ k, growth }, e) {
    // At most 0.8: where the crawler profile names the query (our dedup check), that rule's finding says more.
    let c = 0.3;
    if (growth >= 0.1) c += 0.15;
    // One calling line holding most of the growth names the query.
    const top = k.store.sites[0];
    if (top && top.late - top.early >= growth / 2) c += 0.1;
    if (isDecay(e)) c += 0.25;
    return c;
  },
  explain({ k }, e) {
    const s = k.store;
    const top = s.sites[0];
    const libraries = [...new Set(s.sites.map((x) => x.library))].join(', ');
    return {
      title: `The ${k.kind} process${k.kind === 'crawler' ? '' : 'es'} spend${k.kind === 'crawler' ? 's' : ''} more and more of the time in store calls: a query slows as the data grows`,
      summary:
        `Store-bound ${k.kind}: store calls (${libraries}) took ${pct(s.early)} → ${pct(s.late)} of its wall time` +
        (top ? `, most at ${top.site} (${pct(top.early)} → ${pct(top.late)})` : '') +
        ` — a query that slows as the data grows` +
        (decayLine(e) ? `; ${decayLine(e)}` : ''),
      evidence: [
        { what: `${k.kind} wall time in database client calls, early → late`, value: `${pct(s.early)} → ${pct(s.late)}`, source: 'profile' },
        { what: `the same, of the time not idle`, value: `${pct(s.earlyOfActive)} → ${pct(s.lateOfActive)}`, source: 'profile' },
        ...s.sites.slice(0, 3).map((x) => ({ what: `${x.library} calls at ${x.site}, early → late`, value: `${pct(x.early)} → ${pct(x.late)}`, source: 'profile' as const })),
        ...rateEvidence(e),
      ],
      numbers: {
        storeShareEarly: s.early,
        storeShareLate: s.late,
        storeShareOfActiveEarly: s.earlyOfActive,
        storeShareOfActiveLate: s.lateOfActive,
        topSiteShareEarly: top?.early ?? null,
        topSiteShareLate: top?.late ?? null,
        ...rateNumbers(e),
      },
    };
  },
};
