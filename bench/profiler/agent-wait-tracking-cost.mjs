// The wait tracking's own cost, measured inside one process so that a busy machine's drift hits every side alike:
// agent-wait-workload's loop (node:http, fetch and a zero timer per operation against a loopback server in its
// own process) runs in short blocks, with the tracking off, sampling the awaiting stacks (the agent's default) or
// capturing every one, in the order off, sampled, every, every, sampled, off, repeated. Each block's throughput is
// compared with the neighbouring off blocks'. The agent's sampling profiler is not running here (its own cost is
// agent-overhead.mjs's and agent-wait-overhead.mjs's); this isolates what the waits add.
//
//   flock /tmp/bench.lock node --expose-gc bench/profiler/agent-wait-tracking-cost.mjs [--rounds 12] [--block 500ms] [--out FILE]
//
// Needs the profiler built (npx tsc -b packages/profiler). Writes bench/results/profiler-agent-wait-tracking.json.
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg('rounds', 12));
const blockMs = Number(String(arg('block', '500ms')).replace(/ms$/, ''));
const RESULT = resolve(arg('out', join(root, 'bench', 'results', 'profiler-agent-wait-tracking.json')));
const TARGET_SLOWDOWN_PCT = 3;

const { WaitTracker, watchWaits } = await import(join(root, 'packages', 'profiler', 'dist', 'agent', 'waits.js'));
const server = spawn(process.execPath, ['-e', "const s=require('http').createServer((q,r)=>r.end('<html>ok</html>'));s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((ok) => server.stdout.once('data', (d) => ok(Number(String(d).trim()))));
const url = `http://127.0.0.1:${port}/page`;

// The same operation as agent-wait-workload.mjs.
const httpGet = (u) => new Promise((ok, fail) => get(u, (res) => { res.resume(); res.on('end', ok); }).on('error', fail));
async function op() {
  await httpGet(url);
  await (await fetch(url)).text();
  await sleep(0);
}

// Time inside the tracker's start and end, per call: the tracking's direct cost in this loop (caches as cold as the
// I/O between waits leaves them), which a busy machine's preemptions inflate only in the tail, not the median.
const inCallNs = { sampled: [], every: [] };
class TimedTracker extends WaitTracker {
  constructor(mode, opts) {
    super(opts);
    this.times = inCallNs[mode];
  }
  start(token, what) {
    const t0 = process.hrtime.bigint();
    super.start(token, what);
    this.times.push(Number(process.hrtime.bigint() - t0));
  }
  end(token) {
    const t0 = process.hrtime.bigint();
    super.end(token);
    this.times.push(Number(process.hrtime.bigint() - t0));
  }
}
const trackers = { sampled: () => new TimedTracker('sampled', { periodUs: 10_000 }), every: () => new TimedTracker('every', { periodUs: 0 }) };
const stats = { captures: { sampled: 0, every: 0 }, waits: { sampled: 0, every: 0 }, ops: { off: 0, sampled: 0, every: 0 }, cpuUs: { off: 0, sampled: 0, every: 0 } };
async function block(mode) {
  // Each block starts with a collected heap: one block's garbage (every stack's CallSites) must not be paid for by
  // the next block's collector.
  globalThis.gc?.();
  const tracker = mode === 'off' ? undefined : trackers[mode]();
  const unwatch = tracker ? watchWaits(tracker) : undefined;
  let ops = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < blockMs) {
    await op();
    ops++;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  unwatch?.();
  stats.ops[mode] += ops;
  stats.cpuUs[mode] += cpu.user + cpu.system;
  if (tracker) {
    stats.captures[mode] += tracker.captures;
    stats.waits[mode] += tracker.waits;
  }
  return { opsPerSec: (ops * 1000) / ms, cpuUsPerOp: (cpu.user + cpu.system) / ops };
}

for (const mode of ['off', 'sampled', 'every']) await block(mode); // warm-up
for (const k of Object.keys(stats)) for (const m of Object.keys(stats[k])) stats[k][m] = 0;
for (const m of Object.keys(inCallNs)) inCallNs[m].length = 0;
const loadStart = loadavg()[0];
const ratios = { sampled: [], every: [] };
const cpuRatios = { sampled: [], every: [] };
let offOps = [];
for (let r = 0; r < rounds; r++) {
  const off1 = await block('off');
  const s1 = await block('sampled');
  const e1 = await block('every');
  const e2 = await block('every');
  const s2 = await block('sampled');
  const off2 = await block('off');
  const off = off1.opsPerSec + off2.opsPerSec;
  const offCpu = off1.cpuUsPerOp + off2.cpuUsPerOp;
  ratios.sampled.push((s1.opsPerSec + s2.opsPerSec) / off);
  ratios.every.push((e1.opsPerSec + e2.opsPerSec) / off);
  cpuRatios.sampled.push(offCpu / (s1.cpuUsPerOp + s2.cpuUsPerOp));
  cpuRatios.every.push(offCpu / (e1.cpuUsPerOp + e2.cpuUsPerOp));
  offOps.push(off / 2);
  process.stderr.write(`round ${r + 1}/${rounds}: off ${(off / 2).toFixed(0)} ops/s; sampled ${ratios.sampled[r].toFixed(3)}, every stack ${ratios.every[r].toFixed(3)} (CPU per op ${cpuRatios.sampled[r].toFixed(3)}, ${cpuRatios.every[r].toFixed(3)}), load ${loadavg()[0].toFixed(1)}\n`);
}
server.kill();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round4 = (x) => Number(x.toFixed(4));
// Direct cost per operation: the mean time of a start/end call (its trimmed mean: the slowest 5% dropped, being
// preemptions on a busy machine more than the tracker) times the calls per operation.
const trimmedMeanUs = (ns) => {
  const s = [...ns].sort((a, b) => a - b).slice(0, Math.max(1, Math.floor(ns.length * 0.95)));
  return s.reduce((a, b) => a + b, 0) / s.length / 1000;
};
const directUsPerOp = (mode) => (trimmedMeanUs(inCallNs[mode]) * inCallNs[mode].length) / stats.ops[mode];
const offCpuUsPerOp = stats.cpuUs.off / stats.ops.off;
const result = {
  schema: 'crawl-diag/bench-profiler-agent-wait-tracking@1',
  machine: { cores: cpus().length, node: process.version, loadavg1mAtStart: loadStart, loadavg1mAtEnd: loadavg()[0] },
  settings: { rounds, blockMs, order: 'off sampled every every sampled off', waitsPerOp: 3, periodUs: 10_000 },
  offOpsPerSecMedian: Number(median(offOps).toFixed(1)),
  throughputRatio: { sampled: round4(median(ratios.sampled)), every: round4(median(ratios.every)) },
  cpuPerOpRatio: { sampled: round4(median(cpuRatios.sampled)), every: round4(median(cpuRatios.every)) },
  ratios: { sampled: ratios.sampled.map(round4), every: ratios.every.map(round4) },
  directCost: {
    medianCallUs: { sampled: round4(median(inCallNs.sampled) / 1000), every: round4(median(inCallNs.every) / 1000) },
    usPerOp: { sampled: round4(directUsPerOp('sampled')), every: round4(directUsPerOp('every')) },
    offCpuUsPerOp: round4(offCpuUsPerOp),
    pctOfOffOp: { sampled: round4((100 * directUsPerOp('sampled')) / offCpuUsPerOp), every: round4((100 * directUsPerOp('every')) / offCpuUsPerOp) },
  },
  capturedShareOfWaits: { sampled: round4(stats.captures.sampled / stats.waits.sampled), every: round4(stats.captures.every / stats.waits.every) },
  targetSlowdownPct: TARGET_SLOWDOWN_PCT,
  sampledWithinTarget: (1 - median(ratios.sampled)) * 100 <= TARGET_SLOWDOWN_PCT,
};
await mkdir(dirname(RESULT), { recursive: true });
await writeFile(RESULT, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `wait tracking, throughput against off (median of ${rounds} rounds): sampled ${result.throughputRatio.sampled}, every stack ${result.throughputRatio.every}; ` +
    `CPU per operation: sampled ${result.cpuPerOpRatio.sampled}, every stack ${result.cpuPerOpRatio.every}; ` +
    `time inside the tracker: ${result.directCost.usPerOp.sampled.toFixed(1)} µs per operation sampled (${result.directCost.pctOfOffOp.sampled.toFixed(2)}% of an operation's ${offCpuUsPerOp.toFixed(0)} µs of CPU), ${result.directCost.usPerOp.every.toFixed(1)} µs every stack (${result.directCost.pctOfOffOp.every.toFixed(2)}%); stacks captured: ${(100 * result.capturedShareOfWaits.sampled).toFixed(1)}% of waits sampled; ` +
    `${result.offOpsPerSecMedian} ops/s off; load ${loadStart.toFixed(2)} → ${loadavg()[0].toFixed(2)}; wrote ${RESULT}\n`,
);
