// Whether the order of the two profiles an attach starts changes what V8's start-up walk costs the target: the first
// chunk's Profiler.start first (what the sampler sends), the anchor profile() first, or both at once. One big-heap
// target (packages/profiler/test/fixtures/big-heap-target.mjs), a fresh profiler for each order (Profiler.disable in
// between drops both profiles), the target's own stalls over 20 ms per call as wall / main-thread on-CPU ms.
//
//   node bench/profiler/anchor-order.mjs [--heap 2048] [--rounds 2]      (through flock /tmp/bench.lock for figures)
//
// Needs the profiler built (npx tsc -b). Prints one line per call; writes nothing.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const { openInspector, processInfo } = await import(join(root, 'packages', 'profiler', 'dist', 'index.js'));
const { closeInspector } = await import(join(root, 'packages', 'profiler', 'dist', 'attach', 'open-inspector.js'));
const { CdpConnection } = await import(join(root, 'packages', 'profiler', 'dist', 'attach', 'cdp-session.js'));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const heapMb = Number(arg('heap', 2048));
const rounds = Number(arg('rounds', 2));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const target = fork(join(root, 'packages', 'profiler', 'test', 'fixtures', 'big-heap-target.mjs'), [String(heapMb)], {
  execArgv: [`--max-old-space-size=${heapMb * 2 + 512}`, '--inspect-port=127.0.0.1:0'],
  stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
});
const ready = await new Promise((r) => target.once('message', r));
const replies = [];
target.on('message', (m) => replies.shift()?.(m));
const report = () => new Promise((r) => { replies.push(r); target.send('report'); });
await sleep(1500);
await report();

const endpoint = await openInspector(processInfo(target.pid));
const conn = await CdpConnection.connect(endpoint.webSocketUrl);
const main = conn.main;
let seq = 0;
const anchor = () => main.send('Runtime.evaluate', { expression: `profile("order ${++seq}")`, includeCommandLineAPI: true, silent: true, returnByValue: true });
const start = () => main.send('Profiler.start');
/** Runs one call between quiet gaps and prints the target's stalls during it. */
async function call(name, f) {
  await sleep(700);
  await report();
  await f();
  await sleep(900);
  const { stalls } = await report();
  process.stdout.write(`  ${name}: ${stalls.map((s) => `${s.ms}/${s.onCpuMs}`).join(', ') || 'no stall over 20 ms'}\n`);
}

process.stdout.write(`target: ${ready.heapUsedMb} MB heap, ${ready.objects / 1e6}M objects; load ${loadavg()[0].toFixed(2)}\n`);
const orders = {
  'Profiler.start first': [['Profiler.start', start], ['anchor after it', anchor]],
  'anchor first': [['anchor', anchor], ['Profiler.start after it', start]],
  'both at once': [['Profiler.start, then the anchor as soon as it answers', async () => { await start(); await anchor(); }]],
};
for (let r = 1; r <= rounds; r++) {
  for (const [order, calls] of Object.entries(orders)) {
    process.stdout.write(`round ${r}, ${order}:\n`);
    await main.send('Profiler.enable');
    await main.send('Profiler.setSamplingInterval', { interval: 10_000 });
    for (const [name, f] of calls) await call(name, f);
    await main.send('Profiler.stop');
    await main.send('Profiler.disable');
  }
}
await closeInspector(conn, target.pid, endpoint.inode);
target.disconnect();
target.kill();
process.stdout.write(`load ${loadavg()[0].toFixed(2)}\n`);
