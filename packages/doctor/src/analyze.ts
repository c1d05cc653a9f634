// Analyze: every rule over the collected evidence, findings ranked most likely first.
import type { Evidence } from './collect/evidence.js';
import { applyRule, LAST_RULES, RULES, type Finding } from './rules/index.js';

export function findCauses(e: Evidence): Finding[] {
  const found: Finding[] = RULES.flatMap((rule) => applyRule(rule, e, []));
  for (const rule of LAST_RULES) found.push(...applyRule(rule, e, found));
  return found.sort((a, b) => b.confidence - a.confidence);
}
