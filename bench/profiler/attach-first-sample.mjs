// How soon `crawl-diag flame --pid N` takes its first sample of a small idle Node target, from spawning the
// command to its "sampling started" line (Profiler.start acknowledged), against a reference command measured in
// the same run: another build of the CLI (--reference-cli, e.g. main's), and Node starting and exiting
// (`node -e 0`, the floor under any command). Runs alternate (ABAB…), so the machine's load falls on both alike. Besides
// wall time it reads the command's own CPU time (all threads, /proc/PID/stat) at that moment: what the wall time
// would be on an idle machine, but for the waits (the inspector opening after SIGUSR1). Writes
// bench/results/profiler-first-sample.json.
//
//   flock /tmp/bench.lock node bench/profiler/attach-first-sample.mjs [--runs 10] [--reference-cli PATH/bin/crawl-diag.js]
//
// Needs the CLI built (npx tsc -b).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from '../dist/common/cpu.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const CLI = join(root, 'packages', 'cli', 'bin', 'crawl-diag.js');
const RESULT = join(root, 'bench', 'results', 'profiler-first-sample.json');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const runs = Number(arg('runs', 10));
const referenceCli = arg('reference-cli', undefined);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => Number(loadavg()[0].toFixed(2));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// The command's CPU time from /proc, by the bench's one reader of it; NaN once the process is gone.
const cpuMsOf = (pid) => processCpuMs(pid) ?? NaN;

// The target: idle, a small heap, its inspector closed until the command opens it.
const target = spawn(process.execPath, ['--inspect-port=127.0.0.1:0', '-e', "setInterval(() => {}, 1000); process.stdout.write('ready')"], { stdio: ['ignore', 'pipe', 'ignore'] });
await new Promise((r) => target.stdout.once('data', r));

/** One run of `cli flame --pid TARGET`: wall and CPU ms from spawn to its "sampling started" line. */
function firstSample(cli) {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, 'flame', '--pid', String(target.pid), '-d', '300ms', '-f', 'folded', '-o', '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let mark;
    child.stderr.on('data', (d) => {
      err += d;
      if (!mark && err.includes('sampling started')) mark = { wallMs: Math.round(performance.now() - t0), cpuMs: cpuMsOf(child.pid) };
    });
    child.on('close', (code) => (code === 0 && mark ? done(mark) : fail(new Error(`${cli} exited ${code}: ${err}`))));
  });
}

/** `node -e 0`: Node starting and exiting, the floor under any command. */
function nodeAlone() {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--inspect-port=127.0.0.1:0', '-e', '0'], { stdio: 'ignore' });
    let cpuMs = NaN;
    // CPU time is read from /proc before the process is reaped: at exit, via a last poll.
    const poll = setInterval(() => (cpuMs = Number.isNaN(cpuMsOf(child.pid)) ? cpuMs : cpuMsOf(child.pid)), 5);
    child.on('close', () => {
      clearInterval(poll);
      done({ wallMs: Math.round(performance.now() - t0), cpuMs });
    });
  });
}

const commands = [['this build', CLI], ...(referenceCli ? [['reference', resolve(referenceCli)]] : [])];
const rows = [];
const loadAtStart = load();
for (let i = 0; i < runs; i++) {
  for (const [name, cli] of i % 2 ? [...commands].reverse() : commands) {
    rows.push({ command: name, what: 'flame --pid', load: load(), ...(await firstSample(cli)) });
    await sleep(200);
  }
  rows.push({ command: 'node', what: '-e 0', load: load(), ...(await nodeAlone()) });
  await sleep(200);
}
target.kill();

const summarize = (name, what) => {
  const rs = rows.filter((r) => r.command === name && r.what === what);
  return { command: name, what, runs: rs.length, medianWallMs: median(rs.map((r) => r.wallMs)), medianCpuMs: median(rs.map((r) => r.cpuMs)), minWallMs: Math.min(...rs.map((r) => r.wallMs)), maxWallMs: Math.max(...rs.map((r) => r.wallMs)) };
};
const summary = [summarize('this build', 'flame --pid'), ...(referenceCli ? [summarize('reference', 'flame --pid')] : []), summarize('node', '-e 0')];
const ours = summary[0];
const ref = referenceCli ? summary[1] : undefined;
const out = {
  schema: 'crawl-diag/bench-profiler-first-sample@1',
  machine: { cores: cpus().length, node: process.version, loadavg1mAtStart: loadAtStart, loadavg1mAtEnd: load() },
  settings: { runs, referenceCli: referenceCli ? resolve(referenceCli) : null, command: 'crawl-diag flame --pid PID -d 300ms -f folded -o /dev/null (small idle target)' },
  targetMs: 300,
  summary,
  ...(ref ? { wallRatioToReference: Number((ours.medianWallMs / ref.medianWallMs).toFixed(3)), cpuRatioToReference: Number((ours.medianCpuMs / ref.medianCpuMs).toFixed(3)) } : {}),
  runs: rows,
};
await mkdir(dirname(RESULT), { recursive: true });
await writeFile(RESULT, `${JSON.stringify(out, null, 2)}\n`);
for (const s of summary) process.stdout.write(`${s.command} ${s.what}: median ${s.medianWallMs} ms wall (${s.minWallMs}-${s.maxWallMs}), ${s.medianCpuMs} ms CPU\n`);
if (ref) process.stdout.write(`this build / reference: wall ${out.wallRatioToReference}, CPU ${out.cpuRatioToReference} (load ${loadAtStart} -> ${out.machine.loadavg1mAtEnd})\nwrote ${RESULT}\n`);
