// Detector accuracy benchmark: `node bench/detector/run.js [--trials 200] [--seed 1] [--out FILE]`.
// Scores the decay verdicts, change points and stopped-node findings on synthetic runs with known truth and
// writes bench/results/detector.json (schema crawl-diag/bench-detector@1).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { SCENARIOS } from './scenarios.js';
import { evaluateClass } from './evaluate.js';
import { summariseTargets } from './targets.js';
import { TREND_DEFAULTS } from '@crawl-diag/log-analyzer';

function main(): void {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: resolve(import.meta.dirname, '..', '..', 'results', 'detector.json') },
      only: { type: 'string' },
    },
  });
  const trials = Number(values.trials);
  const seed = Number(values.seed);
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials must be a positive integer, got ${values.trials}`);
  const started = Date.now();
  // Each class's seed comes from its place in the full list, so `--only` reproduces the full run's rows.
  const chosen = SCENARIOS.map((s, i) => ({ s, i })).filter(({ s }) => !values.only || s.name.includes(values.only));
  const results = chosen.map(({ s, i }) => {
    const r = evaluateClass(s, trials, seed * 1000 + i);
    const extra = [
      r.stepWithin2 !== undefined ? `step±2 ${pct(r.stepWithin2)} (median err ${r.stepMedianError})` : '',
      r.stopCorrect !== undefined ? `stop right ${pct(r.stopCorrect)} false-stop ${pct(r.falseStop ?? 0)}` : '',
    ].join(' ');
    process.stdout.write(
      `${s.name.padEnd(32)} decay ${pct(r.calledDecay)}  growth ${pct(r.calledGrowth)}  insufficient ${pct(r.verdicts['insufficient-data'] / trials)}  ` +
        `rel.change ${fmt(r.medianRelativeChange)} (true ${fmt(r.trueRelativeChange)})  laplace ${pct(r.laplaceCalledDecay)}  change point ${pct(r.withChangePoint)} ${extra}\n`,
    );
    return r;
  });
  const targets = values.only ? [] : summariseTargets(results);
  for (const t of targets) process.stdout.write(`${t.met ? 'MET    ' : 'MISSED '} ${t.name}: ${t.measured.toFixed(3)} (${t.goal})\n`);
  const report = {
    schema: 'crawl-diag/bench-detector@1',
    machine: { cores: cpus().length, node: process.version },
    trials,
    seed,
    thresholds: TREND_DEFAULTS,
    seconds: (Date.now() - started) / 1000,
    classes: results,
    targets,
  };
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`wrote ${values.out} in ${report.seconds.toFixed(1)} s\n`);
}

const pct = (x: number): string => `${(100 * x).toFixed(1).padStart(5)}%`;
const fmt = (x: number | null): string => (x === null ? '   -  ' : x.toFixed(3).padStart(6));

main();
