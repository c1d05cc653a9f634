#!/usr/bin/env node
// Runs the hand-written Python crawler (crawler.py) against the bench's simulated web on loopback, on SQLite or on
// MongoDB (FerretDB started here), and leaves its logs and database in OUT:
//   node bench/real-crawlers/python/run.mjs --store sqlite --workers 4 --duration 60 --out /tmp/pycrawl
//   node bench/real-crawlers/python/run.mjs --store mongo --workers 4 --duration 60 --out /tmp/pycrawl-mongo
// Then: crawl-diag logs OUT/logs, crawl-diag flame --children-of PID (the crawler prints its PID first).
// Uses the built bench (npm run build): the same web every bench run crawls, the same FerretDB binary.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchWeb } from '../../dist/common/bench-web.js';
import { startFerretDb, withDatabase } from '../../dist/common/ferretdb.js';
import { cleanupAll } from '../../dist/common/child-processes.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    workers: { type: 'string', default: '4' },
    duration: { type: 'string', default: '60' },
    out: { type: 'string', default: 'pycrawl-out' },
    'latency-ms': { type: 'string', default: '20' },
    help: { type: 'boolean' },
  },
});
if (values.help || !['sqlite', 'mongo'].includes(values.store)) {
  process.stderr.write('usage: run.mjs [--store sqlite|mongo] [--workers N] [--duration SECONDS] [--latency-ms MS] [--out DIR]\n');
  process.exit(values.help ? 0 : 2);
}
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
const web = await startBenchWeb(out, { latencyMs: Number(values['latency-ms']) });
const mongo = values.store === 'mongo' ? await startFerretDb() : undefined;
const db = mongo ? withDatabase(mongo.uri, 'pycrawl') : join(out, 'crawl.sqlite');
process.stderr.write(`simulated web on 127.0.0.1:${web.web.port}; store ${values.store} at ${db}\n`);
const child = spawn(
  'python3',
  [join(here, 'crawler.py'), '--seeds', web.seedsFile, '--resolve', web.web.resolveRule, '--store', values.store, '--db', db, '--workers', values.workers, '--duration', values.duration, '--log-dir', join(out, 'logs')],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
const stop = () => child.kill('SIGTERM');
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
const code = await new Promise((r) => child.once('close', (c) => r(c ?? 1)));
await cleanupAll();
process.exit(code);
