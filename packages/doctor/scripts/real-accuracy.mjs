#!/usr/bin/env node
// The doctor on real crawler runs, scored against their truth.json: each DIR made by
// `npm run bench -- real --crawler C --scenario S --duration D --out DIR`, read as an operator would
// (`crawl-diag doctor --logs <the run's log files> [--profiles <its early/late profiles>] --json`, the built binary).
//
//   node packages/doctor/scripts/real-accuracy.mjs [--cli PATH/main.js] [--json OUT] DIR...
//
// A run's cause is right when the first finding names the induced one (our crawler's store: its own query rules
// count); a decay with no induced cause (the web slows, a step) is right with no finding, decay-unexplained or
// web-slowing; a control (steady) only with no finding at all. The verdict is right when it is truth.json's
// expected one. `server` is the server's own count of the rate's change (truth.json serverRate): where it contradicts
// the scenario's expected verdict (a "steady" crawl that fell by half or grew by a quarter, an induced decay that never showed), the row
// says so, and the verdict is scored against the label all the same.
// Build first: npx tsc -b packages/cli
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { cli: { type: 'string' }, json: { type: 'string' } } });
const cli = values.cli ?? resolve(import.meta.dirname, '../../cli/dist/main.js');
const CAUSE = { 'rate-limited': ['web-pushback'], 'domain-concentration': ['domain-concentration'], 'store-bound': ['store-bound'] };
const OWN_STORE = ['store-bound', 'dispatcher-query-slowing', 'worker-query-slowing'];

const rows = [];
for (const dir of positionals) {
  if (!existsSync(join(dir, 'truth.json'))) continue;
  const t = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
  const args = ['doctor', '--logs', ...t.logs.map((l) => join(dir, l)), '--json'];
  const profiles = (t.profiles ?? []).filter((p) => String(p.result).startsWith('ok'));
  if (profiles.length) {
    const first = join(dir, profiles[0].file);
    args.push('--profiles', statSync(first).isDirectory() ? first : dir);
  }
  let r;
  try {
    r = JSON.parse(execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }));
  } catch (err) {
    rows.push({ run: basename(dir), error: String(err.stderr || err.message).trim().split('\n')[0] });
    continue;
  }
  const exp = t.expected;
  const first = r.findings[0]?.cause ?? null;
  const want = exp.cause ? (exp.cause === 'store-bound' && t.crawler.name === 'crawl-diag' ? OWN_STORE : CAUSE[exp.cause]) : null;
  const causeOk = want ? want.includes(first) : exp.verdict === 'decay' ? [null, 'decay-unexplained', 'web-slowing'].includes(first) : r.findings.length === 0;
  const server = t.serverRate?.relativeChange ?? null;
  const contradicted = server !== null && ((exp.verdict === 'decay' && server > -0.1) || (exp.verdict === 'steady' && (server < -0.25 || server > 0.25)));
  rows.push({
    run: basename(dir),
    crawler: t.crawler.version,
    scenario: t.scenario.name,
    durationSec: t.durationSec,
    load: [t.machine.loadAtStart, t.machine.loadAtEnd],
    server,
    contradicted,
    expectedVerdict: exp.verdict,
    expectedCause: exp.cause,
    verdict: r.rate?.verdict ?? null,
    relativeChange: r.rate?.relativeChange ?? null,
    verdictOk: (r.rate?.verdict ?? null) === exp.verdict,
    first,
    causeOk,
    findings: r.findings.map((f) => `${f.cause} ${Math.round(f.confidence * 100)}%: ${f.summary}`),
  });
}
if (values.json) writeFileSync(values.json, `${JSON.stringify(rows, null, 1)}\n`);

const pct = (x) => (x === null || x === undefined ? 'n/a' : `${x > 0 ? '+' : ''}${Math.round(x * 100)}%`);
console.log('| run | s | load start / end | server | expected | verdict | first finding |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  if (r.error) {
    console.log(`| ${r.run} | | | | | error: ${r.error} | |`);
    continue;
  }
  console.log(
    `| ${r.run} | ${r.durationSec} | ${r.load[0]} / ${r.load[1]} | ${pct(r.server)}${r.contradicted ? ' (contradicts the label)' : ''} | ${r.expectedVerdict}, ${r.expectedCause ?? '—'} | ` +
      `${r.verdictOk ? '✓' : '✗'} ${r.verdict} (${pct(r.relativeChange)}) | ${r.causeOk ? '✓' : '✗'} ${r.first ?? 'none'} |`,
  );
}
const scored = rows.filter((r) => !r.error);
console.log(`\ncause ${scored.filter((r) => r.causeOk).length}/${scored.length}, verdict ${scored.filter((r) => r.verdictOk).length}/${scored.length}${rows.length > scored.length ? `, ${rows.length - scored.length} error(s)` : ''}`);
