// The agent's overhead on a worker that mostly waits: agent-wait-workload.mjs (node:http, fetch and a timer per
// operation against a loopback server in its own process) with and without the agent, alternated ABBA so drift on
// a shared machine hits both sides alike. The agent's wait tracking costs per wait, not per sample, so this is its
// worst case; agent-overhead.mjs measures the CPU-bound case. Writes bench/results/profiler-agent-waits.json.
// --workload mongo runs agent-wait-mongo-workload.mjs instead (a find of 20 documents and a findOne per operation
// with the official mongodb driver, against a FerretDB the bench starts) and writes profiler-agent-waits-mongo.json.
//
//   flock /tmp/bench.lock node bench/profiler/agent-wait-overhead.mjs [--pairs 8] [--run 4s] [--workload http|mongo] [--agent-dist DIR] [--nice -10] [--against no-agent|no-waits] [--concurrent] [--out FILE]
//
// (The mongo workload needs the bench built, npx tsc -b bench, for its FerretDB.)
//
// --against no-waits compares with the agent run with CRAWL_DIAG_PROFILE_WAITS=0, so the ratio is the wait
// tracking's own cost; the default compares with no agent at all. --waits all runs the agent side capturing every
// wait's awaiting stack (CRAWL_DIAG_PROFILE_WAITS=all) instead of sampling them.
// --concurrent runs the two sides of a pair at the same time instead of ABBA, each with a core's worth of the
// machine if it has them, so a busy machine's moment-to-moment load hits both alike (on a quiet 2-core machine
// they compete for the cores with the server, so prefer ABBA there).
// Besides throughput, each pair's ratio of the worker's CPU time per operation (without / with) is reported: on a
// loaded machine throughput pairs spread too wide to resolve a few percent, CPU per operation much less.
//
// Needs the profiler built (npx tsc -b packages/profiler): the agent is loaded from its dist/.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const pairs = Number(arg('pairs', 8));
const runMs = Number(String(arg('run', '4s')).replace(/s$/, '')) * 1000;
// --agent-dist DIR: the agent of another build (a copy of an earlier commit's packages/profiler/dist, its
// node_modules reachable from it) on the agent side, to compare two builds' overhead in the same run.
const AGENT = join(resolve(arg('agent-dist', join(root, 'packages', 'profiler', 'dist'))), 'agent.js');
const workload = arg('workload', 'http');
if (workload !== 'http' && workload !== 'mongo') {
  process.stderr.write(`--workload ${workload}: expected http or mongo\n`);
  process.exit(2);
}
const RESULT = resolve(arg('out', join(root, 'bench', 'results', workload === 'mongo' ? 'profiler-agent-waits-mongo.json' : 'profiler-agent-waits.json')));
const TARGET_SLOWDOWN_PCT = 3;
// As in agent-overhead.mjs: on a shared machine a raised priority (negative nice, root) gives both sides of each
// pair the same CPU, so the pair measures the agent rather than the neighbours.
const niceLevel = arg('nice', undefined);
const against = arg('against', 'no-agent');

function run(cmd, args, env = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`${args.join(' ')} exited ${code}: ${err}`))));
  });
}

// The cost of one wait (start and end, eight async frames deep), as CPU time: unlike throughput it does not depend
// on what else the machine runs. With every stack captured (periodUs 0) it is the capture's cost; sampled, in a
// burst of waits that take no time, only the bookkeeping's (such waits are almost never captured).
async function perWaitCpuUs(periodUs) {
  const { WaitTracker } = await import(join(root, 'packages', 'profiler', 'dist', 'agent', 'waits.js'));
  const tracker = new WaitTracker({ periodUs });
  const n = 20_000;
  const burst = () => {
    for (let i = 0; i < n; i++) {
      const token = {};
      tracker.start(token, 'mongodb find crawl.frontier');
      tracker.end(token);
    }
  };
  const deep = async (depth, fn) => {
    if (depth === 0) return fn();
    await null;
    return deep(depth - 1, fn);
  };
  await deep(8, burst); // warm-up
  const before = process.cpuUsage();
  await deep(8, burst);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}
const waitCpuUs = await perWaitCpuUs(0);
const sampledWaitCpuUs = await perWaitCpuUs(10_000);
const waitsMode = arg('waits', 'sampled');

// The server: its own process, so the worker's event loop holds only the client side.
let url;
let stopServer;
if (workload === 'mongo') {
  const { startFerretDb, withDatabase } = await import(join(root, 'bench', 'dist', 'common', 'ferretdb.js'));
  const mongo = await startFerretDb();
  url = withDatabase(mongo.uri, 'waitbench');
  stopServer = () => mongo.stop();
} else {
  const server = spawn(process.execPath, ['-e', "const s=require('http').createServer((q,r)=>r.end('<html>ok</html>'));s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((ok) => server.stdout.once('data', (d) => ok(Number(String(d).trim()))));
  url = `http://127.0.0.1:${port}/page`;
  stopServer = () => server.kill();
}
const WORKLOAD = join(here, workload === 'mongo' ? 'agent-wait-mongo-workload.mjs' : 'agent-wait-workload.mjs');
const dir = await mkdtemp(join(tmpdir(), 'crawl-diag-wait-bench-'));
const once = async (withAgent) => {
  const agentLoaded = withAgent || against === 'no-waits';
  const args = [...(agentLoaded ? [`--import=${AGENT}`] : []), WORKLOAD, url, String(runMs), '500'];
  const env = agentLoaded ? { CRAWL_DIAG_PROFILE_DIR: dir, CRAWL_DIAG_PROCESS_KIND: 'bench', CRAWL_DIAG_PROFILE_WAITS: withAgent ? (waitsMode === 'all' ? 'all' : '1') : '0' } : {};
  const [cmd, cmdArgs] = niceLevel === undefined ? [process.execPath, args] : ['nice', ['-n', String(niceLevel), process.execPath, ...args]];
  return JSON.parse((await run(cmd, cmdArgs, env)).trim().split('\n').pop());
};
const loadStart = loadavg()[0];
const ratios = [];
const cpuRatios = [];
const baseline = [];
const concurrent = process.argv.includes('--concurrent');
for (let i = 0; i < pairs; i++) {
  let a1, a2, b1, b2;
  if (concurrent) {
    // Both sides at once, twice (started in either order).
    [a1, b1] = await Promise.all([once(false), once(true)]);
    [b2, a2] = await Promise.all([once(true), once(false)]);
  } else {
    // ABBA: without, with, with, without.
    a1 = await once(false);
    b1 = await once(true);
    b2 = await once(true);
    a2 = await once(false);
  }
  ratios.push((b1.opsPerSec + b2.opsPerSec) / (a1.opsPerSec + a2.opsPerSec));
  cpuRatios.push((a1.cpuUsPerOp + a2.cpuUsPerOp) / (b1.cpuUsPerOp + b2.cpuUsPerOp));
  baseline.push((a1.opsPerSec + a2.opsPerSec) / 2);
  process.stderr.write(
    `pair ${i + 1}/${pairs}: ${baseline[i].toFixed(0)} ops/s without, ${((b1.opsPerSec + b2.opsPerSec) / 2).toFixed(0)} with (ratio ${ratios[i].toFixed(3)}); ` +
      `CPU per op ${((a1.cpuUsPerOp + a2.cpuUsPerOp) / 2).toFixed(0)} µs without, ${((b1.cpuUsPerOp + b2.cpuUsPerOp) / 2).toFixed(0)} with (ratio ${cpuRatios[i].toFixed(3)}), load ${loadavg()[0].toFixed(1)}\n`,
  );
}
await stopServer();
await rm(dir, { recursive: true, force: true });
const sorted = [...ratios].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const cpuMedian = [...cpuRatios].sort((a, b) => a - b)[Math.floor(cpuRatios.length / 2)];
const slowdownPct = (1 - median) * 100;
const result = {
  schema: 'crawl-diag/bench-profiler-agent-waits@1',
  machine: { cores: cpus().length, node: process.version, loadavg1mAtStart: loadStart, loadavg1mAtEnd: loadavg()[0] },
  settings: { workload, agent: relative(root, AGENT), runMs, pairs, order: concurrent ? 'concurrent' : 'ABBA', waitsPerOp: workload === 'mongo' ? 2 : 3, against, waits: waitsMode, nice: niceLevel === undefined ? 0 : Number(niceLevel) },
  overhead: {
    throughputRatios: ratios.map((r) => Number(r.toFixed(4))),
    medianRatio: Number(median.toFixed(4)),
    slowdownPct: Number(slowdownPct.toFixed(2)),
    baselineOpsPerSecMedian: Number([...baseline].sort((a, b) => a - b)[Math.floor(baseline.length / 2)].toFixed(1)),
    targetSlowdownPct: TARGET_SLOWDOWN_PCT,
    withinTarget: slowdownPct <= TARGET_SLOWDOWN_PCT,
    cpuPerOpRatios: cpuRatios.map((r) => Number(r.toFixed(4))),
    cpuPerOpMedianRatio: Number(cpuMedian.toFixed(4)),
  },
  perWait: {
    cpuMicroseconds: Number(waitCpuUs.toFixed(2)),
    sampledBurstCpuMicroseconds: Number(sampledWaitCpuUs.toFixed(2)),
    // At the workload's own rate (3 waits per operation), were every stack captured: the share of one core that costs.
    boundPctOfCoreAtBaseline: Number(((waitCpuUs * (workload === 'mongo' ? 2 : 3) * [...baseline].sort((a, b) => a - b)[Math.floor(baseline.length / 2)]) / 1e4).toFixed(3)),
  },
};
await mkdir(dirname(RESULT), { recursive: true });
await writeFile(RESULT, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`one wait costs ${waitCpuUs.toFixed(1)} µs of CPU with its stack captured, ${sampledWaitCpuUs.toFixed(1)} µs uncaptured (microbenchmark); `);
process.stdout.write(`median throughput ratio with/without the agent (waits ${waitsMode}) ${median.toFixed(4)} (${slowdownPct.toFixed(2)}% slower; target ≤ ${TARGET_SLOWDOWN_PCT}%), CPU per operation ${cpuMedian.toFixed(4)}, load ${loadStart.toFixed(2)} → ${loadavg()[0].toFixed(2)}; wrote ${RESULT}\n`);
