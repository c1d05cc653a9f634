#!/usr/bin/env node
// Analyzer speed and memory, measured against grep and ripgrep in the same run on the same machine:
//   A  crawl-diag logs FILE --line P1 --line P2 --line P3 --bucket 1m --json
//   B  LC_ALL=C grep -F -c P1 FILE                                   (one pattern, count only)
//   R  rg -c -F P1 FILE                                              (ripgrep, one pattern, count only)
//   C  grep P | cut -c1-16 | uniq -c, once per pattern               (the classic per-minute count)
// on a generated 1 GB Python-logging log (bench/.work/, git-ignored), page cache warm, median of N rounds with
// the order rotated each round; the load average is recorded before every command. Peak RSS of A from
// /usr/bin/time -v (else VmHWM polled from /proc). With --4g, A runs once more on a 4 GB log for its peak RSS.
// Checks that A's totals equal grep -c's. Then, through the library (phases.mjs), the same job with 1 and with 2
// worker threads, and with the JavaScript line scanner instead of the kernel's whole-record scan (the figures
// before it), each N times. Writes bench/results/analyzer.json. CPU seconds (user + sys) are the fairer
// comparison on a busy machine. ripgrep comes from Debian's packages; it is installed when missing.
//
//   node bench/analyzer/run.mjs [--rounds 3] [--size-mb 1000] [--4g]
//
// Targets: A <= 2x B in wall time, <= 3x B in CPU time, moonshot A <= R; A < C; peak RSS < 300 MB at 1 and 4 GB.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from './timed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const work = join(root, 'bench', '.work');
const CLI = join(root, 'packages', 'cli', 'bin', 'crawl-diag.js');
const RESULT = join(root, 'bench', 'results', 'analyzer.json');
const PATTERNS = ['will be crawled', 'Crawling URL', 'was postponed'];

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg('rounds', 3));
const sizeBytes = Number(arg('size-mb', 1000)) * 1e6;
const with4g = process.argv.includes('--4g');
const TIME_BIN = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function ensureRipgrep() {
  if (spawnSync('sh', ['-c', 'command -v rg']).status === 0) return;
  process.stderr.write('installing ripgrep (apt-get install -y ripgrep) …\n');
  const r = spawnSync('sh', ['-c', 'apt-get install -y ripgrep || (apt-get update && apt-get install -y ripgrep)'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('ripgrep is needed as a reference: apt-get install ripgrep');
}

function ensureLog(bytes) {
  mkdirSync(work, { recursive: true });
  const file = join(work, `analyzer-${Math.round(bytes / 1e6)}mb.log`);
  if (!existsSync(file) || statSync(file).size < bytes) {
    process.stderr.write(`generating ${file} …\n`);
    const r = spawnSync(process.execPath, [join(here, 'make-log.mjs'), file, String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error('make-log.mjs failed');
  }
  // Warm the page cache, so every command reads from memory alike.
  spawnSync('sh', ['-c', `cat "${file}" > /dev/null`]);
  return file;
}

const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  ensureRipgrep();
  if (!existsSync(join(root, 'packages', 'cli', 'dist', 'main.js'))) throw new Error('build first: npx tsc -b packages/cli');
  const file = ensureLog(sizeBytes);
  const bytes = statSync(file).size;
  const crawlDiag = `node ${q(CLI)} logs ${q(file)} ${PATTERNS.map((p) => `--line ${q(p)}`).join(' ')} --bucket 1m --json > ${q(join(work, 'analyzer-report.json'))}`;
  const grepC = `LC_ALL=C grep -F -c ${q(PATTERNS[0])} ${q(file)}`;
  const rgC = `rg -c -F ${q(PATTERNS[0])} ${q(file)}`;
  const pipelines = PATTERNS.map((p) => `grep ${q(p)} ${q(file)} | cut -c1-16 | uniq -c > /dev/null`);
  const load = [loadavg()[0]];

  const samples = { crawlDiag: [], grepC: [], rgC: [], pipelines: [], rssKb: [] };
  const cpu = { crawlDiag: [], grepC: [], rgC: [], pipelines: [] };
  const loads = { crawlDiag: [], grepC: [], rgC: [], pipelines: [] };
  const steps = [
    async () => {
      loads.crawlDiag.push(loadavg()[0]);
      const r = await timed(crawlDiag, { rss: true });
      samples.crawlDiag.push(r.seconds);
      cpu.crawlDiag.push(r.cpuSeconds);
      samples.rssKb.push(r.rssKb);
    },
    async () => {
      loads.grepC.push(loadavg()[0]);
      const r = await timed(grepC);
      samples.grepC.push(r.seconds);
      cpu.grepC.push(r.cpuSeconds);
    },
    async () => {
      loads.rgC.push(loadavg()[0]);
      const r = await timed(rgC);
      samples.rgC.push(r.seconds);
      cpu.rgC.push(r.cpuSeconds);
    },
    async () => {
      loads.pipelines.push(loadavg()[0]);
      let total = 0;
      let cpuTotal = 0;
      for (const p of pipelines) {
        const r = await timed(p);
        total += r.seconds;
        cpuTotal += r.cpuSeconds ?? NaN;
      }
      samples.pipelines.push(total);
      cpu.pipelines.push(cpuTotal);
    },
  ];
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < steps.length; k++) await steps[(round + k) % steps.length]();
    process.stderr.write(`round ${round + 1}/${rounds}: crawl-diag ${samples.crawlDiag.at(-1).toFixed(2)} s, grep -c ${samples.grepC.at(-1).toFixed(2)} s, rg -c ${samples.rgC.at(-1).toFixed(2)} s, 3 pipelines ${samples.pipelines.at(-1).toFixed(2)} s (load ${loadavg()[0].toFixed(1)})\n`);
  }
  load.push(loadavg()[0]);

  // Where crawl-diag's time goes (loading, scanning, analysis) through the library: 1 and 2 worker threads with
  // the kernel's whole-record scan, and 2 threads with the line scanner (before it); the medians of N runs each.
  const library = {};
  for (const [name, extra] of [['threads1', ['--threads', '1']], ['threads2', ['--threads', '2']], ['lineScanner2', ['--threads', '2', '--core', 'line']]]) {
    const runs = [];
    for (let round = 0; round < rounds; round++) {
      const loadBefore = loadavg()[0];
      const out = spawnSync(process.execPath, [join(here, 'phases.mjs'), ...extra, file, ...PATTERNS], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`phases.mjs ${extra.join(' ')}: ${out.stderr}`);
      runs.push({ ...JSON.parse(out.stdout), load1m: loadBefore });
    }
    const mid = (key) => median(runs.map((r) => r[key]));
    library[name] = { wallMs: mid('wallMs'), cpuMs: mid('cpuMs'), loadMs: mid('loadMs'), scanMs: mid('scanMs'), analysisMs: mid('analysisMs'), load1m: runs.map((r) => r.load1m), runs };
    process.stderr.write(`library ${name}: wall ${(library[name].wallMs / 1000).toFixed(2)} s, CPU ${(library[name].cpuMs / 1000).toFixed(2)} s\n`);
  }
  const phases = { ...library.threads2.runs[0], loadMs: library.threads2.loadMs, scanMs: library.threads2.scanMs, analysisMs: library.threads2.analysisMs };

  // Same counts as grep, or the speed means nothing.
  const report = JSON.parse(readFileSync(join(work, 'analyzer-report.json'), 'utf8'));
  const counts = PATTERNS.map((p) => {
    const grep = Number(spawnSync('sh', ['-c', `LC_ALL=C grep -F -c ${q(p)} ${q(file)}`], { encoding: 'utf8' }).stdout.trim());
    const ours = report.series.find((s) => s.name === p).total;
    return { pattern: p, grep, crawlDiag: ours, equal: grep === ours };
  });

  let big = null;
  if (with4g) {
    const file4 = ensureLog(4 * sizeBytes);
    const cmd4 = crawlDiag.replace(q(file), q(file4));
    const r = await timed(cmd4, { rss: true });
    big = { bytes: statSync(file4).size, seconds: r.seconds, peakRssMB: r.rssKb / 1024 };
    process.stderr.write(`4 GB: crawl-diag ${r.seconds.toFixed(1)} s, peak RSS ${(r.rssKb / 1024).toFixed(0)} MB\n`);
  }

  const m = { crawlDiag: median(samples.crawlDiag), grepC: median(samples.grepC), rgC: median(samples.rgC), pipelines: median(samples.pipelines) };
  const mc = { crawlDiag: median(cpu.crawlDiag), grepC: median(cpu.grepC), rgC: median(cpu.rgC), pipelines: median(cpu.pipelines) };
  const peakRssMB = Math.max(...samples.rssKb) / 1024;
  const result = {
    schema: 'crawl-diag/bench-analyzer@1',
    date: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version, loadAverage1m: load, locale: process.env.LC_ALL || process.env.LANG || 'POSIX' },
    input: { bytes, lines: report.files[0].lines, patterns: PATTERNS, bucket: '1m' },
    commands: { crawlDiag, grepC, rgC, pipelines },
    seconds: { median: m, samples: { crawlDiag: samples.crawlDiag, grepC: samples.grepC, rgC: samples.rgC, pipelines: samples.pipelines } },
    loadAverage1mBefore: loads,
    cpuSeconds: TIME_BIN ? { median: mc, samples: cpu } : null,
    ratios: { crawlDiagOverGrepC: m.crawlDiag / m.grepC, crawlDiagOverRgC: m.crawlDiag / m.rgC, crawlDiagOverPipelines: m.crawlDiag / m.pipelines },
    cpuRatios: TIME_BIN ? { crawlDiagOverGrepC: mc.crawlDiag / mc.grepC, crawlDiagOverRgC: mc.crawlDiag / mc.rgC, crawlDiagOverPipelines: mc.crawlDiag / mc.pipelines } : null,
    library,
    phasesMs: phases,
    throughputMBps: { crawlDiag: bytes / 1e6 / m.crawlDiag, grepC: bytes / 1e6 / m.grepC },
    peakRssMB: { at1GB: peakRssMB, at4GB: big?.peakRssMB ?? null, measuredWith: TIME_BIN ? '/usr/bin/time -v' : '/proc VmRSS polling' },
    run4GB: big,
    counts,
    targets: {
      'crawl-diag <= 2x grep -c (wall)': m.crawlDiag <= 2 * m.grepC,
      'crawl-diag <= 3x grep -c (CPU)': TIME_BIN ? mc.crawlDiag <= 3 * mc.grepC : null,
      'moonshot: crawl-diag <= rg -c (wall)': m.crawlDiag <= m.rgC,
      'crawl-diag < 3 pipelines': m.crawlDiag < m.pipelines,
      'peak RSS < 300 MB (1 GB)': peakRssMB < 300,
      'peak RSS < 300 MB (4 GB)': big ? big.peakRssMB < 300 : null,
      'counts equal grep -c': counts.every((c) => c.equal),
    },
  };
  mkdirSync(dirname(RESULT), { recursive: true });
  writeFileSync(RESULT, JSON.stringify(result, null, 2) + '\n');
  console.log(
    [
      `input: ${(bytes / 1e6).toFixed(0)} MB, ${result.input.lines} lines; ${cpus().length} cores; load ${load.map((l) => l.toFixed(1)).join(' -> ')}`,
      `crawl-diag (3 patterns, 1m buckets): ${m.crawlDiag.toFixed(2)} s  (${result.throughputMBps.crawlDiag.toFixed(0)} MB/s), peak RSS ${peakRssMB.toFixed(0)} MB`,
      `LC_ALL=C grep -F -c (1 pattern):     ${m.grepC.toFixed(2)} s`,
      `rg -c -F (1 pattern):                ${m.rgC.toFixed(2)} s`,
      `grep | cut | uniq -c x 3:            ${m.pipelines.toFixed(2)} s`,
      `ratio crawl-diag / grep -c:          ${result.ratios.crawlDiagOverGrepC.toFixed(2)}  (target <= 2)`,
      `ratio crawl-diag / rg -c:            ${result.ratios.crawlDiagOverRgC.toFixed(2)}  (moonshot <= 1)`,
      `ratio crawl-diag / 3 pipelines:      ${result.ratios.crawlDiagOverPipelines.toFixed(2)}  (target < 1)`,
      TIME_BIN ? `CPU seconds (user+sys): crawl-diag ${mc.crawlDiag.toFixed(2)}, grep -c ${mc.grepC.toFixed(2)}, rg -c ${mc.rgC.toFixed(2)}, 3 pipelines ${mc.pipelines.toFixed(2)}; ratio to grep -c ${result.cpuRatios.crawlDiagOverGrepC.toFixed(2)} (target <= 3)` : 'CPU seconds: not measured (no /usr/bin/time)',
      ...Object.entries(library).map(([name, l]) => `library ${name}: wall ${(l.wallMs / 1000).toFixed(2)} s, CPU ${(l.cpuMs / 1000).toFixed(2)} s (load ${l.load1m.map((x) => x.toFixed(1)).join(', ')})`),
      `crawl-diag phases (ms): load ${phases.loadMs.toFixed(0)}, scan ${phases.scanMs.toFixed(0)}, analysis ${phases.analysisMs.toFixed(0)} (${phases.buckets} buckets)`,
      big ? `4 GB: ${big.seconds.toFixed(1)} s, peak RSS ${big.peakRssMB.toFixed(0)} MB` : '4 GB: not run (add --4g)',
      `counts equal grep -c: ${counts.every((c) => c.equal)}`,
      `written: ${RESULT}`,
    ].join('\n'),
  );
}

main().catch((err) => {
  console.error(`bench/analyzer: ${err.message}`);
  process.exit(1);
});
