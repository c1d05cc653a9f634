// The sites answer more slowly: the mean time a request takes rises while the rate falls. A crawler with a fixed
// number of requests in flight (Scrapy's CONCURRENT_REQUESTS, Crawlee's pool at its ceiling) crawls at
// concurrency / latency, so a web that takes twice as long halves the rate without anything wrong in the crawler.
// Read where the logs carry request times (Crawlee's statistics).
import { decayLine, isDecay, num, rateEvidence, rateNumbers } from './evidence-text.js';
import type { Rule } from './finding.js';

/** Late mean request time at least this many times the early one. */
const SLOWER = 1.5;

interface Detection {
  earlyMs: number;
  lateMs: number;
  /** Late/early rate against early/late latency: 1 when the rate fell exactly as the latency rose. */
  explained: number | null;
}

export const webSlowing: Rule<Detection> = {
  cause: 'web-slowing',
  detect(e) {
    const s = e.logs?.signals;
    const t = s?.requestMs;
    // Pooled (time of all requests / requests): an interval with three slow requests must not outweigh one with 300.
    const [early, late] = [t?.earlyPooled ?? null, t?.latePooled ?? null];
    if (!s || early === null || late === null || early <= 0 || late < early * SLOWER) return [];
    const r = s.rate;
    const explained = r.perSecEarly > 0 && late > 0 ? r.perSecLate / r.perSecEarly / (early / late) : null;
    return [{ earlyMs: early, lateMs: late, explained }];
  },
  confidence(x, e) {
    let c = 0.4 + Math.min(0.15, (x.lateMs / x.earlyMs - SLOWER) * 0.1 + 0.05);
    if (isDecay(e)) c += 0.2;
    // The rate fell about as much as the requests slowed (within 30%): latency accounts for the decay.
    if (x.explained !== null && x.explained > 0.7 && x.explained < 1.3) c += 0.1;
    // The rate fell far more than the latency rose (a third as much explained): something else does most of it.
    if (x.explained !== null && x.explained < 0.5) c -= 0.15;
    return c;
  },
  explain(x, e) {
    return {
      title: 'The sites answer more slowly: requests take longer, so a crawler with fixed concurrency slows',
      summary: `The web slows down: a request took ${num(x.earlyMs, 0)} ms early and ${num(x.lateMs, 0)} ms late (×${num(x.lateMs / x.earlyMs, 1)})${decayLine(e) ? `; ${decayLine(e)}` : ''}`,
      evidence: [{ what: 'mean time per request (ms), early → late', value: `${num(x.earlyMs, 0)} → ${num(x.lateMs, 0)}`, source: 'logs' }, ...rateEvidence(e)],
      numbers: { requestMsEarly: x.earlyMs, requestMsLate: x.lateMs, rateFallPerLatencyRise: x.explained, ...rateNumbers(e) },
    };
  },
};
