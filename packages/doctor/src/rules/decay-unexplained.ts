// The rate decays and no finding explains it: says which evidence to add. Runs after the other rules.
import { crawlerOf, type Evidence } from '../collect/evidence.js';
import { decayLine, rateEvidence, rateNumbers } from './evidence-text.js';
import type { Cause, Rule } from './finding.js';

/** Causes that explain a decay when found with some confidence. */
const DECAY_CAUSES: Cause[] = ['dispatcher-query-slowing', 'worker-query-slowing', 'store-bound', 'politeness-contention', 'web-pushback', 'web-slowing', 'domain-concentration', 'node-stopped', 'cpu-saturation', 'memory-growth'];

export const decayUnexplained: Rule<Evidence> = {
  cause: 'decay-unexplained',
  detect(e, found) {
    if (e.logs?.signals.rate.verdict !== 'decay') return [];
    return found.some((f) => DECAY_CAUSES.includes(f.cause) && f.confidence >= 0.5) ? [] : [e];
  },
  confidence: () => 0.3,
  explain(e) {
    const missing = [!e.profiles && 'profiles (--profiles DIR or --pid)', !e.proc && 'process samples (--pid)'].filter(Boolean).join(' and ');
    const crawler = crawlerOf(e);
    const hints = [!e.logs?.signals.domains && crawler.urlHint, !e.logs?.signals.requestMs && crawler.latencyHint].filter(Boolean);
    const hint = hints.length ? hints.join('; ') : undefined;
    return {
      title: 'The crawl rate decays; the evidence given names no cause',
      summary: `${decayLine(e)!.replace(/^t/, 'T')}, but nothing in the evidence explains it${missing ? `; add ${missing}` : ''}${hint ? ` (${hint})` : ''}`,
      evidence: rateEvidence(e),
      numbers: rateNumbers(e),
    };
  },
};
