// A node (group of logs) stopped before the crawl's end: the analyzer's stop detection, a group silent for longer
// than its rate makes likely.
import type { StoppedGroup } from '@crawl-diag/log-analyzer';
import { num } from './evidence-text.js';
import type { Rule } from './finding.js';

export const nodeStopped: Rule<StoppedGroup> = {
  cause: 'node-stopped',
  detect: (e) => e.logs?.signals.stopped ?? [],
  confidence: () => 0.85,
  explain: (s) => ({
    title: `${s.group} stopped`,
    summary: `${s.group} stopped: no lines after ${s.lastEventAt} (${s.silentBuckets} silent buckets after ${num(s.rateBefore, 1)} per bucket)`,
    evidence: [
      { what: `last line of ${s.group}`, value: s.lastEventAt, source: 'logs' },
      { what: 'silent buckets after it', value: s.silentBuckets, source: 'logs' },
    ],
    numbers: { silentBuckets: s.silentBuckets, rateBefore: s.rateBefore },
  }),
};
