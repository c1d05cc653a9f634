// Measures what the capacity model of bench/README.md ("A capacity model on paper") is built from: CPU per page of
// each crawler process kind (dispatcher, supervisors, workers), of the store server when the script starts it, and of
// this script (the simulated web and the sampler); store calls per page and their time. Not a benchmark of
// throughput: CPU time per page is what it reads, and that holds on a busy machine too (it is CPU used, not wall
// time), unlike pages/s.
//
//   node bench/capacity/measure-costs.mjs [--supervisors 2] [--workers 2] [--duration 40]
//                                         [--mongo URI | --ferretdb sqlite|postgresql] [--cli PATH]
//
// Runs `crawl-diag crawl local` against the bench's simulated web (bench/dist/common/bench-web.js: the healthy
// scenario's web, --delay 500), samples the CPU of every crawler process every 250 ms (the last sample before a process exits is
// its CPU) and reads the "Store time" lines of every process's log. `--ferretdb` starts FerretDB on that backend the
// way `bench nodes --store mongo` does (bench/dist/common/ferretdb.js) and reads its CPU (on PostgreSQL with the
// cluster's processes) over the crawl. CPU comes from the bench's one /proc reader (bench/dist/common/cpu.js).
// Written as a plain script (no TypeScript project of its own) because it is run by hand when the model is
// re-measured; build the bench first (`npx tsc -b bench`). `--cli` runs another build's crawl-diag (e.g. main's, for a
// before/after table) with this script's web and server.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseStoreTimeMessage } from '../../packages/crawler/dist/index.js';
import { descendantPids, processCpuMs } from '../dist/common/cpu.js';
import { startFerretDb, withDatabase } from '../dist/common/ferretdb.js';
import { startBenchWeb } from '../dist/common/bench-web.js';
import { cleanupAll } from '../dist/common/child-processes.js';

const { values } = parseArgs({
  options: {
    supervisors: { type: 'string', default: '2' },
    workers: { type: 'string', default: '2' },
    duration: { type: 'string', default: '40' },
    mongo: { type: 'string' },
    ferretdb: { type: 'string' },
    cli: { type: 'string' },
  },
});
if (values.ferretdb !== undefined && !['sqlite', 'postgresql'].includes(values.ferretdb)) {
  console.error(`measure-costs: --ferretdb takes sqlite or postgresql, not ${JSON.stringify(values.ferretdb)}`);
  process.exit(2);
}
if (values.ferretdb !== undefined && values.mongo !== undefined) {
  console.error('measure-costs: --mongo and --ferretdb were both given; pass one (--ferretdb starts its own server)');
  process.exit(2);
}
const cli = values.cli ?? new URL('../../packages/cli/bin/crawl-diag.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-capacity-'));

const ferret = values.ferretdb ? await startFerretDb(values.ferretdb) : undefined;
const mongoUri = ferret ? withDatabase(ferret.uri, 'capacity') : values.mongo;
const { web, seedsFile: seeds } = await startBenchWeb(dir);
const store = mongoUri ? ['--mongo', mongoUri] : ['--sqlite', join(dir, 'crawl.sqlite')];
const args = [cli, 'crawl', 'local', ...store, '--seeds', seeds, '--resolve', web.resolveRule, '--allow-private', '--delay', '500', '--max-depth', '10',
  '--supervisors', values.supervisors, '--workers', values.workers, '--duration', `${values.duration}s`, '--log-dir', join(dir, 'logs')];
const serverFrom = ferret?.cpuMs?.();
const selfFrom = process.cpuUsage();
const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));

/** pid → { kind, cpuMs } for every descendant of the crawl, by its entry point. */
const seen = new Map();
function sample() {
  for (const pid of [child.pid, ...descendantPids(child.pid)]) {
    const cpuMs = processCpuMs(pid);
    if (cpuMs === undefined) continue;
    // Read every time: a forked process shows its parent's command line until it has exec'd its own, and an exited
    // one (a zombie) an empty one, which keeps what it was.
    let kind = seen.get(pid)?.kind ?? 'other';
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd !== '') kind = /dist\/(dispatcher|supervisor|worker)\/main\.js/.exec(cmd)?.[1] ?? (pid === child.pid ? 'crawl local' : 'other');
    } catch {
      // Exited since it was listed: keep what it was.
    }
    seen.set(pid, { kind, cpuMs });
  }
}
const timer = setInterval(sample, 250);
const code = await new Promise((r) => child.on('exit', r));
clearInterval(timer);
const serverCpuMs = serverFrom === undefined ? undefined : (ferret.cpuMs() ?? NaN) - serverFrom;
const self = process.cpuUsage(selfFrom);

const pages = Number(/(\d+) new pages/.exec(stderr)?.[1] ?? NaN);
const cpu = {};
for (const { kind, cpuMs } of seen.values()) {
  cpu[kind] ??= { processes: 0, cpuMs: 0 };
  cpu[kind].processes++;
  cpu[kind].cpuMs += cpuMs;
}
if (serverCpuMs !== undefined) cpu[`ferretdb/${values.ferretdb}`] = { processes: 1, cpuMs: serverCpuMs };
cpu['web + sampler'] = { processes: 1, cpuMs: (self.user + self.system) / 1000 };
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
const allCpu = Object.values(cpu).reduce((s, v) => s + v.cpuMs, 0);
console.log(JSON.stringify({
  exit: code, cli, pages, durationSec: Number(values.duration), supervisors: Number(values.supervisors), workers: Number(values.workers),
  store: mongoUri ? (values.ferretdb ? `ferretdb/${values.ferretdb}` : 'mongo') : 'sqlite',
  cpuMsPerPage: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, { processes: v.processes, cpuMs: Math.round(v.cpuMs), perPage: perPage(v.cpuMs) }])),
  allCpuMsPerPage: perPage(allCpu),
  storePerPage: Object.fromEntries(Object.entries(storeCalls).sort().map(([k, v]) => [k, { calls: perPage(v.calls), ms: perPage(v.totalMs), msPerCall: Math.round((v.totalMs / v.calls) * 100) / 100 }])),
  summary: stderr.split('\n').filter((l) => l.startsWith('crawl finished')),
}, null, 2));
await web.close();
await cleanupAll();
rmSync(dir, { recursive: true, force: true });
