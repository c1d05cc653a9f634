// Runs the detector (trend verdict, change points, per-group findings) on synthetic runs and scores it against
// the known truth: sensitivity, false alarms, change point location error, stopped-node detection.
import { analyzeGroups, analyzeTrend, detectChangePoints, laplaceTrendTest, seededRandom, type Random } from '@crawl-diag/log-analyzer';
import type { ScenarioClass } from './scenarios.js';

export interface ClassResult {
  name: string;
  description: string;
  target: ScenarioClass['target'];
  trials: number;
  verdicts: Record<'decay' | 'steady' | 'growth' | 'insufficient-data', number>;
  /** Share of trials called decay: sensitivity for decay classes, false-alarm rate for steady ones. */
  calledDecay: number;
  calledGrowth: number;
  /** Median reported relative change, and the true one (decay classes with a fixed size). */
  medianRelativeChange: number | null;
  trueRelativeChange: number | null;
  /**
   * Cross-check: share called decreasing by the Laplace test on event times (each bucket's events spread
   * uniformly inside it), at the same alpha. It assumes Poisson arrivals, so bursty classes show its limits.
   */
  laplaceCalledDecay: number;
  /** Share of trials with at least one change point reported. */
  withChangePoint: number;
  /** Step classes: share located within 2 buckets, and the median |error| of the nearest change point. */
  stepWithin2?: number;
  stepMedianError?: number | null;
  /** Node classes: share with exactly the right stopped group (node-stop) or with none (steady-nodes). */
  stopCorrect?: number;
  /** Node classes: share of trials where a running node was called stopped. */
  falseStop?: number;
  /** node-stop: median |lastEventBucket - true last active bucket|. */
  stopMedianError?: number | null;
}

const medianOf = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function evaluateClass(scenario: ScenarioClass, trials: number, seed: number): ClassResult {
  const rng = seededRandom(seed);
  const verdicts = { decay: 0, steady: 0, growth: 0, 'insufficient-data': 0 };
  const changes: number[] = [];
  const stepErrors: number[] = [];
  const stopErrors: number[] = [];
  let withChangePoint = 0;
  let stepWithin2 = 0;
  let stopCorrect = 0;
  let falseStop = 0;
  let trueRelativeChange: number | null = null;
  let laplaceDecay = 0;
  const timesRng = seededRandom(seed + 7919);
  const bucketMs = 60_000;
  for (let t = 0; t < trials; t++) {
    const run = scenario.generate(rng);
    const names = Object.keys(run.groups);
    const n = run.groups[names[0]].length;
    const total = new Array<number>(n).fill(0);
    for (const g of names) run.groups[g].forEach((c, i) => (total[i] += c));
    const series = { counts: total, bucketMs, firstBucketCoverage: run.firstBucketCoverage, lastBucketCoverage: run.lastBucketCoverage };
    const trend = analyzeTrend(series);
    verdicts[trend.verdict]++;
    if (trend.relativeChange !== null) changes.push(trend.relativeChange);
    if (Number.isFinite(run.relativeChange)) trueRelativeChange = run.relativeChange;
    if (laplaceOnTimes(total, run.firstBucketCoverage ?? 1, run.lastBucketCoverage ?? 1, timesRng) === 'decreasing') laplaceDecay++;
    const cps = detectChangePoints(series);
    if (cps.length > 0) withChangePoint++;
    if (run.stepAt !== undefined) {
      const err = cps.length > 0 ? Math.min(...cps.map((c) => Math.abs(c.index - run.stepAt!))) : Number.POSITIVE_INFINITY;
      if (err <= 2) stepWithin2++;
      if (Number.isFinite(err)) stepErrors.push(err);
    }
    if (names.length > 1) {
      const findings = analyzeGroups(run.groups, { bucketMs, startMs: 0, firstBucketCoverage: run.firstBucketCoverage, lastBucketCoverage: run.lastBucketCoverage });
      const stoppedNames = findings.stopped.map((s) => s.group);
      const others = stoppedNames.filter((g) => g !== run.stoppedGroup);
      if (others.length > 0) falseStop++;
      if (run.stoppedGroup !== undefined) {
        const hit = findings.stopped.find((s) => s.group === run.stoppedGroup);
        if (hit && others.length === 0) stopCorrect++;
        if (hit) stopErrors.push(Math.abs(hit.lastEventBucket - run.stoppedAfter!));
      } else if (stoppedNames.length === 0) stopCorrect++;
    }
  }
  const result: ClassResult = {
    name: scenario.name,
    description: scenario.description,
    target: scenario.target,
    trials,
    verdicts,
    calledDecay: verdicts.decay / trials,
    calledGrowth: verdicts.growth / trials,
    medianRelativeChange: medianOf(changes),
    trueRelativeChange: scenario.name.startsWith('decay-linear') ? trueRelativeChange : scenario.target === 'steady' ? 0 : null,
    laplaceCalledDecay: laplaceDecay / trials,
    withChangePoint: withChangePoint / trials,
  };
  if (scenario.target === 'step>=30%' || scenario.name.startsWith('step')) {
    result.stepWithin2 = stepWithin2 / trials;
    result.stepMedianError = medianOf(stepErrors);
  }
  if (scenario.target === 'node-stop') {
    result.stopCorrect = stopCorrect / trials;
    result.falseStop = falseStop / trials;
    if (scenario.name === 'node-stop') result.stopMedianError = medianOf(stopErrors);
  }
  return result;
}

/** Spreads each bucket's events uniformly over its covered part (in bucket units) and runs the Laplace test. */
function laplaceOnTimes(counts: number[], firstCoverage: number, lastCoverage: number, rng: Random): string {
  const n = counts.length;
  const times: number[] = [];
  counts.forEach((c, b) => {
    const from = b === 0 ? 1 - firstCoverage : 0;
    const to = b === n - 1 ? lastCoverage : 1;
    for (let k = 0; k < c; k++) times.push(b + from + (to - from) * rng.uniform());
  });
  return laplaceTrendTest(times, 1 - firstCoverage, n - 1 + lastCoverage).direction;
}
