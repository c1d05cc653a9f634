// What each fault scenario should show in the evidence (issue 7), checked against what a run really showed.
// The checks read the evidence; they never change it. A check that fails is reported as such.
import type { ScenarioName } from '../common/scenarios.js';
import { WATCH, type KindEvidence } from '@crawl-diag/doctor';
import { shortLabel } from './report-diagnose.js';

export interface DiagnoseFacts {
  kinds: KindEvidence[];
  /** Postponed per crawled page in the early and late third of the measured window. */
  postponedRatio: { early: number | null; late: number | null; verdict: string };
  rate: { verdict: string; relativeChange: number | null };
  /** robots.txt requests the simulated web served, as a share of all its requests, and per page request. */
  requests: { robotsShareEarly: number | null; robotsShareLate: number | null; robotsPerPage: number };
}

export interface ExpectationCheck {
  expectation: string;
  met: boolean;
  observed: string;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(0)}%`);

function kind(facts: DiagnoseFacts, name: string): KindEvidence | undefined {
  return facts.kinds.find((k) => k.kind === name);
}

function topGrownIs(k: KindEvidence | undefined, re: RegExp): { met: boolean; observed: string } {
  if (!k) return { met: false, observed: 'no profile of that process kind' };
  const top = k.grown[0];
  if (!top) return { met: false, observed: 'no frame grew' };
  const where = top.within ? ` in ${top.within}` : '';
  return {
    met: re.test(top.label) || (top.within !== undefined && re.test(top.within)),
    observed: `top growing frame: ${shortLabel(top.label)}${where} (self ${pct(top.before.self)} → ${pct(top.after.self)}, total ${pct(top.before.total)} → ${pct(top.after.total)})`,
  };
}

export function checkExpectations(scenario: ScenarioName, facts: DiagnoseFacts): ExpectationCheck[] {
  const checks: ExpectationCheck[] = [];
  const decay = facts.rate.verdict === 'decay';
  const rateObserved = `rate verdict ${facts.rate.verdict} (${pct(facts.rate.relativeChange)})`;
  const dispatcher = kind(facts, 'dispatcher');
  const worker = kind(facts, 'worker');
  switch (scenario) {
    case 'unindexed-frontier': {
      checks.push({ expectation: 'the crawl rate decays', met: decay, observed: rateObserved });
      const g = topGrownIs(dispatcher, WATCH.frontier);
      checks.push({ expectation: 'the frontier query is the top growing frame in the dispatcher', ...g });
      // A dispatcher already saturated early cannot show the query growing; whether it holds the dispatcher's time
      // is a separate fact, reported beside the check rather than folded into it.
      const held = dispatcher?.watched.frontier;
      checks.push({
        expectation: 'the frontier query holds most of the dispatcher\'s time late in the run',
        met: (held?.late ?? 0) > 0.5,
        observed: `frontier query on the dispatcher's stack ${pct(held?.early)} early → ${pct(held?.late)} late; dispatcher idle ${pct(dispatcher?.idleEarly)} → ${pct(dispatcher?.idleLate)}`,
      });
      checks.push({
        expectation: 'workers are mostly idle (starved) late in the run',
        met: (worker?.idleLate ?? 0) > 0.5,
        observed: `worker idle share ${pct(worker?.idleEarly)} early → ${pct(worker?.idleLate)} late`,
      });
      break;
    }
    case 'dedup-scan': {
      checks.push({ expectation: 'the crawl rate decays', met: decay, observed: rateObserved });
      checks.push({ expectation: 'the dedup check is the top growing frame in the workers', ...topGrownIs(worker, WATCH.dedup) });
      break;
    }
    case 'politeness-blind': {
      checks.push({ expectation: 'the crawl rate decays', met: decay, observed: rateObserved });
      const { early, late, verdict } = facts.postponedRatio;
      checks.push({
        expectation: 'the postponed/crawled ratio rises',
        met: verdict === 'growth' || (early !== null && late !== null && late > early * 1.25 && late - early > 0.1),
        observed: `postponed per crawled page ${early?.toFixed(2) ?? '—'} early → ${late?.toFixed(2) ?? '—'} late (trend ${verdict})`,
      });
      break;
    }
    case 'robots-no-cache': {
      const share = worker?.watched.robots;
      const r = facts.requests;
      checks.push({
        expectation: 'robots.txt fetches hold a large share from the start (of the requests: the fetch is a network wait, idle in a profile)',
        met: (r.robotsShareEarly ?? 0) >= 0.3 && (r.robotsShareLate ?? 0) >= 0.3,
        observed:
          `robots.txt was ${pct(r.robotsShareEarly)} of the requests early and ${pct(r.robotsShareLate)} late (${r.robotsPerPage.toFixed(2)} per page); ` +
          `robots.txt frames on the workers' stacks ${pct(share?.early)} early, ${pct(share?.late)} late`,
      });
      checks.push({ expectation: 'the rate is steady (slow from the start, not decaying)', met: facts.rate.verdict === 'steady', observed: rateObserved });
      break;
    }
    case 'healthy':
      checks.push({ expectation: 'the rate is steady', met: facts.rate.verdict === 'steady', observed: rateObserved });
      break;
  }
  return checks;
}
