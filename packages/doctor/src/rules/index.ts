// Every rule, in the order they run; `decayUnexplained` last, as it reads the others' findings.
import { cpuSaturation } from './cpu-saturation.js';
import { decayUnexplained } from './decay-unexplained.js';
import { dispatcherQuery } from './dispatcher-query.js';
import { domainConcentration } from './domain-concentration.js';
import type { Cause, Rule } from './finding.js';
import { memoryGrowth } from './memory-growth.js';
import { nodeStopped } from './node-stopped.js';
import { politeness } from './politeness.js';
import { robotsRefetch } from './robots-refetch.js';
import { robotsUndetermined } from './robots-undetermined.js';
import { storeBound } from './store-bound.js';
import { webPushback } from './web-pushback.js';
import { webSlowing } from './web-slowing.js';
import { workerQuery } from './worker-query.js';

// Each rule's detection type differs; the list only needs the common shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const RULES: ReadonlyArray<Rule<any>> = [
  dispatcherQuery,
  workerQuery,
  storeBound,
  politeness,
  webPushback,
  webSlowing,
  domainConcentration,
  robotsRefetch,
  robotsUndetermined,
  nodeStopped,
  cpuSaturation,
  memoryGrowth,
];

export const LAST_RULES: ReadonlyArray<Rule<unknown>> = [decayUnexplained as Rule<unknown>];

/** The bench fault switch (`crawl-diag crawl local --fault`) whose effect each cause describes, where one does. */
export const FAULT_OF_CAUSE: Partial<Record<Cause, string>> = Object.fromEntries(
  [...RULES, ...LAST_RULES].filter((r) => r.fault).map((r) => [r.cause, r.fault!]),
);

export { applyRule, type Cause, type EvidenceItem, type Finding, type Rule } from './finding.js';
