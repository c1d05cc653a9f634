#!/usr/bin/env node
// Independent validation of the doctor: N fresh live runs per bench scenario (the same short crawls as the live test,
// scripts/live-run.mjs), none of them used to set a threshold, and a confusion table of injected fault against what
// the doctor's first finding named. Scenarios are interleaved (one round = one run of each) so that the machine's
// load drifting over time falls on every scenario alike.
//
//   flock /tmp/bench.lock node packages/doctor/scripts/live-accuracy.mjs --rounds 2 --out /tmp/doctor-accuracy.json
//
// --rounds N      runs per scenario (default 2)
// --scenarios A,B  a subset (default all five)
// --out FILE      append each run to FILE (a JSON array; created when missing) and print the table over all of FILE,
//                 so several short locked invocations add up to one table
// Build first: npx tsc -b packages/cli
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { liveDoctor, SCENARIOS, verdictOf } from './live-run.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, scenarios: { type: 'string' }, out: { type: 'string' } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`live-accuracy: --rounds must be a positive integer, got '${values.rounds}'`);
  process.exit(2);
}
const scenarios = values.scenarios ? values.scenarios.split(',') : SCENARIOS;
for (const s of scenarios) {
  if (!SCENARIOS.includes(s)) {
    console.error(`live-accuracy: unknown scenario '${s}'; choose from ${SCENARIOS.join(', ')}`);
    process.exit(2);
  }
}

const previous = values.out && existsSync(values.out) ? JSON.parse(readFileSync(values.out, 'utf8')) : [];
const runs = [...previous];
for (let round = 0; round < rounds; round++) {
  for (const scenario of scenarios) {
    const load = loadavg()[0];
    const started = Date.now();
    let entry;
    try {
      const { doctor } = await liveDoctor(scenario);
      entry = {
        scenario,
        verdict: verdictOf(doctor),
        correct: scenario === 'healthy' ? doctor.noDecay && doctor.findings.length === 0 : doctor.findings[0]?.fault === scenario,
        rate: doctor.rate && { verdict: doctor.rate.verdict, change: doctor.rate.relativeChange, perSecEarly: doctor.rate.perSecEarly, perSecLate: doctor.rate.perSecLate },
        findings: doctor.findings.map((f) => ({ cause: f.cause, confidence: f.confidence, summary: f.summary })),
      };
    } catch (err) {
      entry = { scenario, verdict: 'error', correct: false, error: String(err.message ?? err) };
    }
    Object.assign(entry, { at: new Date(started).toISOString(), seconds: Math.round((Date.now() - started) / 1000), load1AtStart: +load.toFixed(2) });
    runs.push(entry);
    if (values.out) writeFileSync(values.out, `${JSON.stringify(runs, null, 2)}\n`);
    console.log(`${entry.correct ? 'ok  ' : 'MISS'} ${scenario} → ${entry.verdict} (rate ${entry.rate?.verdict ?? '—'}, load ${entry.load1AtStart}, ${entry.seconds} s)${entry.correct ? '' : `: ${entry.error ?? entry.findings.map((f) => `${f.cause} ${f.confidence.toFixed(2)}`).join(', ')}`}`);
  }
}

// Rows: the injected fault; columns: what the doctor's first finding named ('healthy' = no decay and no finding).
const columns = [...new Set([...SCENARIOS, ...runs.map((r) => r.verdict)])];
const rowsIn = SCENARIOS.filter((s) => runs.some((r) => r.scenario === s));
const width = Math.max(...columns.map((c) => c.length), 8);
const cell = (t) => String(t).padStart(width);
console.log(`\n${runs.length} runs; rows: injected, columns: doctor's first finding ('healthy' = no decay, no finding)`);
console.log(`${''.padEnd(20)}${columns.map(cell).join(' ')}   correct`);
for (const s of rowsIn) {
  const mine = runs.filter((r) => r.scenario === s);
  const ok = mine.filter((r) => r.correct).length;
  console.log(`${s.padEnd(20)}${columns.map((c) => cell(mine.filter((r) => r.verdict === c).length || '.')).join(' ')}   ${ok}/${mine.length}`);
}
const correct = runs.filter((r) => r.correct).length;
console.log(`overall ${correct}/${runs.length} (${((100 * correct) / runs.length).toFixed(0)}%)`);
