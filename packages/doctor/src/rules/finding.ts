// What a rule produces and how rules are shaped: each rule file exports one Rule, which says how it detects its
// cause in the evidence, how confident it is, and how it says it. The analyze step runs them all; explain prints.
import type { Evidence } from '../collect/evidence.js';

export type Cause =
  | 'dispatcher-query-slowing'
  | 'worker-query-slowing'
  | 'store-bound'
  | 'politeness-contention'
  | 'web-pushback'
  | 'web-slowing'
  | 'domain-concentration'
  | 'robots-refetching'
  | 'robots-undetermined'
  | 'node-stopped'
  | 'cpu-saturation'
  | 'memory-growth'
  | 'decay-unexplained';

export interface EvidenceItem {
  /** What was measured, in words. */
  what: string;
  value: number | string | null;
  /** Unit of `value`: `share` (0..1), `ratio`, `per-sec`, `bytes`, `cores`, `p`… */
  unit?: string;
  source: 'logs' | 'proc' | 'profile';
}

export interface Finding {
  title: string;
  cause: Cause;
  /** The bench fault that produces this cause, when there is one. */
  fault?: string;
  confidence: number;
  /** One or two lines for people, with the numbers. */
  summary: string;
  evidence: EvidenceItem[];
  /** The same numbers by name, for scripts. */
  numbers: Record<string, number | null>;
}

/** How a rule says what it found. */
export type Explanation = Pick<Finding, 'title' | 'summary' | 'evidence' | 'numbers'>;

export interface Rule<D> {
  cause: Cause;
  /** The bench fault switch whose effect this cause describes, when there is one. */
  fault?: string;
  /** Each occurrence of the cause in the evidence (none: the rule does not fire). `found`: the other rules' findings. */
  detect(e: Evidence, found: readonly Finding[]): D[];
  /** A ranking score 0..1 from the detection's signals; not a calibrated probability. */
  confidence(d: D, e: Evidence): number;
  explain(d: D, e: Evidence): Explanation;
}

/** Runs one rule into findings. */
export function applyRule<D>(rule: Rule<D>, e: Evidence, found: readonly Finding[]): Finding[] {
  return rule.detect(e, found).map((d) => ({
    ...rule.explain(d, e),
    cause: rule.cause,
    ...(rule.fault ? { fault: rule.fault } : {}),
    confidence: clamp(rule.confidence(d, e)),
  }));
}

export const clamp = (x: number) => Math.max(0, Math.min(0.99, x));
