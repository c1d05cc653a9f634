// CPU-bound, crawler-shaped work for the agent overhead benchmark: extract links from synthetic HTML, normalise
// them with URL, hash and serialise a record. Runs in short slices (a server's event loop, not one long loop) for
// a fixed time and prints one JSON line: operations per second and CPU microseconds per operation.
// argv: run time in ms (default 10000), warm-up in ms (default 1000).
import { readFileSync } from 'node:fs';

const runMs = Number(process.argv[2] ?? 10_000);
const warmupMs = Number(process.argv[3] ?? 1000);

const pages = Array.from({ length: 64 }, (_, p) =>
  `<html><head><title>Page ${p}</title></head><body>` +
  Array.from({ length: 40 }, (_, i) => `<p>Item ${i} of page ${p}</p><a href="/site${p % 7}/path/${i}?q=${(i * p) % 13}#frag">link ${i}</a>`).join('') +
  '</body></html>',
);

function extractLinks(html) {
  const links = [];
  const re = /href="([^"]+)"/g;
  let m;
  while ((m = re.exec(html)) !== null) links.push(m[1]);
  return links;
}

function normalise(href, base) {
  const u = new URL(href, base);
  u.hash = '';
  u.searchParams.sort();
  return u.href;
}

function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function processPage(i) {
  const html = pages[i % pages.length];
  const base = `http://example${i % 5}.test/`;
  const urls = extractLinks(html).map((href) => normalise(href, base));
  const record = { url: base, links: urls, hashes: urls.map(fnv1a), size: html.length };
  return JSON.parse(JSON.stringify(record)).hashes.length;
}

// The main thread's own scheduler statistics (Linux): on-CPU ns, ns waiting in the run queue, timeslices. They
// separate what the agent costs the host's thread from what a busy machine's scheduler takes away.
function mainThreadSchedstat() {
  try {
    const [cpuNs, waitNs, slices] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { cpuNs, waitNs, slices };
  } catch {
    return undefined;
  }
}

let ops = 0;
let sched0;
let counting = false;
let cpuStart;
let countStart;
const started = Date.now();

function slice() {
  const sliceEnd = Date.now() + 5;
  while (Date.now() < sliceEnd) {
    processPage(ops);
    if (counting) ops++;
  }
  const now = Date.now();
  if (!counting && now - started >= warmupMs) {
    counting = true;
    ops = 0;
    countStart = performance.now();
    cpuStart = process.cpuUsage();
    sched0 = mainThreadSchedstat();
  }
  if (counting && now - started >= warmupMs + runMs) {
    const seconds = (performance.now() - countStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const sched1 = mainThreadSchedstat();
    const main = sched0 && sched1
      ? { mainCpuUsPerOp: (sched1.cpuNs - sched0.cpuNs) / 1000 / ops, mainWaitMs: (sched1.waitNs - sched0.waitNs) / 1e6, mainSlices: sched1.slices - sched0.slices }
      : {};
    process.stdout.write(`${JSON.stringify({ ops, seconds, opsPerSec: ops / seconds, cpuUsPerOp: (cpu.user + cpu.system) / ops, ...main })}\n`);
    return;
  }
  setImmediate(slice);
}
slice();
