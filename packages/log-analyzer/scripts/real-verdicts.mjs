#!/usr/bin/env node
// The analyzer's verdicts on real crawler runs, scored against their truth.json: each DIR made by
// `npm run bench -- real --crawler C --scenario S --duration D --out DIR`, read as an operator would
// (`crawl-diag logs <the run's logs> --json`, the built binary, no flag).
//
//   node packages/log-analyzer/scripts/real-verdicts.mjs [--cli PATH/main.js] [--json OUT] DIR...
//
// Every series that carries a crawler's rate, and the crawl rate (`crawlRate`), is scored: on a run whose truth is
// decay only `decay` is right; on a steady one `steady` and `insufficient-data` are, and `growth` where the server's
// own count (truth.json serverRate) rose 10% or more. The rules of packages/log-analyzer/test/logs-real-verdicts.
// Build first: npx tsc -b packages/cli
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const RATE_SERIES = ['crawled (scrapy)', 'pages (LogStats)', 'processed (Crawlee handler)', 'requests (Crawlee stats)', 'crawling', 'will be crawled'];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { cli: { type: 'string' }, json: { type: 'string' } } });
if (positionals.length === 0) {
  process.stderr.write('usage: real-verdicts.mjs [--cli PATH/main.js] [--json OUT] DIR... (directories made by `npm run bench -- real`)\n');
  process.exit(2);
}
const cli = values.cli ?? resolve(import.meta.dirname, '../../cli/dist/main.js');

const rows = [];
for (const dir of positionals) {
  if (!existsSync(join(dir, 'truth.json'))) {
    process.stderr.write(`${dir}: no truth.json, skipped (not a run of \`npm run bench -- real\`)\n`);
    continue;
  }
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
  const expected = truth.expected.verdict;
  const server = truth.serverRate?.relativeChange ?? null;
  const report = JSON.parse(execFileSync(process.execPath, [cli, 'logs', ...truth.logs.map((l) => join(dir, l)), '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }));
  const right = (verdict) =>
    expected === 'decay' ? verdict === 'decay' : verdict === 'steady' || verdict === 'insufficient-data' || (verdict === 'growth' && server !== null && server >= 0.1);
  const judged = [
    ...report.series.filter((s) => RATE_SERIES.includes(s.name) && s.total > 0),
    ...(report.values ?? []).filter((v) => RATE_SERIES.includes(v.name) && v.values.some((x) => x !== null && x > 0)),
  ].map((s) => ({ name: s.name, trend: s.trend }));
  const series = judged.map(({ name, trend }) => ({ name, verdict: trend.verdict, relativeChange: trend.relativeChange, pValue: trend.pValue, right: right(trend.verdict) }));
  const rate = report.crawlRate
    ? { series: report.crawlRate.series, verdict: report.crawlRate.verdict, relativeChange: report.crawlRate.relativeChange, right: right(report.crawlRate.verdict) }
    : null;
  rows.push({ run: basename(resolve(dir)), expected, server, load: [truth.machine?.loadAtStart, truth.machine?.loadAtEnd], series, crawlRate: rate });
}

const pct = (x) => (x === null || x === undefined ? '-' : `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`);
for (const r of rows) {
  const cells = [...r.series.map((s) => ({ ...s, label: s.name })), ...(r.crawlRate ? [{ ...r.crawlRate, label: 'crawl rate' }] : [])].map(
    (s) => `${s.label}: ${s.right ? '' : 'MISS '}${s.verdict} ${pct(s.relativeChange)}`,
  );
  process.stdout.write(`${r.run.padEnd(40)} ${r.expected.padEnd(6)} server ${pct(r.server).padStart(5)} | ${cells.join(' | ')}\n`);
}
const allSeries = rows.flatMap((r) => r.series);
const rates = rows.filter((r) => r.crawlRate).map((r) => r.crawlRate);
const summary = {
  runs: rows.length,
  seriesRight: allSeries.filter((s) => s.right).length,
  series: allSeries.length,
  runsAllSeriesRight: rows.filter((r) => r.series.every((s) => s.right)).length,
  crawlRateRight: rates.filter((r) => r.right).length,
  crawlRates: rates.length,
};
process.stdout.write(
  `rate series right ${summary.seriesRight}/${summary.series}; runs with every rate series right ${summary.runsAllSeriesRight}/${summary.runs}; crawl rate right ${summary.crawlRateRight}/${summary.crawlRates}\n`,
);
if (values.json) writeFileSync(values.json, `${JSON.stringify({ schema: 'crawl-diag/real-verdicts@1', cli, summary, rows }, null, 2)}\n`);
