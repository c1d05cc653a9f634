// How long `crawl-diag flame --pid N -d 8s` holds a live target with a big heap, as the target sees it: a
// target (packages/profiler/test/fixtures/big-heap-target.mjs, ~2 GB of small objects) records every gap over
// 20 ms in its 1 ms timer and its main thread's on-CPU time during the gap (the work's own time, robust to other
// tenants). Each run: the real CLI attaches, samples 8 s at 100 Hz in 2 s chunks, and detaches; reported are the
// stalls over 50 and 100 ms, their total, and the time from spawning the command to its first sample.
// Writes bench/results/profiler-attach-stall.json.
//
//   flock /tmp/bench.lock node bench/profiler/attach-stall.mjs [--heap 2048] [--runs 2] [--duration 8s]
//       [--profiler-dist DIR]   (a built packages/profiler/dist to compare with, e.g. an older commit's; uses
//                                attachNode() from it instead of the CLI)
//       [--agent]               (no attach: the target runs the crawl-diag agent from its start, 2 s windows, and
//                                each run only watches it for the same time: the zero-stall path)
//
// Needs the CLI built (npx tsc -b). The target takes ~2× its heap in RAM.
import { fork, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const CLI = join(root, 'packages', 'cli', 'bin', 'crawl-diag.js');
const TARGET = join(root, 'packages', 'profiler', 'test', 'fixtures', 'big-heap-target.mjs');
const RESULT = join(root, 'bench', 'results', 'profiler-attach-stall.json');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const heapMb = Number(arg('heap', 2048));
const runs = Number(arg('runs', 2));
const durationMs = Number(String(arg('duration', '8s')).replace(/s$/, '')) * 1000;
const dist = arg('profiler-dist', undefined);
const agent = process.argv.includes('--agent');
const AGENT = join(root, 'packages', 'profiler', 'dist', 'agent.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => Number(loadavg()[0].toFixed(2));

const agentDir = agent ? await mkdtemp(join(tmpdir(), 'crawl-diag-agent-stall-')) : undefined;
const target = fork(TARGET, [String(heapMb)], {
  // A port of its own (the default 9229 may be another session's): SIGUSR1 opens the inspector there.
  execArgv: [`--max-old-space-size=${heapMb * 2 + 512}`, '--inspect-port=127.0.0.1:0', ...(agent ? ['--import', AGENT] : [])],
  env: agent ? { ...process.env, CRAWL_DIAG_PROFILE_DIR: agentDir, CRAWL_DIAG_PROFILE_WINDOW: '2s' } : process.env,
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const ready = await new Promise((r) => target.once('message', r));
const replies = [];
target.on('message', (m) => replies.shift()?.(m));
const report = () => new Promise((r) => { replies.push(r); target.send('report'); });
process.stderr.write(`target: ${ready.heapUsedMb} MB heap, ${ready.objects / 1e6}M objects, built in ${ready.buildMs} ms\n`);
await sleep(2000);
await report();

/** One attach through the CLI: resolves with the time to its first sample and its wall time. */
function attachByCli() {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const cli = spawn(process.execPath, [CLI, 'flame', '--pid', String(target.pid), '-d', `${durationMs}ms`, '-f', 'folded', '-o', '/dev/null', '--yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let firstSampleMs;
    cli.stderr.on('data', (d) => {
      err += d;
      if (firstSampleMs === undefined && err.includes('sampling started')) firstSampleMs = performance.now() - t0;
    });
    cli.stdout.resume();
    cli.on('close', (code) => (code === 0 ? done({ firstSampleMs, wallMs: performance.now() - t0, stderr: err.trim() }) : fail(new Error(`crawl-diag exited ${code}: ${err}`))));
  });
}

async function attachByLibrary() {
  const { attachNode } = await import(pathToFileURL(join(resolve(dist), 'index.js')).href);
  const t0 = performance.now();
  let firstSampleMs;
  await attachNode(target.pid, { durationMs, rateHz: 100, onSamplingStarted: () => (firstSampleMs = performance.now() - t0) });
  return { firstSampleMs, wallMs: performance.now() - t0 };
}

/** The agent path: nothing attaches; the target's own windows rotate while we wait as long as an attach lasts. */
async function watchAgent() {
  const t0 = performance.now();
  await sleep(durationMs);
  return { firstSampleMs: 0, wallMs: performance.now() - t0, windows: (await readdir(agentDir)).length };
}

const rows = [];
for (let i = 0; i < runs; i++) {
  const loadBefore = load();
  const run = await (agent ? watchAgent() : dist ? attachByLibrary() : attachByCli());
  await sleep(500);
  const { stalls } = await report();
  const over = (ms) => stalls.filter((s) => s.ms > ms);
  const row = {
    run: i + 1,
    loadavg1m: [loadBefore, load()],
    firstSampleMs: Math.round(run.firstSampleMs),
    ...(agent ? { agentWindowFiles: run.windows } : {}),
    wallMs: Math.round(run.wallMs),
    stallsOver50ms: over(50).length,
    stallsOver100ms: over(100).length,
    stalledMsOver50ms: Math.round(over(50).reduce((n, s) => n + s.ms, 0)),
    onCpuMsOfThoseStalls: Math.round(over(50).reduce((n, s) => n + s.onCpuMs, 0)),
    stalls: over(50),
  };
  rows.push(row);
  process.stderr.write(`run ${row.run} (load ${row.loadavg1m.join('→')}): first sample after ${row.firstSampleMs} ms; ${row.stallsOver100ms} stalls > 100 ms, ${row.stallsOver50ms} > 50 ms, ${row.stalledMsOver50ms} ms in all (${row.onCpuMsOfThoseStalls} ms of it on-CPU): ${over(50).map((s) => `${s.ms}/${s.onCpuMs}`).join(', ')}\n`);
  await sleep(2000);
  await report();
}
target.disconnect();
target.kill();
if (agentDir) await rm(agentDir, { recursive: true, force: true });

const out = {
  schema: 'crawl-diag/bench-profiler-attach-stall@1',
  machine: { cores: cpus().length, node: process.version },
  settings: { heapMb, heapUsedMb: ready.heapUsedMb, objects: ready.objects, durationMs, rateHz: 100, chunkMs: 2000, via: agent ? 'agent from the start (--import @crawl-diag/profiler/agent, 2 s windows), no attach' : dist ? `attachNode() from ${dist}` : 'crawl-diag flame --pid N --yes' },
  targets: { maxStallsOver100ms: 1, maxStalledMs: 1500 },
  runs: rows,
};
await mkdir(dirname(RESULT), { recursive: true });
await writeFile(agent ? RESULT.replace(/\.json$/, '-agent.json') : dist ? RESULT.replace(/\.json$/, '-compare.json') : RESULT, `${JSON.stringify(out, null, 2)}\n`);
