// How rules write numbers and the shared pieces of their evidence (the crawl rate, a profile's process kind).
import type { Evidence } from '../collect/evidence.js';
import type { KindEvidence } from '../collect/profile-evidence.js';
import type { EvidenceItem } from './finding.js';

export const pct = (x: number | null | undefined, digits = 0) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);
export const num = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '—' : x.toFixed(d));
export const fmtP = (p: number | null) => (p === null ? 'p n/a' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
export const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
export const joinClauses = (parts: Array<string | undefined>) => parts.filter(Boolean).join('; ');

export function kindOf(e: Evidence, name: string): KindEvidence | undefined {
  return e.profiles?.kinds.find((k) => k.kind === name);
}

export const isDecay = (e: Evidence) => e.logs?.signals.rate.verdict === 'decay';

export function decayLine(e: Evidence): string | undefined {
  const r = e.logs?.signals.rate;
  if (!r || r.verdict !== 'decay' || r.relativeChange === null) return undefined;
  return `the crawl rate fell ${pct(-r.relativeChange)} (${fmtP(r.pValue)})`;
}

export function rateEvidence(e: Evidence): EvidenceItem[] {
  const r = e.logs?.signals.rate;
  if (!r) return [];
  return [
    { what: 'crawl rate trend', value: r.verdict, source: 'logs' },
    { what: 'crawl rate change over the run', value: r.relativeChange, unit: 'share', source: 'logs' },
    { what: 'trend p-value', value: r.pValue, unit: 'p', source: 'logs' },
  ];
}

export function rateNumbers(e: Evidence): Record<string, number | null> {
  const r = e.logs?.signals.rate;
  return r ? { rateChange: r.relativeChange, rateP: r.pValue, ratePerSecEarly: r.perSecEarly, ratePerSecLate: r.perSecLate } : {};
}

/** Idle share above which a worker is starved (the profiler's own summary uses the same 0.5). */
export const STARVED_IDLE = 0.5;
/** A share must grow by this much (absolute, 0..1) to count as growing. */
export const GROWN_SHARE = 0.05;
const Z_ONE_SIDED_1PCT = 2.326;

/**
 * A share of the time grew markedly: by GROWN_SHARE outright, or by a quarter of itself when it already holds a
 * noticeable share (a query taking 8% then 11% of a short run is the start of the same curve). The second,
 * small-share case must also be more than sampling noise: a share read off a few hundred samples is uncertain by a
 * point or two, so the rise must pass a one-sided two-proportion z-test at the 1% level (z > 2.33) on the
 * profiles' sample counts (the shares are time-weighted, the counts are the samples behind them).
 */
export function grewMarkedly(s: { early: number; late: number }, samples?: { early: number; late: number }): boolean {
  const d = s.late - s.early;
  if (d >= GROWN_SHARE) return true;
  if (!(s.late >= GROWN_SHARE && d >= 0.02 && s.late >= s.early * 1.25)) return false;
  if (!samples || samples.early <= 0 || samples.late <= 0) return true;
  const pooled = (s.early * samples.early + s.late * samples.late) / (samples.early + samples.late);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / samples.early + 1 / samples.late));
  return se > 0 && d / se > Z_ONE_SIDED_1PCT;
}

export const samplesOf = (k: KindEvidence | undefined) => (k ? { early: k.samplesEarly, late: k.samplesLate } : undefined);

/**
 * "The event loop was held up", from the recording's window lengths: evidence beside a slow-query finding (a
 * synchronous query blocks the loop that would hand out work), never a cause on its own.
 */
export function stallEvidence(k: KindEvidence | undefined, who: string): EvidenceItem[] {
  const s = k?.loopStalls;
  if (!s || s.stretched === 0) return [];
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    {
      what: `${who} event loop held up (profile windows stretched past 1.5× their length)`,
      value: `${s.stretched} of ${s.windows} windows, up to ${sec(s.maxMs)} at a time, ${sec(s.totalMs)} in all`,
      source: 'profile',
    },
  ];
}

/** A ratio that rose markedly from early to late in the window (or whose trend says growth), and is not tiny. */
export function ratioRose(r: { early: number | null; late: number | null; trend: { verdict: string } } | null | undefined, least: number): boolean {
  if (!r || r.early === null || r.late === null || r.late < least) return false;
  return r.late >= r.early * 1.5 + least / 2 || (r.trend.verdict === 'growth' && r.late - r.early >= least / 2);
}
