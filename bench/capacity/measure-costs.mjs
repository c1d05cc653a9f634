// Measures what the capacity model of bench/README.md ("A capacity model on paper") is built from: CPU per page of
// each crawler process kind (dispatcher, supervisors, workers), store calls per page and their time, ZeroMQ messages
// per page. Not a benchmark of throughput: CPU time per page is what it reads, and that holds on a busy machine too
// (it is CPU used, not wall time), unlike pages/s.
//
//   node bench/capacity/measure-costs.mjs [--supervisors 2] [--workers 2] [--duration 40] [--mongo URI]
//
// Runs `crawl-diag crawl local` against the simulated web (100 sites, 100 ms latency, --delay 500, as the bench's
// healthy scenario), samples /proc/<pid>/stat of every crawler process every 250 ms (the last sample before a process
// exits is its CPU), and reads the "Store time" lines of every process's log. Written as a plain script (no
// TypeScript project of its own) because it is run by hand when the model is re-measured.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimWeb } from '../../packages/simweb/dist/index.js';
import { parseStoreTimeMessage } from '../../packages/crawler/dist/index.js';

const { values } = parseArgs({
  options: { supervisors: { type: 'string', default: '2' }, workers: { type: 'string', default: '2' }, duration: { type: 'string', default: '40' }, mongo: { type: 'string' } },
});
const cli = new URL('../../packages/cli/bin/crawl-diag.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-capacity-'));
const ticks = 100; // USER_HZ on Linux

const web = await startSimWeb({ seed: 1, sites: 100, maxPagesPerSite: 100_000, minPagesPerSite: 1000, seedSites: 100, latency: { large: { fixedMs: 100, jitterMs: 0 }, small: { fixedMs: 100, jitterMs: 0 } } });
const seeds = join(dir, 'seeds.txt');
writeFileSync(seeds, `${web.seeds.join('\n')}\n`);
const store = values.mongo ? ['--mongo', values.mongo] : ['--sqlite', join(dir, 'crawl.sqlite')];
const args = [cli, 'crawl', 'local', ...store, '--seeds', seeds, '--resolve', web.resolveRule, '--allow-private', '--delay', '500', '--max-depth', '10',
  '--supervisors', values.supervisors, '--workers', values.workers, '--duration', `${values.duration}s`, '--log-dir', join(dir, 'logs')];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));

/** pid → { kind, cpuMs } for every descendant of the crawl, by its entry point. */
const seen = new Map();
function sample() {
  const byParent = new Map();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byParent.set(Number(f[1]), [...(byParent.get(Number(f[1])) ?? []), { pid: Number(e), cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / ticks }]);
    } catch {}
  }
  const queue = [{ pid: child.pid }];
  while (queue.length) {
    const { pid } = queue.shift();
    for (const c of byParent.get(pid) ?? []) {
      let kind = seen.get(c.pid)?.kind;
      if (!kind) {
        try {
          const cmd = readFileSync(`/proc/${c.pid}/cmdline`, 'utf8');
          kind = /dist\/(dispatcher|supervisor|worker)\/main\.js/.exec(cmd)?.[1] ?? 'other';
        } catch { kind = 'other'; }
      }
      seen.set(c.pid, { kind, cpuMs: c.cpuMs });
      queue.push(c);
    }
  }
}
const timer = setInterval(sample, 250);
const code = await new Promise((r) => child.on('exit', r));
clearInterval(timer);

const pages = Number(/(\d+) new pages/.exec(stderr)?.[1] ?? NaN);
const cpu = {};
for (const { kind, cpuMs } of seen.values()) {
  cpu[kind] ??= { processes: 0, cpuMs: 0 };
  cpu[kind].processes++;
  cpu[kind].cpuMs += cpuMs;
}
const storeCalls = {};
for (const f of readdirSync(join(dir, 'logs'))) {
  const kind = f.replace(/-.*$/, '').replace(/\.log$/, '');
  for (const line of readFileSync(join(dir, 'logs', f), 'utf8').split('\n')) {
    const at = line.indexOf('Store time: ');
    if (at < 0) continue;
    const parsed = parseStoreTimeMessage(line.slice(at));
    if (!parsed) continue;
    for (const [method, m] of Object.entries(parsed.methods)) {
      const key = `${kind}.${method}`;
      storeCalls[key] ??= { calls: 0, totalMs: 0 };
      storeCalls[key].calls += m.calls;
      storeCalls[key].totalMs += m.totalMs;
    }
  }
}
const perPage = (x) => Math.round((x / pages) * 100) / 100;
console.log(JSON.stringify({
  exit: code, pages, durationSec: Number(values.duration), supervisors: Number(values.supervisors), workers: Number(values.workers), store: values.mongo ? 'mongo' : 'sqlite',
  cpuMsPerPage: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, { processes: v.processes, cpuMs: Math.round(v.cpuMs), perPage: perPage(v.cpuMs) }])),
  storePerPage: Object.fromEntries(Object.entries(storeCalls).sort().map(([k, v]) => [k, { calls: perPage(v.calls), ms: perPage(v.totalMs), msPerCall: Math.round((v.totalMs / v.calls) * 100) / 100 }])),
  summary: stderr.split('\n').filter((l) => l.startsWith('crawl finished')),
}, null, 2));
await web.close();
rmSync(dir, { recursive: true, force: true });
