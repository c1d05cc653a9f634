// Which inspector calls hold a live target's event loop, and for how long, against heap size. For each heap size
// a target (big-heap-target.mjs) is started, and the calls an attach can make are sent one at a time, each
// followed by a quiet 400 ms; the target itself reports the longest gap in its 1 ms timer during that step and
// how much of the gap its main thread was on a CPU (the work's own time, not other tenants'). Writes
// bench/results/profiler-protocol-stalls.json and prints a Markdown table.
//
//   flock /tmp/bench.lock node bench/profiler/protocol-stalls.mjs [--sizes 200,1024,2048]
//
// Needs the profiler built (npx tsc -b). The 2 GB target takes ~4 GB of RAM and 20-60 s to build its heap.
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const TARGET = join(root, 'packages', 'profiler', 'test', 'fixtures', 'big-heap-target.mjs');
const RESULT = join(root, 'bench', 'results', 'profiler-protocol-stalls.json');
const { openInspector, processInfo } = await import(join(root, 'packages', 'profiler', 'dist', 'index.js'));
const { CdpConnection } = await import(join(root, 'packages', 'profiler', 'dist', 'attach', 'cdp-session.js'));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const sizes = String(arg('sizes', '200,1024,2048')).split(',').map(Number);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startTarget(heapMb) {
  const child = fork(TARGET, [String(heapMb)], {
    execArgv: [`--max-old-space-size=${Math.max(1024, heapMb * 2)}`],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies = [];
  const ready = new Promise((r) => child.once('message', r));
  child.on('message', (m) => { if (!m.ready) replies.shift()?.(m); });
  const report = () => new Promise((r) => { replies.push(r); child.send('report'); });
  return { child, ready, report };
}

const ANCHOR = 'profile("crawl-diag anchor")';
const ANCHOR_END = 'profileEnd("crawl-diag anchor")';
const evaluate = (expression) => ['Runtime.evaluate', { expression, includeCommandLineAPI: true, returnByValue: true }];

/** The steps, in order: [label, method, params]. `open` and `connect` are not protocol calls. */
const STEPS = [
  ['SIGUSR1: inspector opens', 'open'],
  ['WebSocket connect', 'connect'],
  ['Runtime.getHeapUsage (the pause estimate)', 'Runtime.getHeapUsage', {}],
  ['NodeWorker.enable', 'NodeWorker.enable', { waitForDebuggerOnStart: false }],
  ['Profiler.enable', 'Profiler.enable', {}],
  ['Profiler.setSamplingInterval 10 ms', 'Profiler.setSamplingInterval', { interval: 10_000 }],
  ['Profiler.start (first profile: code logged)', 'Profiler.start', {}],
  ['Profiler.stop (last profile: code map dropped)', 'Profiler.stop', {}],
  ['Profiler.start again (a chunk restarted after its stop)', 'Profiler.start', {}],
  ['Profiler.stop', 'Profiler.stop', {}],
  ['console profile() as the anchor (first profile)', ...evaluate(ANCHOR)],
  ['Profiler.start while the anchor runs', 'Profiler.start', {}],
  ['Profiler.stop while the anchor runs', 'Profiler.stop', {}],
  ['Profiler.start while the anchor runs (2nd chunk)', 'Profiler.start', {}],
  ['Profiler.stop while the anchor runs (2nd chunk)', 'Profiler.stop', {}],
  ['profileEnd() of the anchor (last profile)', ...evaluate(ANCHOR_END)],
  ['Profiler.disable', 'Profiler.disable', {}],
  ['NodeWorker.disable', 'NodeWorker.disable', {}],
  ['Runtime.enable', 'Runtime.enable', {}],
  ['Runtime.evaluate "1"', 'Runtime.evaluate', { expression: '1' }],
  ['Runtime.disable', 'Runtime.disable', {}],
  ['Debugger.enable', 'Debugger.enable', {}],
  ['Debugger.disable', 'Debugger.disable', {}],
  ['HeapProfiler.collectGarbage (for scale: one full GC)', 'HeapProfiler.collectGarbage', {}],
  ['process._debugEnd(): inspector closes', 'Runtime.evaluate', { expression: 'process._debugEnd()' }],
];

const results = [];
for (const heapMb of sizes) {
  const t = startTarget(heapMb);
  const ready = await t.ready;
  process.stderr.write(`target ${heapMb} MB: heap ${ready.heapUsedMb} MB, ${ready.objects / 1e6}M objects, built in ${ready.buildMs} ms; load ${loadavg()[0].toFixed(2)}\n`);
  await sleep(1500); // let the build's last GC and sweeping finish
  await t.report();
  let conn;
  const rows = [];
  for (const [label, method, params] of STEPS) {
    const t0 = performance.now();
    if (method === 'open') {
      const endpoint = await openInspector(processInfo(t.child.pid));
      t.endpoint = endpoint;
    } else if (method === 'connect') {
      conn = await CdpConnection.connect(t.endpoint.webSocketUrl);
    } else if (label.startsWith('process._debugEnd')) {
      conn.main.send(method, params, 3000).catch(() => undefined);
      await sleep(200);
    } else {
      await conn.main.send(method, params, 60_000);
    }
    const callMs = performance.now() - t0;
    await sleep(400);
    const r = await t.report();
    const worst = r.stalls.reduce((w, s) => (s.ms > (w?.ms ?? 0) ? s : w), undefined);
    rows.push({ step: label, callMs: Math.round(callMs), worstGapMs: r.worstGapMs, worstStallOnCpuMs: worst?.onCpuMs ?? null, stallsOver20ms: r.stalls.length, loadavg1m: Number(loadavg()[0].toFixed(2)) });
    process.stderr.write(`  ${label}: call ${Math.round(callMs)} ms, worst gap ${r.worstGapMs} ms (on CPU ${worst?.onCpuMs ?? '-'} ms)\n`);
  }
  conn?.terminate();
  t.child.disconnect();
  t.child.kill();
  results.push({ heapMb, heapUsedMb: ready.heapUsedMb, objects: ready.objects, rows });
  await sleep(1000);
}

const out = { schema: 'crawl-diag/bench-profiler-protocol-stalls@1', machine: { cores: cpus().length, node: process.version }, results };
await mkdir(dirname(RESULT), { recursive: true });
await writeFile(RESULT, `${JSON.stringify(out, null, 2)}\n`);

// The Markdown table: one row per step, one column per heap: worst gap (its on-CPU part).
const header = `| call | ${results.map((r) => `${r.heapUsedMb} MB heap`).join(' | ')} |`;
const lines = [header, `|---|${results.map(() => '---|').join('')}`];
STEPS.forEach(([label], i) => {
  lines.push(`| ${label} | ${results.map((r) => `${r.rows[i].worstGapMs} (${r.rows[i].worstStallOnCpuMs ?? '–'})`).join(' | ')} |`);
});
process.stdout.write(`${lines.join('\n')}\nload ${results.map((r) => r.rows.map((x) => x.loadavg1m).join('/')).join('; ')}\nwrote ${RESULT}\n`);
