#!/usr/bin/env node
// Time to a report over 10 million records: read from a VictoriaLogs server (victorialogs://) against scanning the
// same records as an NDJSON file, in the same run on the same machine.
//   A  crawl-diag logs FILE --group-by node --json                          (the file scanner, worker threads)
//   B  crawl-diag logs victorialogs://… --group-by node --json              (the engine counts; same report)
//   C  crawl-diag logs "victorialogs://…?query=node:node-3" --since T --group-by pid --json
//      (one node's last 2 hours: the engine reads only those blocks; a file has to be scanned whole, as in A)
//   E  one node's whole day: from the engine, and as `grep -F '"node":"node-3"' FILE | crawl-diag logs -` (identical)
//   D  the counting query alone, literal series as substring filters (what B sends) against phrase filters
// Records: bench/vlogs/make-records.mjs (8 nodes x 2 processes, 24 h, decaying), in bench/.work/ (git-ignored), page
// cache warm; VictoriaLogs from .test-services/bin (npm test builds it) with its data in bench/.work/vlogs-data,
// ingested once and kept. Median of N rounds, order rotated each round. CPU seconds of the CLI and, for B-D, of the
// server too (from /proc). Checks that A's and B's reports are identical apart from the input names. Writes
// bench/results/vlogs.json (vlogs-N.json for another --records N).
//
//   flock /tmp/bench.lock node bench/vlogs/run.mjs [--records 10000000] [--rounds 3]
//
// The server is started and stopped here (not through test-support/victorialogs.ts: a bench script runs as plain
// JavaScript and cannot import the TypeScript test helpers).
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from '../analyzer/timed.mjs';
import { processCpuMs } from '../dist/common/cpu.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const work = join(root, 'bench', '.work');
const CLI = join(root, 'packages', 'cli', 'bin', 'crawl-diag.js');
const BIN = process.env.CRAWL_DIAG_VICTORIALOGS_BIN ?? join(root, '.test-services', 'bin', 'victoria-logs');

if (process.argv.includes('--help')) {
  process.stdout.write(
    'usage: node bench/vlogs/run.mjs [--records 10000000] [--rounds 3]   (under flock /tmp/bench.lock)\n' +
      'Time to a report over N records from VictoriaLogs against scanning them as an NDJSON file; writes bench/results/vlogs.json.\n',
  );
  process.exit(0);
}
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const recordsWanted = Number(arg('records', 10_000_000));
const rounds = Number(arg('rounds', 3));
// A run with another record count does not overwrite the 10-million figures the README quotes.
const RESULT = join(root, 'bench', 'results', recordsWanted === 10_000_000 ? 'vlogs.json' : `vlogs-${recordsWanted}.json`);
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ensureRecords() {
  mkdirSync(work, { recursive: true });
  const file = join(work, `vlogs-${recordsWanted}.ndjson`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} …\n`);
    const r = spawnSync(process.execPath, [join(here, 'make-records.mjs'), file, String(recordsWanted)], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error('make-records.mjs failed');
  }
  spawnSync('sh', ['-c', `cat ${q(file)} > /dev/null`]);
  return file;
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = srv.address().port;
      srv.close(() => res(port));
    });
  });
}

async function startServer(dataDir) {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm test once (it builds VictoriaLogs) or set CRAWL_DIAG_VICTORIALOGS_BIN`);
  const port = await freePort();
  const child = spawn(BIN, [`-storageDataPath=${dataDir}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-futureRetention=100y', '-loggerLevel=ERROR'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`victoria-logs exited ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('victoria-logs did not start');
}

async function logsql(url, query) {
  const res = await fetch(`${url}/select/logsql/query`, { method: 'POST', body: new URLSearchParams({ query }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${query}: HTTP ${res.status} ${text}`);
  return text;
}

async function count(url) {
  const text = (await logsql(url, '* | stats count() as n')).trim();
  return text ? Number(JSON.parse(text).n) : 0;
}

/** Posts the file in newline-cut chunks of about 32 MB; resolves with the wall seconds. */
async function ingest(url, file) {
  const started = Date.now();
  const insert = `${url}/insert/jsonline?_time_field=time&_msg_field=msg&_stream_fields=node,pid`;
  let carry = '';
  let pending = [];
  const post = (body) => fetch(insert, { method: 'POST', headers: { 'content-type': 'application/stream+json' }, body }).then(async (r) => {
    if (!r.ok) throw new Error(`ingest: HTTP ${r.status} ${await r.text()}`);
  });
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 32 << 20 })) {
    const text = carry + chunk;
    const cut = text.lastIndexOf('\n') + 1;
    carry = text.slice(cut);
    pending.push(post(text.slice(0, cut)));
    if (pending.length >= 2) await pending.shift();
  }
  if (carry) pending.push(post(carry));
  await Promise.all(pending);
  return (Date.now() - started) / 1000;
}

/** CPU seconds the server has used so far. */
const serverCpuSeconds = (pid) => processCpuMs(pid) / 1000;

/** The report without what names its inputs: what must be identical from the file and from the engine. */
function comparable(report) {
  const { files: _files, ...rest } = report;
  for (const span of Object.values(rest.groups ?? {})) span.files = [];
  return JSON.stringify(rest);
}

async function main() {
  if (!existsSync(join(root, 'packages', 'cli', 'dist', 'main.js'))) throw new Error('build first: npx tsc -b');
  const file = ensureRecords();
  const records = Number(spawnSync('sh', ['-c', `wc -l < ${q(file)}`], { encoding: 'utf8' }).stdout.trim());
  const dataDir = join(work, `vlogs-data-${recordsWanted}`);
  const server = await startServer(dataDir);
  try {
    let ingestSeconds = null;
    let ingestServerCpu = null;
    if ((await count(server.url)) !== records) {
      if ((await count(server.url)) !== 0) throw new Error(`${dataDir} holds other records; remove it`);
      process.stderr.write(`ingesting ${records} records …\n`);
      const cpu0 = serverCpuSeconds(server.child.pid);
      ingestSeconds = await ingest(server.url, file);
      for (let i = 0; i < 600 && (await count(server.url)) < records; i++) await new Promise((r) => setTimeout(r, 500));
      ingestServerCpu = serverCpuSeconds(server.child.pid) - cpu0;
    }
    const seen = await count(server.url);
    if (seen !== records) throw new Error(`the server holds ${seen} records, the file ${records}`);
    const source = server.url.replace(/^http:/, 'victorialogs:');
    const out = (name) => join(work, `vlogs-${name}.json`);
    // The last two hours of the data, for C.
    const lastMs = Number(/"time":(\d+)/.exec(spawnSync('tail', ['-1', file], { encoding: 'utf8' }).stdout)[1]);
    const since = new Date(lastMs - 2 * 3_600_000).toISOString();
    const commands = {
      filesAll: `node ${q(CLI)} logs ${q(file)} --group-by node --json > ${q(out('files'))}`,
      engineAll: `node ${q(CLI)} logs ${q(source)} --group-by node --json > ${q(out('engine'))}`,
      engineNarrow: `node ${q(CLI)} logs ${q(`${source}?query=node:node-3`)} --since ${since} --group-by pid --json > ${q(out('narrow'))}`,
      // One node over the whole day: from the engine, and from the file with grep picking its lines first.
      engineNode: `node ${q(CLI)} logs ${q(`${source}?query=node:node-3`)} --group-by pid --json > ${q(out('node-engine'))}`,
      filesNodeGrep: `LC_ALL=C grep -F '"node":"node-3"' ${q(file)} | node ${q(CLI)} logs - --group-by pid --json > ${q(out('node-files'))}`,
    };
    // D: the counting query B sends (six series, per 15-minute bucket and node) with substring and phrase filters.
    const series = ['will be crawled', 'Crawling URL', 'was postponed', 'was ignored', 'Unable to determine if the URL', 'Could not retrieve content for URL'];
    const countingQuery = (filter) => {
      const fs = series.map(filter);
      return `* (${fs.join(' or ')}) | stats by (_time:900s, node) ${fs.map((f, i) => `count() if (${f}) as s${i}`).join(', ')}`;
    };
    const raw = {
      substring: countingQuery((s) => `*${JSON.stringify(s)}*`),
      phrase: countingQuery((s) => JSON.stringify(s)),
    };
    const samples = {};
    const steps = [
      ...Object.entries(commands).map(([name, command]) => async () => {
        const cpu0 = serverCpuSeconds(server.child.pid);
        const r = await timed(command);
        (samples[name] ??= []).push({ ...r, serverCpuSeconds: serverCpuSeconds(server.child.pid) - cpu0 });
      }),
      ...Object.entries(raw).map(([name, query]) => async () => {
        const cpu0 = serverCpuSeconds(server.child.pid);
        const started = process.hrtime.bigint();
        await logsql(server.url, query);
        (samples[`query-${name}`] ??= []).push({ seconds: Number(process.hrtime.bigint() - started) / 1e9, serverCpuSeconds: serverCpuSeconds(server.child.pid) - cpu0 });
      }),
    ];
    const load = [loadavg()];
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < steps.length; k++) await steps[(round + k) % steps.length]();
      process.stderr.write(`round ${round + 1}/${rounds}: ${Object.entries(samples).map(([k, v]) => `${k} ${v.at(-1).seconds.toFixed(2)} s`).join(', ')}\n`);
    }
    load.push(loadavg());

    const files = JSON.parse(readFileSync(out('files'), 'utf8'));
    const engine = JSON.parse(readFileSync(out('engine'), 'utf8'));
    const identical =
      comparable(files) === comparable(engine) &&
      comparable(JSON.parse(readFileSync(out('node-files'), 'utf8'))) === comparable(JSON.parse(readFileSync(out('node-engine'), 'utf8')));
    const summary = Object.fromEntries(
      Object.entries(samples).map(([k, v]) => [
        k,
        {
          seconds: median(v.map((s) => s.seconds)),
          cliCpuSeconds: v[0].cpuSeconds === undefined ? null : median(v.map((s) => s.cpuSeconds ?? NaN)),
          serverCpuSeconds: median(v.map((s) => s.serverCpuSeconds)),
          rssKb: v[0].rssKb ? median(v.map((s) => s.rssKb)) : undefined,
          samples: v.map((s) => Number(s.seconds.toFixed(3))),
        },
      ]),
    );
    const result = {
      date: new Date().toISOString(),
      records,
      fileBytes: statSync(file).size,
      rounds,
      loadavg: load,
      ingest: ingestSeconds === null ? 'kept from an earlier run' : { seconds: ingestSeconds, serverCpuSeconds: ingestServerCpu, recordsPerSecond: Math.round(records / ingestSeconds) },
      identicalReports: identical,
      totals: Object.fromEntries(files.series.map((s) => [s.name, { files: s.total, engine: engine.series.find((e) => e.name === s.name)?.total }])),
      verdicts: Object.fromEntries(files.series.map((s) => [s.name, { files: s.trend.verdict, engine: engine.series.find((e) => e.name === s.name)?.trend.verdict }])),
      results: summary,
      ratios: {
        engineAllVsFiles: summary.engineAll.seconds / summary.filesAll.seconds,
        engineNarrowVsFiles: summary.engineNarrow.seconds / summary.filesAll.seconds,
        engineNodeVsGrepFiles: summary.engineNode.seconds / summary.filesNodeGrep.seconds,
        phraseVsSubstring: summary['query-phrase'].seconds / summary['query-substring'].seconds,
      },
      commands: { ...commands, ...raw },
    };
    mkdirSync(dirname(RESULT), { recursive: true });
    writeFileSync(RESULT, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(
      [
        `${records} records (${(result.fileBytes / 1e9).toFixed(2)} GB NDJSON), ${rounds} rounds, load ${load.map((l) => l.map((x) => x.toFixed(1)).join(' ')).join(' -> ')}`,
        ingestSeconds === null ? 'ingest: kept from an earlier run' : `ingest: ${ingestSeconds.toFixed(1)} s (${result.ingest.recordsPerSecond} records/s), server CPU ${ingestServerCpu.toFixed(1)} s`,
        ...Object.entries(summary).map(([k, s]) => `${k.padEnd(16)} ${s.seconds.toFixed(2).padStart(7)} s wall  cli CPU ${s.cliCpuSeconds?.toFixed(2) ?? '-'} s  server CPU ${s.serverCpuSeconds.toFixed(2)} s`),
        `engine/files (whole report): ${result.ratios.engineAllVsFiles.toFixed(2)}x; engine narrow/files: ${result.ratios.engineNarrowVsFiles.toFixed(2)}x; one node engine/grep+files: ${result.ratios.engineNodeVsGrepFiles.toFixed(2)}x; phrase/substring: ${result.ratios.phraseVsSubstring.toFixed(2)}x`,
        `identical reports (files vs engine): ${identical}`,
      ].join('\n') + '\n',
    );
    if (!identical) process.exitCode = 1;
  } finally {
    server.child.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
