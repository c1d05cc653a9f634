// The web pushes back: sites answer 429 (too many requests) or 503 more and more, requests are retried, time out or
// are given up, while the rate falls. The crawler is being throttled by the sites, not slowed by its own code; any
// crawler can meet it. From the logs alone: Scrapy's `Retrying …: 429` and `Crawled (429)`, Crawlee's `Request
// blocked - received 429`, request lines and access logs with their status; in a Scrapy log at LOG_LEVEL=INFO (no
// per-answer lines), its `Gave up retrying …: 429` errors; for a crawler whose failure lines carry no status (the
// original Python crawler's `Could not retrieve content`), failed fetches per page.
import type { RatioSignal } from '@crawl-diag/log-analyzer';
import { crawlerOf } from '../collect/evidence.js';
import { decayLine, isDecay, joinClauses, num, pct, rateEvidence, rateNumbers, ratioRose } from './evidence-text.js';
import type { EvidenceItem, Rule } from './finding.js';

/** A 429/503 share of attempts this high throttles a crawl even when it is not rising. */
const HIGH_PUSHBACK = 0.2;

interface Detection {
  pushback: RatioSignal | null;
  retries: RatioSignal | null;
  timeouts: RatioSignal | null;
  gaveUp: RatioSignal | null;
  gaveUpRefused: RatioSignal | null;
  pushbackRising: boolean;
  /** Requests given up after 429/503 to every attempt, per page, rising: what a log without per-answer lines shows. */
  refusedRising: boolean;
  /** Failed fetches per page rising, for a crawler whose failure lines carry no status (its only sign of refusals). */
  failedRising: boolean;
  pushbackHigh: boolean;
  retriesRising: boolean;
  timeoutsRising: boolean;
}

const ratioText = (r: RatioSignal, what: string, asShare: boolean) =>
  `${what} ${asShare ? `${pct(r.early)} → ${pct(r.late)}` : `${num(r.early)} → ${num(r.late)}`}`;

export const webPushback: Rule<Detection> = {
  cause: 'web-pushback',
  detect(e) {
    const s = e.logs?.signals;
    if (!s) return [];
    const pushbackRising = ratioRose(s.pushbackShare, 0.05);
    const pushbackHigh = (s.pushbackShare?.late ?? 0) >= HIGH_PUSHBACK;
    const retriesRising = ratioRose(s.retriesPerPage, 0.05);
    const timeoutsRising = ratioRose(s.timeoutsPerPage, 0.05);
    const refusedRising = ratioRose(s.gaveUpRefusedPerPage, 0.05);
    const failedRising = crawlerOf(e).failuresWithoutStatus === true && ratioRose(s.gaveUpPerPage, 0.05);
    if (!pushbackRising && !pushbackHigh && !retriesRising && !timeoutsRising && !refusedRising && !failedRising) return [];
    return [
      { pushback: s.pushbackShare, retries: s.retriesPerPage, timeouts: s.timeoutsPerPage, gaveUp: s.gaveUpPerPage, gaveUpRefused: s.gaveUpRefusedPerPage, pushbackRising, pushbackHigh, retriesRising, timeoutsRising, refusedRising, failedRising },
    ];
  },
  confidence(x, e) {
    let c = 0.3;
    if (x.pushbackRising || x.refusedRising) c += 0.3;
    // Failures of any kind: refusals most likely when the rate falls with them, but the log does not say.
    else if (x.failedRising) c += 0.2;
    else if (x.pushbackHigh) c += 0.15;
    if (x.retriesRising) c += 0.1;
    if (x.timeoutsRising) c += 0.1;
    if (isDecay(e)) c += 0.2;
    return c;
  },
  explain(x, e) {
    const { pushback, retries, timeouts, gaveUp, gaveUpRefused } = x;
    // Where the log has no per-answer lines, the refusals show as requests given up on them.
    const refusedClause = gaveUpRefused && x.refusedRising && !x.pushbackRising;
    const parts = [
      pushback && (x.pushbackRising || x.pushbackHigh) ? ratioText(pushback, '429/503 answers', true) + ' of attempts' : undefined,
      retries && (x.retriesRising || x.pushbackRising) ? ratioText(retries, 'retries per page', false) : undefined,
      timeouts && x.timeoutsRising ? ratioText(timeouts, 'timeouts per page', false) : undefined,
      refusedClause
        ? ratioText(gaveUpRefused!, 'given up on 429/503 per page', false)
        : gaveUp && x.failedRising && !x.pushbackRising
          ? ratioText(gaveUp, 'failed fetches per page (the log gives no status)', false)
          : gaveUp && (gaveUp.late ?? 0) > 0
            ? ratioText(gaveUp, 'given up per page', false)
            : undefined,
    ];
    const evidence: EvidenceItem[] = [];
    const item = (r: RatioSignal | null, what: string) => r && evidence.push({ what: `${what}, early → late`, value: `${num(r.early, 3)} → ${num(r.late, 3)}`, unit: 'ratio', source: 'logs' });
    item(pushback, '429/503 answers per attempt');
    item(retries, 'retries per page');
    item(timeouts, 'timeouts per page');
    item(gaveUp, 'requests given up per page');
    item(gaveUpRefused, 'requests given up on 429/503 per page');
    return {
      title: 'The web pushes back: sites throttle the crawler (429/503, retries, timeouts)',
      summary: `The web pushes back: ${joinClauses(parts)}${decayLine(e) ? `; ${decayLine(e)}` : ''}`,
      evidence: [...evidence, ...rateEvidence(e)],
      numbers: {
        pushbackShareEarly: pushback?.early ?? null,
        pushbackShareLate: pushback?.late ?? null,
        pushbackShare: pushback?.overall ?? null,
        retriesPerPageEarly: retries?.early ?? null,
        retriesPerPageLate: retries?.late ?? null,
        timeoutsPerPageEarly: timeouts?.early ?? null,
        timeoutsPerPageLate: timeouts?.late ?? null,
        gaveUpPerPage: gaveUp?.overall ?? null,
        gaveUpRefusedPerPageEarly: gaveUpRefused?.early ?? null,
        gaveUpRefusedPerPageLate: gaveUpRefused?.late ?? null,
        ...rateNumbers(e),
      },
    };
  },
};
