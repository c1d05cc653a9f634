#!/usr/bin/env node
// `npm run bench -- <name> [options]`: one entry for every bench in bench/. Build first (`npx tsc -b bench`).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bench = join(here, '..');

/** name → [script, what it measures]; `main` scripts export a function taking argv, others read process.argv. */
const BENCHES = {
  nodes: { module: 'dist/nodes/main.js', fn: 'nodesMain', about: 'crawler throughput against node count on the simulated web, USL fit' },
  diagnose: { module: 'dist/diagnose/main.js', fn: 'diagnoseMain', about: 'one profiled crawl of a fault scenario and the evidence naming its cause' },
  real: { module: 'dist/real/main.js', fn: 'realMain', about: 'a real crawler (Scrapy, Crawlee, crawl-diag, Python) against the simulated web doing one scenario; logs + truth.json' },
  analyzer: { script: 'analyzer/run.js', about: 'log analyzer speed' },
  detector: { script: 'detector/run.js', about: 'decay detector accuracy on synthetic runs with known truth' },
  profiler: { script: 'profiler/agent-overhead.mjs', about: 'profiler agent overhead and recording size' },
  crawler: { script: 'crawler/run.js', about: 'crawler throughput' },
  vlogs: { script: 'vlogs/run.mjs', about: 'a report from VictoriaLogs against scanning the same records as a file' },
};

// Any other bench/<name>/ with a run.js or run.mjs is reachable too, so a new bench needs no change here.
const NOT_BENCHES = new Set(['bin', 'src', 'dist', 'results', 'test', 'node_modules']);
for (const dir of readdirSync(bench)) {
  if (dir.startsWith('.') || NOT_BENCHES.has(dir) || !statSync(join(bench, dir)).isDirectory()) continue;
  const script = ['run.js', 'run.mjs'].map((f) => `${dir}/${f}`).find((f) => existsSync(join(bench, f)));
  if (!script) continue;
  if (!BENCHES[dir]) BENCHES[dir] = { script, about: `bench/${script}` };
  else if (BENCHES[dir].script && !existsSync(join(bench, BENCHES[dir].script))) BENCHES[dir].script = script;
}

function usage() {
  const rows = Object.entries(BENCHES).map(([name, b]) => {
    const path = join(bench, b.module ?? b.script);
    return `  ${name.padEnd(10)} ${b.about}${existsSync(path) ? '' : ' (not available: ' + (b.module ?? b.script) + ' missing)'}`;
  });
  return `usage: npm run bench -- <bench> [options]   (npm run bench -- <bench> --help for its options)\n\n${rows.join('\n')}\n`;
}

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(usage());
  process.exit(name ? 0 : 2);
}
const entry = BENCHES[name];
if (!entry) {
  process.stderr.write(`bench: no bench named '${name}'.\n${usage()}`);
  process.exit(2);
}
const path = join(bench, entry.module ?? entry.script);
if (!existsSync(path)) {
  const hint = entry.module ? 'build it first: npx tsc -b bench' : 'that bench is not in this checkout';
  process.stderr.write(`bench: ${entry.module ?? entry.script} not found; ${hint}\n`);
  process.exit(2);
}
if (entry.module) {
  const mod = await import(pathToFileURL(path).href);
  process.exitCode = await mod[entry.fn](rest);
} else {
  // Plain scripts read their options from process.argv.
  process.argv = [process.argv[0], path, ...rest];
  await import(pathToFileURL(path).href);
}
