// `crawl local --log-to victorialogs://…`: every process ships its records to a real VictoriaLogs server (one of the
// test's own) beside its log file; read back through the analyzer's victorialogs:// source, the report equals the one
// from the files of the same run. The server stopped mid-crawl and started again: the records of the outage wait in
// the spool on disk and arrive; nothing is lost. A spool left by a process that is gone is sent by the next one.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimWeb } from '@crawl-diag/simweb';
import { analyzeLogs } from '../../log-analyzer/src/index.js';
import { closeProcessLogger, createProcessLogger } from '../src/log/logger.js';
import { runCli } from '../../../test-support/run-cli.js';
import { countRecords, startVictoriaLogs, victoriaLogsBin, waitForRecords, withoutInputs, type VictoriaLogsInstance } from '../../../test-support/victorialogs.js';
import { finished, localArgs, smallWeb, startCrawl, tempDir, waitUntil } from './crawl-harness.js';

const missing = victoriaLogsBin() ? undefined : 'VictoriaLogs is not built (npm test builds it)';
if (missing && process.env.CI) throw new Error(`log shipping tests must run in CI: ${missing}`);

/** Records in the log files of a run (JSON format: one record a line). */
function fileRecords(logDir: string): number {
  return readdirSync(logDir).reduce((n, f) => n + (readFileSync(join(logDir, f), 'utf8').match(/\n/g) ?? []).length, 0);
}

describe.skipIf(missing)('crawl --log-to victorialogs://', () => {
  let web: SimWeb;
  let server: VictoriaLogsInstance;
  beforeAll(async () => {
    web = await smallWeb();
    server = await startVictoriaLogs();
  });
  afterAll(async () => {
    await web?.close();
    await server?.dispose();
  });

  it('ships every process\'s records with node, kind and pid; the engine\'s report equals the files\'', async () => {
    const dir = tempDir('ship');
    const logDir = join(dir, 'logs');
    const spool = join(dir, 'spool');
    const run = startCrawl(localArgs(web, dir, ['--supervisors', '2', '--workers', '2', '--log-format', 'json', '--log-to', server.source, '--log-spool', spool]));
    const { code } = await finished(run, 90_000);
    expect(code, run.stderr()).toBe(0);

    const records = fileRecords(logDir);
    expect(records).toBeGreaterThan(100);
    await waitForRecords(server.url, '*', records);
    expect(await countRecords(server.url, '*')).toBe(records);
    expect(readdirSync(spool)).toEqual([]); // all sent, nothing left waiting

    // Per process (pid), every series, bucket, verdict: the same from the engine as from the files.
    const fromFiles = await analyzeLogs({ paths: [logDir], groupBy: 'pid', threads: 0 });
    const fromEngine = await analyzeLogs({ paths: [server.source], groupBy: 'pid' });
    expect(withoutInputs(fromEngine)).toEqual(withoutInputs(fromFiles));
    expect(Object.keys(fromEngine.groups!)).toHaveLength(7); // dispatcher, 2 supervisors, 4 workers
    expect(fromEngine.series.find((s) => s.name === 'crawling')!.total).toBeGreaterThan(20);

    // The fields: two supervisor nodes (plus the dispatcher's host), three kinds, a stream per process.
    const byKind = await analyzeLogs({ paths: [server.source], groupBy: 'kind' });
    expect(Object.keys(byKind.groups!).sort()).toEqual(['dispatcher', 'supervisor', 'worker']);
    const byNode = await analyzeLogs({ paths: [`${server.source}?query=kind:worker`], groupBy: 'node', series: [{ name: 'crawling', substring: 'Crawling URL' }] });
    expect(Object.keys(byNode.groups!)).toHaveLength(2);
    const streams = await analyzeLogs({ paths: [server.source] });
    expect(Object.keys(streams.groups!).every((g) => /^kind=(dispatcher|supervisor|worker),node=[^,]+,pid=\d+$/.test(g))).toBe(true);

    // The doctor on the engine: the same crawler (ours, from the records' logger name), evidence and findings.
    const doctor = async (path: string) => {
      const d = await runCli(['doctor', '--logs', path, '--group-by', 'pid', '--json']);
      expect(d.code, d.stderr).toBe(0);
      const { generatedAt: _at, ...rest } = JSON.parse(d.stdout);
      return rest;
    };
    const fileDoctor = await doctor(logDir);
    expect(fileDoctor.crawler.kind).toBe('crawl-diag');
    expect(await doctor(server.source)).toEqual(fileDoctor);
  }, 150_000);

  it('keeps the records on disk while the server is away and sends them when it is back: nothing lost', async () => {
    const own = await startVictoriaLogs();
    try {
      const dir = tempDir('ship-outage');
      const logDir = join(dir, 'logs');
      const spool = join(dir, 'spool');
      // A slower crawl (per-domain delay 500 ms): it runs long enough for an outage in the middle.
      // The files in the default Python text format this time: the shipped records are pino's JSON all the same.
      const run = startCrawl(localArgs(web, dir, ['--workers', '2', '--delay', '500', '--log-to', own.source, '--log-spool', spool]));
      await waitUntil('records reaching the server', async () => (await countRecords(own.url, '*')) > 20, 30_000);
      await own.stop();
      const stoppedAt = Date.now();
      await waitUntil('records spooled on disk', () => readdirSync(spool).some((f) => f.endsWith('.ndjson')), 15_000);
      await new Promise((r) => setTimeout(r, Math.max(0, 1500 - (Date.now() - stoppedAt))));
      await own.restart();
      // The outage was in the middle: the crawl's processes are still there to send what waited.
      expect(run.child.exitCode, 'the crawl ended during the outage; make it longer').toBeNull();
      const { code } = await finished(run, 120_000);
      expect(code, run.stderr()).toBe(0);
      // The operator is told, once per process each way.
      expect(run.stderr()).toMatch(/VictoriaLogs at http:\/\/127\.0\.0\.1:\d+ does not answer; \S+'s records wait in /);
      expect(run.stderr()).toMatch(/VictoriaLogs at http:\/\/127\.0\.0\.1:\d+ answers again/);

      const records = fileRecords(logDir);
      await waitForRecords(own.url, '*', records, 30_000);
      expect(await countRecords(own.url, '*')).toBe(records); // none lost, none twice
      expect(readdirSync(spool)).toEqual([]);
      // Text files are grouped per file, the engine per stream: the series (every bucket) and verdicts are equal.
      const fromFiles = await analyzeLogs({ paths: [logDir], threads: 0 });
      const fromEngine = await analyzeLogs({ paths: [own.source] });
      const overall = (r: typeof fromFiles) => r.series.map(({ name, total, counts, trend, changePoints }) => ({ name, total, counts, trend, changePoints }));
      expect(overall(fromEngine)).toEqual(overall(fromFiles));
      expect(Object.keys(fromEngine.groups!)).toHaveLength(Object.keys(fromFiles.groups!).length);
    } finally {
      await own.dispose();
    }
  }, 180_000);

  it('a spool left by a process that is gone is claimed and sent by the next one, with its own fields', async () => {
    const own = await startVictoriaLogs();
    try {
      const spool = tempDir('ship-orphan');
      // A real process that has exited: its pid names the spool it left (the server was away when it ended).
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      const deadPid = Number(dead.stdout);
      const orphan = [
        JSON.stringify({ spool: 1, fields: { node: 'sup-gone', kind: 'worker', pid: deadPid } }),
        ...Array.from({ length: 50 }, (_, i) => JSON.stringify({ level: 20, time: Date.now() - 60_000 + i, msg: `Crawling URL 'http://a.test/${i}'.` })),
      ].join('\n') + '\n';
      writeFileSync(join(spool, `worker-9-9-${deadPid}.ndjson`), orphan);
      const log = createProcessLogger({ processName: 'worker-1-1', name: 'crawl_diag.worker', ship: { url: own.url, node: 'sup-now', kind: 'worker', spoolDir: spool } });
      log.info('The URL \'http://b.test/\' will be crawled.');
      await closeProcessLogger(log);
      await waitForRecords(own.url, '*', 51);
      expect(await countRecords(own.url, `node:sup-gone pid:${deadPid} "Crawling URL"`)).toBe(50);
      expect(await countRecords(own.url, `node:sup-now pid:${process.pid} "will be crawled"`)).toBe(1);
      expect(readdirSync(spool)).toEqual([]);
    } finally {
      await own.dispose();
    }
  });

  it('rejects a bad --log-to with one line', async () => {
    for (const [arg, pattern] of [
      ['http://127.0.0.1:9428', /--log-to http:\/\/127\.0\.0\.1:9428: give victorialogs:\/\/HOST:PORT/],
      ['victorialogs://127.0.0.1:9428?query=x', /a query selects records to read; give the server alone/],
      ['victorialogs://h:x', /--log-to victorialogs:\/\/h:x: not a valid address/],
    ] as const) {
      const r = await runCli(['crawl', 'local', '--log-to', arg, 'http://a.test/']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(pattern);
    }
  });
});
