// What each fault scenario should show in the evidence (issue 7), checked against what a run really showed.
// The checks read the evidence; they never change it. A check that fails is reported as such.
import type { ScenarioName } from '../common/scenarios.js';
import { WATCH, type KindEvidence } from '@crawl-diag/doctor';
import { shortLabel } from './report-diagnose.js';
import type { StoreTimeEvidence, StoreTimeKind } from './store-time-evidence.js';

export interface DiagnoseFacts {
  kinds: KindEvidence[];
  /** Postponed per crawled page in the early and late third of the measured window. */
  postponedRatio: { early: number | null; late: number | null; verdict: string };
  rate: { verdict: string; relativeChange: number | null };
  /** robots.txt requests the simulated web served, as a share of all its requests, and per page request. */
  requests: { robotsShareEarly: number | null; robotsShareLate: number | null; robotsPerPage: number };
  /** Client-side store time per process kind, early vs late (the processes' "Store time" log lines). */
  storeTime: StoreTimeEvidence;
}

/**
 * What a check reads: `profile` (the processes' CPU profiles; on a remote store the store's queries run in the
 * database server and are not in them), `store-time` (the store calls as the processes timed them), `logs`
 * (rates and ratios from the log lines), `requests` (the simulated web's request log).
 */
export type EvidenceKind = 'profile' | 'store-time' | 'logs' | 'requests';

export interface ExpectationCheck {
  expectation: string;
  met: boolean;
  observed: string;
  evidence: EvidenceKind;
}

/** The least growth of a frame's self share (of the process's samples) that counts as growing: 1 point. */
export const MIN_FRAME_GROWTH = 0.01;

/** A late time per call at least this many times the early one counts as growing (a margin over noise). */
export const PER_CALL_GROWTH = 1.25;

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(0)}%`);

function kind(facts: DiagnoseFacts, name: string): KindEvidence | undefined {
  return facts.kinds.find((k) => k.kind === name);
}

function storeKind(facts: DiagnoseFacts, name: string): StoreTimeKind | undefined {
  return facts.storeTime.kinds.find((k) => k.kind === name);
}

function topGrownIs(k: KindEvidence | undefined, re: RegExp): { met: boolean; observed: string; evidence: 'profile' } {
  if (!k) return { met: false, observed: 'no profile of that process kind', evidence: 'profile' };
  const top = k.grown[0];
  if (!top) return { met: false, observed: 'no frame grew', evidence: 'profile' };
  const where = top.within ? ` in ${top.within}` : '';
  return {
    // A frame that grew by less than MIN_FRAME_GROWTH is noise, not a cause (on FerretDB a lease-path frame at
    // 0.0% → 0.1% of a 99%-idle dispatcher was once the "top growing frame").
    met: top.selfDelta >= MIN_FRAME_GROWTH && (re.test(top.label) || (top.within !== undefined && re.test(top.within))),
    observed: `top growing frame: ${shortLabel(top.label)}${where} (self ${pct(top.before.self)} → ${pct(top.after.self)}, total ${pct(top.before.total)} → ${pct(top.after.total)})`,
    evidence: 'profile',
  };
}

const ms = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`);

/** The store call whose share of the kind's wall time grew most is `method`. */
function storeCallGrewMost(k: StoreTimeKind | undefined, whose: string, method: string): ExpectationCheck {
  const expectation = `${whose} ${method} is the store call whose share of wall time grew most (client-side store time)`;
  if (!k) return { expectation, met: false, observed: 'no Store time lines from that process kind', evidence: 'store-time' };
  const top = k.grownMost;
  const mine = k.growth.find((g) => g.method === method);
  const describe = (g: { method: string; shareEarly: number; shareLate: number; perCallEarlyMs: number | null; perCallLateMs: number | null }) =>
    `${g.method} ${pct(g.shareEarly)} → ${pct(g.shareLate)} of wall time, ${ms(g.perCallEarlyMs)} → ${ms(g.perCallLateMs)} per call`;
  const observed = !top
    ? `no store call's share grew${mine ? `; ${describe(mine)}` : ''}`
    : `grew most: ${describe(top)}${top.method !== method && mine ? `; ${describe(mine)}` : ''}`;
  return { expectation, met: top?.method === method, observed, evidence: 'store-time' };
}

/** The method's mean time per call is clearly longer late than early. */
function perCallGrows(k: StoreTimeKind | undefined, whose: string, method: string): ExpectationCheck {
  const expectation = `${whose} ${method} takes longer per call late than early (≥ ${PER_CALL_GROWTH}×)`;
  const g = k?.growth.find((x) => x.method === method);
  if (!g) return { expectation, met: false, observed: `no ${method} calls in that process kind's Store time lines`, evidence: 'store-time' };
  const ratio = g.perCallEarlyMs && g.perCallLateMs !== null ? g.perCallLateMs / g.perCallEarlyMs : null;
  return {
    expectation,
    met: ratio !== null && ratio >= PER_CALL_GROWTH,
    observed: `${method} ${ms(g.perCallEarlyMs)} → ${ms(g.perCallLateMs)} per call${ratio !== null ? ` (${ratio.toFixed(1)}×)` : ''}`,
    evidence: 'store-time',
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
      checks.push({ expectation: 'the crawl rate decays', met: decay, observed: rateObserved, evidence: 'logs' });
      const g = topGrownIs(dispatcher, WATCH.frontier);
      checks.push({ expectation: 'the frontier query is the top growing frame in the dispatcher', ...g });
      // A dispatcher already saturated early cannot show the query growing; whether it holds the dispatcher's time
      // is a separate fact, reported beside the issue's check rather than folded into it.
      const held = dispatcher?.watched.frontier;
      checks.push({
        expectation: 'the frontier query holds most of the dispatcher\'s time late in the run',
        met: (held?.late ?? 0) > 0.5,
        observed: `frontier query on the dispatcher's stack ${pct(held?.early)} early → ${pct(held?.late)} late; dispatcher idle ${pct(dispatcher?.idleEarly)} → ${pct(dispatcher?.idleLate)}`,
        evidence: 'profile',
      });
      checks.push({
        expectation: 'workers are mostly idle (starved) late in the run',
        met: (worker?.idleLate ?? 0) > 0.5,
        observed: `worker idle share ${pct(worker?.idleEarly)} early → ${pct(worker?.idleLate)} late`,
        evidence: 'profile',
      });
      const dispatcherStore = storeKind(facts, 'dispatcher');
      checks.push(storeCallGrewMost(dispatcherStore, "the dispatcher's", 'leaseUrls'));
      checks.push(perCallGrows(dispatcherStore, "the dispatcher's", 'leaseUrls'));
      break;
    }
    case 'dedup-scan': {
      checks.push({ expectation: 'the crawl rate decays', met: decay, observed: rateObserved, evidence: 'logs' });
      checks.push({ expectation: 'the dedup check is the top growing frame in the workers', ...topGrownIs(worker, WATCH.dedup) });
      checks.push(storeCallGrewMost(storeKind(facts, 'worker'), "the workers'", 'addUrls'));
      break;
    }
    case 'politeness-blind': {
      checks.push({ expectation: 'the crawl rate decays', met: decay, observed: rateObserved, evidence: 'logs' });
      const { early, late, verdict } = facts.postponedRatio;
      checks.push({
        expectation: 'the postponed/crawled ratio rises',
        met: verdict === 'growth' || (early !== null && late !== null && late > early * 1.25 && late - early > 0.1),
        observed: `postponed per crawled page ${early?.toFixed(2) ?? '—'} early → ${late?.toFixed(2) ?? '—'} late (trend ${verdict})`,
        evidence: 'logs',
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
        evidence: 'requests',
      });
      checks.push({ expectation: 'the rate is steady (slow from the start, not decaying)', met: facts.rate.verdict === 'steady', observed: rateObserved, evidence: 'logs' });
      break;
    }
    case 'healthy':
      checks.push({ expectation: 'the rate is steady', met: facts.rate.verdict === 'steady', observed: rateObserved, evidence: 'logs' });
      break;
  }
  return checks;
}
