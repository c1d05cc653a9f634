// A node (group of logs) stopped before the crawl's end: the analyzer's stop detection, a group silent for longer
// than its rate makes likely.
import type { StoppedGroup } from '@crawl-diag/log-analyzer';
import type { Evidence } from '../collect/evidence.js';
import { num } from './evidence-text.js';
import type { Rule } from './finding.js';

/**
 * Fewer domains left (effective number, late) than groups logging pages: a worker that falls silent then may have
 * nothing to do (starved by a narrowed frontier) rather than have stopped.
 */
function starved(e: Evidence): boolean {
  const d = e.logs?.signals.domains?.late.effective;
  const groups = e.logs?.signals.groups.length ?? 0;
  return d !== null && d !== undefined && groups > 1 && d < groups;
}

export const nodeStopped: Rule<StoppedGroup> = {
  cause: 'node-stopped',
  detect: (e) => e.logs?.signals.stopped ?? [],
  confidence: (_s, e) => (starved(e) ? 0.5 : 0.85),
  explain: (s, e) => ({
    title: `${s.group} stopped`,
    summary:
      `${s.group} stopped: no lines after ${s.lastEventAt} (${s.silentBuckets} silent buckets after ${num(s.rateBefore, 1)} per bucket)` +
      (starved(e) ? `; fewer domains were left (${num(e.logs!.signals.domains!.late.effective, 1)} effective) than processes logging pages: it may be starved rather than stopped` : ''),
    evidence: [
      { what: `last line of ${s.group}`, value: s.lastEventAt, source: 'logs' },
      { what: 'silent buckets after it', value: s.silentBuckets, source: 'logs' },
    ],
    numbers: { silentBuckets: s.silentBuckets, rateBefore: s.rateBefore },
  }),
};
