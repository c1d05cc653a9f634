#!/usr/bin/env node
// Collects the truth.json of every real-crawler fixture under fixtures/logs/real/ into fixtures/logs/ground-truth.json
// (key "real") and rewrites the table between the `real-crawlers` markers of fixtures/logs/README.md, so the README
// says exactly what the runs recorded:  node bench/real-crawlers/ground-truth.mjs [--skip DIR,DIR]
// (--skip leaves out directories whose runs are being re-made).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The same definition of the start and end rate the runner wrote (recomputed, so a change of it reaches old runs).
import { serverRate } from '../dist/real/run-real.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const realDir = join(root, 'fixtures', 'logs', 'real');
const gtPath = join(root, 'fixtures', 'logs', 'ground-truth.json');
const readmePath = join(root, 'fixtures', 'logs', 'README.md');
const BEGIN = '<!-- real-crawlers: begin (written by bench/real-crawlers/ground-truth.mjs) -->';
const END = '<!-- real-crawlers: end -->';

const skipAt = process.argv.indexOf('--skip');
const skip = new Set(skipAt > 0 ? (process.argv[skipAt + 1] ?? '').split(',') : []);
const runs = readdirSync(realDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !skip.has(d.name) && existsSync(join(realDir, d.name, 'truth.json')))
  .map((d) => ({ dir: d.name, truth: JSON.parse(readFileSync(join(realDir, d.name, 'truth.json'), 'utf8')) }))
  .sort((a, b) => a.dir.localeCompare(b.dir));

const pct = (x) => (x === null || x === undefined ? 'n/a' : `${x > 0 ? '+' : ''}${Math.round(x * 100)}%`);
const summary = {};
const rows = [];
for (const { dir, truth } of runs) {
  const r = serverRate(truth.timeline, truth.durationSec, truth.bucketSec);
  truth.serverRate = r;
  writeFileSync(join(realDir, dir, 'truth.json'), `${JSON.stringify(truth, null, 1)}\n`);
  summary[dir] = {
    crawler: truth.crawler.version,
    scenario: truth.scenario.name,
    logs: truth.logs,
    profiles: (truth.profiles ?? []).filter((p) => p.result.startsWith('ok')).map((p) => p.file),
    durationSec: truth.durationSec,
    serverPagesPerSec: { start: r.startPagesPerSec, end: r.endPagesPerSec, relativeChange: r.relativeChange, windowSec: r.windowSec },
    crawlerLogLines: truth.crawlerLog?.total ?? null,
    expectedVerdict: truth.expected.verdict,
    expectedCause: truth.expected.cause,
    load: [truth.machine.loadAtStart, truth.machine.loadAtEnd],
  };
  rows.push(
    `| \`real/${dir}/\` | ${truth.crawler.version} | ${truth.scenario.about} | ${r.startPagesPerSec.toFixed(1)} → ${r.endPagesPerSec.toFixed(1)} pages/s (**${pct(r.relativeChange)}**) | ` +
      `**${truth.expected.verdict}**${truth.expected.cause ? `, cause **${truth.expected.cause}**` : ''} | ${truth.machine.loadAtStart} / ${truth.machine.loadAtEnd} | ` +
      `\`npm run bench -- real --crawler ${truth.crawler.name} --scenario ${truth.scenario.name} --duration ${truth.durationSec}s${dir.startsWith('crawlee') && truth.logs[0].includes('ndjson') ? ' --crawlee-log json' : ''}${truth.crawler.version.includes('pymongo') ? ' --python-store mongo' : ''} --out fixtures/logs/real/${dir}\` |`,
  );
}

const gt = JSON.parse(readFileSync(gtPath, 'utf8'));
gt.real = summary;
writeFileSync(gtPath, `${JSON.stringify(gt, null, 2)}\n`);

const table = [
  BEGIN,
  '| directory | crawler + version | server behaviour | server-counted rate, first 30 s (after 10 s of start-up) → last 30 s | expected | load start / end | command |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  END,
].join('\n');
let readme = readFileSync(readmePath, 'utf8');
const a = readme.indexOf(BEGIN);
const b = readme.indexOf(END);
if (a >= 0 && b > a) readme = readme.slice(0, a) + table + readme.slice(b + END.length);
else readme = `${readme.trimEnd()}\n\n${table}\n`;
writeFileSync(readmePath, readme);
process.stdout.write(`${runs.length} real-crawler fixtures written to ground-truth.json ("real") and the README table\n`);
