// Attach overhead benchmark: a CPU-bound Node process (attach-workload.mjs) measured in alternating phases of
// one run: before attaching, while `crawl-diag flame --pid` samples it at the default 100 Hz, and after detach.
// Reports throughput and main-thread CPU per operation relative to the phase before each attach, the time from
// the command's start to its first sample, and the longest pause attaching caused in the target (measured in
// the target). Writes bench/results/profiler-attach.json.
//
//   node bench/profiler/attach-overhead.mjs [--cycles 5] [--phase 3s] [--rate 100] [--nice -10]
//
// "First sample" is measured twice: from spawning the crawl-diag command (includes Node's and the CLI's own
// start-up), and from calling the library's attachNode() (SIGUSR1, port lookup, connect, Profiler.start only).
// On a shared machine other tenants decide how much CPU each phase gets; --nice (negative needs root) raises
// the priority of the target and of crawl-diag alike. Needs the CLI built (npm run build).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const CLI = join(root, 'packages', 'cli', 'bin', 'crawl-diag.js');
const RESULT = join(root, 'bench', 'results', 'profiler-attach.json');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const cycles = Number(arg('cycles', 5));
const phaseMs = Number(String(arg('phase', '3s')).replace(/s$/, '')) * 1000;
const rate = Number(arg('rate', 100));
const niceLevel = arg('nice', undefined);
const niced = (cmd, args) => (niceLevel === undefined ? [cmd, args] : ['nice', ['-n', String(niceLevel), cmd, ...args]]);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r4 = (x) => Number(x.toFixed(4));

const [targetCmd, targetArgs] = niced(process.execPath, [join(here, 'attach-workload.mjs')]);
const target = spawn(targetCmd, targetArgs, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
await new Promise((r) => target.once('message', r));

const pending = [];
target.on('message', (m) => pending.shift()?.(m));
/** Ends the current phase in the target and returns its figures. */
const mark = () => new Promise((r) => { pending.push(r); target.send('mark'); });
const perf = (p) => ({ opsPerSec: p.ops / (p.wallMs / 1000), mainCpuUsPerOp: (p.mainCpuMs * 1000) / p.ops, ...p });

/** Runs the CLI against the target; resolves marks at first sample and at the end of sampling. */
function attachOnce() {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const [cmd, args] = niced(process.execPath, [CLI, 'flame', '--pid', String(target.pid), '-d', `${phaseMs}ms`, '-r', String(rate), '-f', 'folded', '-o', '/dev/null']);
    const cli = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    let startedAt;
    let attachedMark;
    cli.stderr.on('data', (d) => {
      err += d;
      if (startedAt === undefined && err.includes('sampling started')) {
        startedAt = performance.now();
        attachedMark = mark(); // ends the gap (CLI start-up) phase; the attached phase begins
      }
    });
    cli.stdout.on('data', (d) => (out += d));
    cli.on('close', async (code) => {
      if (code !== 0 || startedAt === undefined) return reject(new Error(`crawl-diag flame exited ${code}: ${err}`));
      const gap = await attachedMark;
      const attached = await mark();
      const samples = Number(/^(\d+) samples over/m.exec(out)?.[1] ?? 0);
      resolveRun({ firstSampleMs: startedAt - t0, totalMs: performance.now() - t0, gap, attached, samples });
    });
    cli.on('error', reject);
  });
}

const loadAtStart = loadavg()[0];
const rows = [];
await sleep(1000); // warm-up: let V8 optimise the hot loop before the first reference phase
await mark();
for (let c = 0; c < cycles; c++) {
  await sleep(phaseMs);
  const before = perf(await mark());
  const run = await attachOnce();
  // Mark once more right away: the moments between sampling's end and the command's exit are not "after".
  await mark();
  await sleep(phaseMs);
  const after = perf(await mark());
  const attached = perf(run.attached);
  rows.push({
    cycle: c + 1,
    firstSampleMs: Math.round(run.firstSampleMs),
    samples: run.samples,
    before: { opsPerSec: Math.round(before.opsPerSec), mainCpuUsPerOp: r4(before.mainCpuUsPerOp), maxSliceMs: r4(before.maxSliceMs), maxEventLoopDelayMs: r4(before.maxEventLoopDelayMs) },
    attached: { opsPerSec: Math.round(attached.opsPerSec), mainCpuUsPerOp: r4(attached.mainCpuUsPerOp), maxSliceMs: r4(attached.maxSliceMs), maxEventLoopDelayMs: r4(attached.maxEventLoopDelayMs), wallMs: Math.round(attached.wallMs) },
    attachStartMaxSliceMs: r4(run.gap.maxSliceMs),
    after: { opsPerSec: Math.round(after.opsPerSec), mainCpuUsPerOp: r4(after.mainCpuUsPerOp), maxSliceMs: r4(after.maxSliceMs), maxEventLoopDelayMs: r4(after.maxEventLoopDelayMs) },
    attachedThroughputRatio: r4(attached.opsPerSec / before.opsPerSec),
    afterThroughputRatio: r4(after.opsPerSec / before.opsPerSec),
    attachedCpuPerOpRatio: r4(attached.mainCpuUsPerOp / before.mainCpuUsPerOp),
    afterCpuPerOpRatio: r4(after.mainCpuUsPerOp / before.mainCpuUsPerOp),
  });
  const row = rows[rows.length - 1];
  process.stderr.write(
    `cycle ${c + 1}/${cycles}: first sample after ${row.firstSampleMs} ms; throughput attached ${row.attachedThroughputRatio}, after ${row.afterThroughputRatio}; ` +
      `main-thread CPU/op attached ${row.attachedCpuPerOpRatio}; longest slice before ${row.before.maxSliceMs} ms, attaching ${row.attachStartMaxSliceMs} ms, attached ${row.attached.maxSliceMs} ms\n`,
  );
}
// The library path alone: from attachNode() to the first Profiler.start acknowledged.
const { attachNode } = await import(join(root, 'packages', 'profiler', 'dist', 'index.js'));
const libraryFirstSampleMs = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  let started = 0;
  await attachNode(target.pid, { durationMs: 500, rateHz: rate, onSamplingStarted: () => (started = performance.now() - t0) });
  libraryFirstSampleMs.push(Math.round(started));
  await sleep(500);
}
process.stderr.write(`library attach to first sample: ${libraryFirstSampleMs.join(', ')} ms\n`);
target.disconnect();
target.kill();

const baselineSliceMs = Math.max(...rows.map((r) => r.before.maxSliceMs));
const result = {
  schema: 'crawl-diag/bench-profiler-attach@1',
  machine: { cores: cpus().length, node: process.version, loadavg1mAtStart: r4(loadAtStart), loadavg1mAtEnd: r4(loadavg()[0]) },
  settings: { cycles, phaseMs, rateHz: rate, chunkMs: 2000, nice: niceLevel === undefined ? 0 : Number(niceLevel), command: `crawl-diag flame --pid PID -d ${phaseMs}ms -r ${rate} -f folded -o /dev/null` },
  summary: {
    medianAttachedThroughputRatio: r4(median(rows.map((r) => r.attachedThroughputRatio))),
    medianAfterThroughputRatio: r4(median(rows.map((r) => r.afterThroughputRatio))),
    medianAttachedCpuPerOpRatio: r4(median(rows.map((r) => r.attachedCpuPerOpRatio))),
    medianAfterCpuPerOpRatio: r4(median(rows.map((r) => r.afterCpuPerOpRatio))),
    targetSlowdownPct: 3,
    medianFirstSampleMs: Math.round(median(rows.map((r) => r.firstSampleMs))),
    maxFirstSampleMs: Math.max(...rows.map((r) => r.firstSampleMs)),
    firstSampleTargetMs: 1000,
    libraryFirstSampleMs,
    // A slice is ~2 ms of work; the longest one while attaching (SIGUSR1, Profiler.start) or sampling (chunk
    // rotations, the final stop) minus the longest slice of the reference phases is the pause attaching caused.
    longestSliceReferenceMs: baselineSliceMs,
    longestSliceAttachingMs: Math.max(...rows.map((r) => r.attachStartMaxSliceMs)),
    longestSliceAttachedMs: Math.max(...rows.map((r) => r.attached.maxSliceMs)),
    longestEventLoopDelayAttachedMs: Math.max(...rows.map((r) => r.attached.maxEventLoopDelayMs)),
    longestEventLoopDelayReferenceMs: Math.max(...rows.map((r) => r.before.maxEventLoopDelayMs)),
  },
  cycles: rows,
};
await mkdir(dirname(RESULT), { recursive: true });
await writeFile(RESULT, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\nwrote ${RESULT}\n`);
