// Attach overhead benchmark: a CPU-bound Node process (attach-workload.mjs) measured in alternating phases of
// one run: before attaching, while `crawl-diag flame --pid` samples it at the default 100 Hz, and after detach.
// Reports throughput and main-thread CPU per operation relative to the phase before each attach, the time from
// the command's start to its first sample, and the longest pause attaching caused in the target (measured in
// the target). Writes bench/results/profiler-attach.json.
//
//   node bench/profiler/attach-overhead.mjs [--cycles 16] [--phase 1.5s] [--rate 100] [--via library|cli] [--nice -10]
//
// Each cycle: a reference phase, an attached phase, a phase after detach. `--via library` (default) attaches with
// the library's attachNode() from this process, so cycles are short and many (a busy machine's noise needs a
// median over many); `--via cli` runs the crawl-diag command each time. Either way the command's own time to
// first sample is measured by three short command runs at the end.
//
// "First sample" is measured twice: from spawning the crawl-diag command (includes Node's and the CLI's own
// start-up), and from calling the library's attachNode() (SIGUSR1, port lookup, connect, Profiler.start only).
// On a shared machine other tenants decide how much CPU each phase gets; --nice (negative needs root) raises
// the priority of the target and of crawl-diag alike. Needs the CLI built (npm run build).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
const via = arg('via', 'library');
const cycles = Number(arg('cycles', via === 'cli' ? 5 : 16));
const phaseMs = Number(String(arg('phase', via === 'cli' ? '3s' : '1.5s')).replace(/s$/, '')) * 1000;
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

const [targetCmd, targetArgs] = niced(process.execPath, ['--inspect-port=127.0.0.1:0', join(here, 'attach-workload.mjs')]); // a port of its own: 9229 may be taken
const target = spawn(targetCmd, targetArgs, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
await new Promise((r) => target.once('message', r));

const pending = [];
target.on('message', (m) => pending.shift()?.(m));
/** Ends the current phase in the target and returns its figures. */
const mark = () => new Promise((r) => { pending.push(r); target.send('mark'); });
const perf = (p) => ({ opsPerSec: p.ops / (p.wallMs / 1000), mainCpuUsPerOp: (p.mainCpuMs * 1000) / p.ops, processCpuUsPerOp: (p.processCpuMs * 1000) / p.ops, ...p });
const phaseRow = (p) => ({
  opsPerSec: Math.round(p.opsPerSec),
  mainCpuUsPerOp: r4(p.mainCpuUsPerOp),
  processCpuUsPerOp: r4(p.processCpuUsPerOp),
  maxSliceMs: r4(p.maxSliceMs),
  maxSliceOnCpuMs: r4(p.maxSliceOnCpuMs),
  maxEventLoopDelayMs: r4(p.maxEventLoopDelayMs),
  wallMs: Math.round(p.wallMs),
});

const { attachNode } = await import(join(root, 'packages', 'profiler', 'dist', 'index.js'));

/** Attaches with the library; marks at the first sample and at the end of sampling. */
async function attachByLibrary() {
  const t0 = performance.now();
  let startedAt;
  let attachedMark;
  const profile = await attachNode(target.pid, {
    durationMs: phaseMs,
    rateHz: rate,
    onSamplingStarted: () => {
      startedAt = performance.now();
      attachedMark = mark();
    },
  });
  const gap = await attachedMark;
  const attached = await mark();
  return { firstSampleMs: startedAt - t0, gap, attached, samples: profile.samples.length };
}

/** Runs the CLI against the target; resolves marks at first sample and at the end of sampling. */
function attachByCli() {
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
  const run = await (via === 'cli' ? attachByCli() : attachByLibrary());
  // Mark once more right away: the moments between sampling's end and the command's exit are not "after".
  await mark();
  await sleep(phaseMs);
  const after = perf(await mark());
  const attached = perf(run.attached);
  rows.push({
    cycle: c + 1,
    firstSampleMs: Math.round(run.firstSampleMs),
    samples: run.samples,
    before: phaseRow(before),
    // From the command's start to its first sample: the CLI starting up, SIGUSR1, connecting, Profiler.start.
    attaching: { maxSliceMs: r4(run.gap.maxSliceMs), maxSliceOnCpuMs: r4(run.gap.maxSliceOnCpuMs), maxEventLoopDelayMs: r4(run.gap.maxEventLoopDelayMs) },
    attached: phaseRow(attached),
    after: phaseRow(after),
    attachedThroughputRatio: r4(attached.opsPerSec / before.opsPerSec),
    afterThroughputRatio: r4(after.opsPerSec / before.opsPerSec),
    attachedCpuPerOpRatio: r4(attached.mainCpuUsPerOp / before.mainCpuUsPerOp),
    afterCpuPerOpRatio: r4(after.mainCpuUsPerOp / before.mainCpuUsPerOp),
    attachedProcessCpuPerOpRatio: r4(attached.processCpuUsPerOp / before.processCpuUsPerOp),
    afterProcessCpuPerOpRatio: r4(after.processCpuUsPerOp / before.processCpuUsPerOp),
  });
  const row = rows[rows.length - 1];
  process.stderr.write(
    `cycle ${c + 1}/${cycles}: first sample after ${row.firstSampleMs} ms; throughput attached ${row.attachedThroughputRatio}, after ${row.afterThroughputRatio}; ` +
      `CPU/op attached: main thread ${row.attachedCpuPerOpRatio}, process ${row.attachedProcessCpuPerOpRatio}; ` +
      `longest slice on-CPU before ${row.before.maxSliceOnCpuMs} ms, attaching ${row.attaching.maxSliceOnCpuMs} ms, attached ${row.attached.maxSliceOnCpuMs} ms\n`,
  );
}
// The command's own time to first sample (from spawning crawl-diag), and how much of it is the CLI loading.
const cliFirstSampleMs = [];
// The command's own CPU time (all its threads) at that moment: what the wall time would be on an idle machine,
// but for waits (the inspector opening after SIGUSR1), whatever the neighbours take.
const cliFirstSampleCpuMs = [];
const cpuMsOf = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, USER_HZ 100
  } catch {
    return NaN;
  }
};
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const [cmd, args] = niced(process.execPath, [CLI, 'flame', '--pid', String(target.pid), '-d', '500ms', '-f', 'folded', '-o', '/dev/null']);
  await new Promise((resolveRun) => {
    const cli = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let seen = false;
    cli.stderr.on('data', (d) => {
      err += d;
      if (!seen && err.includes('sampling started')) {
        seen = true;
        cliFirstSampleMs.push(Math.round(performance.now() - t0));
        cliFirstSampleCpuMs.push(cpuMsOf(cli.pid));
      }
    });
    cli.on('close', resolveRun);
  });
  await sleep(300);
}
process.stderr.write(`crawl-diag flame, start to first sample: ${cliFirstSampleMs.join(', ')} ms (its own CPU time by then: ${cliFirstSampleCpuMs.join(', ')} ms)\n`);

// The floor under any command: Node starting and exiting. (Not `crawl-diag --version`: without a command name the
// CLI loads every command's module, for its listing and "did you mean", so it costs more than `flame --pid`.)
const cliStartupMs = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const [cmd, args] = niced(process.execPath, ['-e', '0']);
  await new Promise((r) => spawn(cmd, args, { stdio: 'ignore' }).on('close', r));
  cliStartupMs.push(Math.round(performance.now() - t0));
}
process.stderr.write(`node -e 0: ${cliStartupMs.join(', ')} ms\n`);
target.disconnect();
target.kill();

const maxOf = (f) => Math.max(...rows.map(f));
const result = {
  schema: 'crawl-diag/bench-profiler-attach@1',
  machine: { cores: cpus().length, node: process.version, loadavg1mAtStart: r4(loadAtStart), loadavg1mAtEnd: r4(loadavg()[0]) },
  settings: { via, cycles, phaseMs, rateHz: rate, chunkMs: 2000, nice: niceLevel === undefined ? 0 : Number(niceLevel), command: via === 'cli' ? `crawl-diag flame --pid PID -d ${phaseMs}ms -r ${rate} -f folded -o /dev/null` : `attachNode(PID, { durationMs: ${phaseMs}, rateHz: ${rate} })` },
  summary: {
    medianAttachedThroughputRatio: r4(median(rows.map((r) => r.attachedThroughputRatio))),
    medianAfterThroughputRatio: r4(median(rows.map((r) => r.afterThroughputRatio))),
    medianAttachedCpuPerOpRatio: r4(median(rows.map((r) => r.attachedCpuPerOpRatio))),
    medianAfterCpuPerOpRatio: r4(median(rows.map((r) => r.afterCpuPerOpRatio))),
    medianAttachedProcessCpuPerOpRatio: r4(median(rows.map((r) => r.attachedProcessCpuPerOpRatio))),
    medianAfterProcessCpuPerOpRatio: r4(median(rows.map((r) => r.afterProcessCpuPerOpRatio))),
    targetSlowdownPct: 3,
    firstSampleTargetMs: 1000,
    // via the cycles' attach path (library: attachNode() call to first Profiler.start acknowledged)
    medianFirstSampleMs: Math.round(median(rows.map((r) => r.firstSampleMs))),
    maxFirstSampleMs: Math.max(...rows.map((r) => r.firstSampleMs)),
    cliFirstSampleMs,
    cliFirstSampleCpuMs,
    cliStartupMs,
    // A slice is a fixed amount of work. Its longest on-CPU time while attaching (SIGUSR1, Profiler.start) or
    // sampling (chunk rotations, the final stop, closing the inspector), against the longest in the reference
    // phases, is the pause attaching caused in the target; wall-clock figures also hold other tenants' time.
    longestSliceOnCpuReferenceMs: maxOf((r) => r.before.maxSliceOnCpuMs),
    longestSliceOnCpuAttachingMs: maxOf((r) => r.attaching.maxSliceOnCpuMs),
    longestSliceOnCpuAttachedMs: maxOf((r) => r.attached.maxSliceOnCpuMs),
    longestSliceOnCpuAfterMs: maxOf((r) => r.after.maxSliceOnCpuMs),
    longestSliceWallReferenceMs: maxOf((r) => r.before.maxSliceMs),
    longestSliceWallAttachingMs: maxOf((r) => r.attaching.maxSliceMs),
    longestSliceWallAttachedMs: maxOf((r) => r.attached.maxSliceMs),
    longestEventLoopDelayReferenceMs: maxOf((r) => r.before.maxEventLoopDelayMs),
    longestEventLoopDelayAttachedMs: maxOf((r) => r.attached.maxEventLoopDelayMs),
  },
  cycles: rows,
};
await mkdir(dirname(RESULT), { recursive: true });
await writeFile(RESULT, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\nwrote ${RESULT}\n`);
