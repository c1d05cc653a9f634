// The error of the agent's sampled awaiting stacks against capturing every wait's stack, on the same waits: one
// process runs agent-wait-sites-workload.mjs (waits of one kind from several lines, short and slower) and feeds
// every wait to two trackers, one capturing every stack (exact), one capturing as a wall-clock sampler at 100 Hz
// would hit the waits (the agent's default). Compares, per window and over the run, each call site's share of the
// wall time. Not a timing measurement: no lock needed. Writes bench/results/profiler-agent-wait-sampling.json.
//
//   node bench/profiler/agent-wait-sampling-error.mjs [--run 20s] [--window 1s] [--concurrency 1] [--period-us 10000] [--out FILE]
//
// Needs the profiler built (npx tsc -b packages/profiler).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { operation } from './agent-wait-sites-workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const seconds = (text) => Number(String(text).replace(/s$/, ''));
const runMs = seconds(arg('run', '20s')) * 1000;
const windowMs = seconds(arg('window', '1s')) * 1000;
const concurrency = Number(arg('concurrency', 1));
const periodUs = Number(arg('period-us', 10_000));
const RESULT = resolve(arg('out', join(root, 'bench', 'results', 'profiler-agent-wait-sampling.json')));

const { WaitTracker, watchWaits } = await import(join(root, 'packages', 'profiler', 'dist', 'agent', 'waits.js'));
// This file's frames (the tee) are not the workload's.
const hideFiles = [fileURLToPath(import.meta.url)];
const exact = new WaitTracker({ periodUs: 0, hideFiles });
const sampled = new WaitTracker({ periodUs, hideFiles });
const tee = {
  start(token, what) {
    exact.start(token, what);
    sampled.start(token, what);
  },
  end(token) {
    exact.end(token);
    sampled.end(token);
  },
};

const server = spawn(process.execPath, ['-e', "const s=require('http').createServer((q,r)=>q.url==='/slow'?setTimeout(()=>r.end('slow'),3):r.end('ok'));s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((ok) => server.stdout.once('data', (d) => ok(Number(String(d).trim()))));
const base = `http://127.0.0.1:${port}`;

const siteKey = (w) => `${w.what} at ${w.site.file.slice(w.site.file.lastIndexOf('/') + 1)}:${w.site.line} (${w.stack.map((f) => f.name).join(' < ')})`;
const byKey = (waits) => new Map(waits.map((w) => [siteKey(w), w.us]));
const windows = [];
const totals = { exact: new Map(), sampled: new Map(), us: 0 };
let windowStart = performance.now();
const closeWindow = () => {
  const now = performance.now();
  const us = (now - windowStart) * 1000;
  windowStart = now;
  const e = byKey(exact.takeWindow());
  const s = byKey(sampled.takeWindow());
  const keys = new Set([...e.keys(), ...s.keys()]);
  const errors = {};
  for (const k of keys) {
    errors[k] = ((s.get(k) ?? 0) - (e.get(k) ?? 0)) / us;
    totals.exact.set(k, (totals.exact.get(k) ?? 0) + (e.get(k) ?? 0));
    totals.sampled.set(k, (totals.sampled.get(k) ?? 0) + (s.get(k) ?? 0));
  }
  totals.us += us;
  windows.push({ us, exactShares: Object.fromEntries([...e].map(([k, v]) => [k, v / us])), errors });
};

const unwatch = watchWaits(tee);
const loadStart = loadavg()[0];
const end = Date.now() + runMs;
const timer = setInterval(closeWindow, windowMs);
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (Date.now() < end) await operation(base);
}));
clearInterval(timer);
closeWindow();
unwatch();
server.kill();

const pct = (x) => Number((100 * x).toFixed(2));
const sites = [...totals.exact.keys()].sort((a, b) => totals.exact.get(b) - totals.exact.get(a)).map((k) => {
  const perWindow = windows.map((w) => Math.abs(w.errors[k] ?? 0));
  return {
    site: k,
    exactSharePct: pct(totals.exact.get(k) / totals.us),
    sampledSharePct: pct((totals.sampled.get(k) ?? 0) / totals.us),
    runErrorPctPoints: pct(((totals.sampled.get(k) ?? 0) - totals.exact.get(k)) / totals.us),
    windowErrorPctPoints: { mean: pct(perWindow.reduce((a, b) => a + b, 0) / perWindow.length), max: pct(Math.max(...perWindow)) },
  };
});
const result = {
  schema: 'crawl-diag/bench-profiler-agent-wait-sampling@1',
  machine: { cores: cpus().length, node: process.version, loadavg1mAtStart: loadStart, loadavg1mAtEnd: loadavg()[0] },
  settings: { runMs, windowMs, concurrency, periodUs },
  waits: sampled.waits,
  capturesSampled: sampled.captures,
  capturesExact: exact.captures,
  windows: windows.length,
  waitingSharePct: { exact: pct([...totals.exact.values()].reduce((a, b) => a + b, 0) / totals.us), sampled: pct([...totals.sampled.values()].reduce((a, b) => a + b, 0) / totals.us) },
  sites,
};
await mkdir(dirname(RESULT), { recursive: true });
await writeFile(RESULT, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${result.waits} waits, ${result.capturesSampled} stacks captured (${pct(result.capturesSampled / result.waits)}%) against ${result.capturesExact}; load ${loadStart.toFixed(2)} → ${loadavg()[0].toFixed(2)}\n`);
for (const s of sites) process.stdout.write(`  ${s.site}: exact ${s.exactSharePct}%, sampled ${s.sampledSharePct}% (run ${s.runErrorPctPoints > 0 ? '+' : ''}${s.runErrorPctPoints} pts; ${windowMs / 1000} s windows: mean |err| ${s.windowErrorPctPoints.mean}, max ${s.windowErrorPctPoints.max} pts)\n`);
process.stdout.write(`wrote ${RESULT}\n`);
