// robots.txt refetched instead of cached: ≥ 0.5 robots.txt requests per page request over the judged window (the
// crawler's request lines or an access log), or robots.txt code on ≥ 3% of the workers' stacks throughout.
import type { CrawlSignals } from '@crawl-diag/log-analyzer';
import { joinClauses, kindOf, num, pct } from './evidence-text.js';
import type { Rule } from './finding.js';

/** robots.txt requests per page at or above which robots.txt is fetched for (nearly) every page. */
const ROBOTS_PER_PAGE = 0.5;

interface Detection {
  r: CrawlSignals['robotsRequests'];
  onStack: { early: number; late: number } | undefined;
  fromRequests: boolean;
  fromProfile: boolean;
}

export const robotsRefetch: Rule<Detection> = {
  cause: 'robots-refetching',
  fault: 'robots-no-cache',
  detect(e) {
    const r = e.logs?.signals.robotsRequests ?? null;
    const onStack = kindOf(e, 'worker')?.watched.robots;
    const fromRequests = r !== null && r.perPage !== null && r.perPage >= ROBOTS_PER_PAGE;
    // A robots.txt fetch is mostly a network wait (idle in a profile): even a few percent on the stack is a lot.
    const fromProfile = onStack !== undefined && Math.min(onStack.early, onStack.late) >= 0.03;
    return fromRequests || fromProfile ? [{ r, onStack, fromRequests, fromProfile }] : [];
  },
  confidence: (x) => 0.2 + (x.fromRequests ? 0.5 : 0) + (x.fromProfile ? 0.3 : 0),
  explain({ r, onStack, fromRequests, fromProfile }) {
    return {
      title: 'robots.txt is refetched instead of cached',
      summary:
        'robots.txt is fetched again and again: ' +
        joinClauses([
          fromRequests ? `${num(r!.perPage)} robots.txt requests per page (${pct(r!.shareEarly)} of requests early, ${pct(r!.shareLate)} late)` : undefined,
          fromProfile ? `robots.txt code on ${pct(onStack!.early)} → ${pct(onStack!.late)} of the workers' stacks` : undefined,
        ]) +
        ' — slow from the start rather than decaying',
      evidence: [
        ...(r ? [{ what: 'robots.txt requests per page request', value: r.perPage, unit: 'ratio', source: 'logs' as const }] : []),
        ...(onStack ? [{ what: 'share of worker time with robots.txt code on the stack, early → late', value: `${pct(onStack.early)} → ${pct(onStack.late)}`, source: 'profile' as const }] : []),
      ],
      numbers: { robotsPerPage: r?.perPage ?? null, robotsPerPageWholeLog: r?.perPageAll ?? null, robotsShareEarly: r?.shareEarly ?? null, robotsShareLate: r?.shareLate ?? null, robotsOnStackLate: onStack?.late ?? null },
    };
  },
};
