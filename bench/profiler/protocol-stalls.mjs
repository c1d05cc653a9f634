// Which inspector calls hold a live target's event loop, and for how long, against heap size. For each heap size
// a target (big-heap-target.mjs) is started, and the calls an attach can make are sent one at a time, each
// followed by a quiet 400 ms; the target itself reports the longest gap in its 1 ms timer during that step and
// how much of the gap its main thread was on a CPU (the work's own time, not other tenants'). Writes
// bench/results/profiler-protocol-stalls.json and prints a Markdown table.
//
//   flock /tmp/bench.lock node bench/profiler/protocol-stalls.mjs [--sizes 200,1024,2048] [--perf] [--fields 2|12|strings] [--out FILE]
//
// --fields N: properties per object of the target's heap (2: ~48-byte objects; 12: ~130-byte ones); --fields strings:
// flat 100 KB strings instead. The walk reads every object's header: objects of a few hundred bytes cost the same
// per MB (the whole heap is read), big ones far less.
// --perf also records the target with linux perf (`perf record -g`, needs perf and root) during the first
// Profiler.start, and splits that walk by the V8 function that iterates the heap (node's binary has symbols):
// which passes over the heap the pause is made of.
//
// Needs the profiler built (npx tsc -b). The 2 GB target takes ~4 GB of RAM and 20-60 s to build its heap.
import { execFile, fork, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const TARGET = join(root, 'packages', 'profiler', 'test', 'fixtures', 'big-heap-target.mjs');
const RESULT = resolve(arg('out', join(root, 'bench', 'results', 'profiler-protocol-stalls.json')));
const { openInspector, processInfo } = await import(join(root, 'packages', 'profiler', 'dist', 'index.js'));
const { CdpConnection } = await import(join(root, 'packages', 'profiler', 'dist', 'attach', 'cdp-session.js'));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const sizes = String(arg('sizes', '200,1024,2048')).split(',').map(Number);
const withPerf = process.argv.includes('--perf');
const fields = arg('fields', '2');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startTarget(heapMb) {
  const child = fork(TARGET, [String(heapMb), String(fields)], {
    // A port of its own (the default 9229 may be another session's): SIGUSR1 opens the inspector there.
    execArgv: [`--max-old-space-size=${Math.max(1024, heapMb * 2)}`, '--inspect-port=127.0.0.1:0'],
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

// The heap iterations V8 runs when a CpuProfiler's first profile starts (ProfilingScope, V8 11.x): each sample of
// the walk is put under the first of these frames on its stack, with the call site's offset, which tells apart
// the two loops inlined into LogCompiledFunctions.
const WALKS = [
  [/CollectSourcePositionsForAllBytecodeArrays/, 'Isolate::CollectSourcePositionsForAllBytecodeArrays (SetIsProfiling: source positions for every function)'],
  [/LogCompiledFunctions/, 'ExistingCodeLogger::LogCompiledFunctions'],
  [/LogAccessorCallbacks/, 'V8FileLogger::LogAccessorCallbacks (every AccessorInfo)'],
  [/LogCodeObjects/, 'ExistingCodeLogger::LogCodeObjects'],
  [/CpuProfiler::EnableLogging/, 'CpuProfiler::EnableLogging (itself)'],
];

/** Starts `perf record -g` on a PID; resolves a stop() that returns the samples' call sites, counted. */
async function perfRecord(pid) {
  const file = join(tmpdir(), `crawl-diag-protocol-stalls-${pid}.perf`);
  const perf = spawn('perf', ['record', '-q', '-F', '999', '-g', '-p', String(pid), '-o', file], { stdio: 'ignore' });
  // perf has attached once it has written its header; then a little more for every thread to be followed.
  for (let i = 0; i < 100 && !(existsSync(file) && statSync(file).size > 0); i++) await sleep(20);
  await sleep(500);
  return async () => {
    perf.kill('SIGINT');
    await new Promise((r) => perf.on('close', r));
    const text = await new Promise((done, fail) =>
      execFile('perf', ['script', '-i', file, '-F', 'ip,sym,symoff'], { maxBuffer: 1 << 28 }, (err, out) => (err ? fail(err) : done(out))),
    );
    await rm(file, { force: true });
    const sites = new Map();
    let total = 0;
    for (const stack of text.split(/\n\s*\n/)) {
      const frames = stack.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(1).join(' ')).filter(Boolean);
      if (frames.length === 0) continue;
      total++;
      const site = frames.find((f) => WALKS.some(([re]) => re.test(f))) ?? 'elsewhere';
      sites.set(site, (sites.get(site) ?? 0) + 1);
    }
    return { total, sites };
  };
}

/** Groups call sites by walk function; a function's call sites with 10%+ of the samples are separate loops. */
function walkShares({ total, sites }) {
  const rows = [];
  for (const [re, label] of WALKS) {
    const mine = [...sites].filter(([site]) => re.test(site)).sort((a, b) => b[1] - a[1]);
    const big = mine.filter(([, n]) => n >= total * 0.1);
    const rest = mine.filter(([, n]) => n < total * 0.1).reduce((n, [, k]) => n + k, 0);
    // In the order of their call sites in the function: the first loop in its code is loop 1.
    const offset = (site) => parseInt(site.replace(/^.*\+0x/, ''), 16);
    big.sort((a, b) => offset(a[0]) - offset(b[0]));
    if (big.length > 1) big.forEach(([site, n], i) => rows.push({ walk: `${label}, loop ${i + 1} (${site.replace(/^.*\+/, '+')})`, share: n / total }));
    else if (mine.length) rows.push({ walk: label, share: mine.reduce((n, [, k]) => n + k, 0) / total });
    if (big.length > 1 && rest) rows.push({ walk: `${label}, elsewhere in it`, share: rest / total });
  }
  rows.push({ walk: 'elsewhere', share: (sites.get('elsewhere') ?? 0) / total });
  return rows.map((r) => ({ ...r, share: Number(r.share.toFixed(3)) }));
}

const results = [];
for (const heapMb of sizes) {
  const t = startTarget(heapMb);
  const ready = await t.ready;
  process.stderr.write(`target ${heapMb} MB: heap ${ready.heapUsedMb} MB, ${ready.objects / 1e6}M objects, built in ${ready.buildMs} ms; load ${loadavg()[0].toFixed(2)}\n`);
  await sleep(1500); // let the build's last GC and sweeping finish
  await t.report();
  let conn;
  const rows = [];
  let walk;
  for (const [label, method, params] of STEPS) {
    const stopPerf = withPerf && label.startsWith('Profiler.start (first profile') ? await perfRecord(t.child.pid) : undefined;
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
    if (stopPerf) {
      const perfSamples = await stopPerf();
      walk = { perfSamples: perfSamples.total, byFunction: walkShares(perfSamples) };
      process.stderr.write(`  the walk by V8 function (${perfSamples.total} perf samples): ${walk.byFunction.map((w) => `${w.walk} ${(w.share * 100).toFixed(1)}%`).join('; ')}\n`);
    }
    await sleep(400);
    const r = await t.report();
    const worst = r.stalls.reduce((w, s) => (s.ms > (w?.ms ?? 0) ? s : w), undefined);
    rows.push({ step: label, callMs: Math.round(callMs), worstGapMs: r.worstGapMs, worstStallOnCpuMs: worst?.onCpuMs ?? null, stallsOver20ms: r.stalls.length, loadavg1m: Number(loadavg()[0].toFixed(2)) });
    process.stderr.write(`  ${label}: call ${Math.round(callMs)} ms, worst gap ${r.worstGapMs} ms (on CPU ${worst?.onCpuMs ?? '-'} ms)\n`);
  }
  conn?.terminate();
  t.child.disconnect();
  t.child.kill();
  results.push({ heapMb, heapUsedMb: ready.heapUsedMb, rssMb: ready.rssMb, objects: ready.objects, fields, rows, ...(walk ? { firstStartWalk: walk } : {}) });
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
if (withPerf) {
  lines.push('', `| the first Profiler.start's walk, by V8 function (perf) | ${results.map((r) => `${r.heapUsedMb} MB heap`).join(' | ')} |`, `|---|${results.map(() => '---|').join('')}`);
  for (const w of results[0].firstStartWalk?.byFunction ?? []) {
    lines.push(`| ${w.walk} | ${results.map((r) => `${((r.firstStartWalk?.byFunction.find((x) => x.walk === w.walk)?.share ?? 0) * 100).toFixed(1)}%`).join(' | ')} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\nload ${results.map((r) => r.rows.map((x) => x.loadavg1m).join('/')).join('; ')}\nwrote ${RESULT}\n`);
