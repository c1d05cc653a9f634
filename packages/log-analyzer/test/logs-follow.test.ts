// --follow end to end: the binary keeps reading a log as it grows, across a rotation (rename + new file) and a
// truncation, and prints the summary with every line counted when it gets SIGINT (Ctrl-C). And a log that another
// process (Python's logging module) appends to, followed through the library and through the binary, gives the
// same report as a plain run over the finished file: same counts, ratios, verdicts.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../../test-support/run-cli.js';
import type { LogsReport } from '../src/report.js';
import { analyzeLogs } from '../src/analyze.js';
import { followLogs } from '../src/follow.js';
import { logsJson } from './logs-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = Date.UTC(2024, 4, 1, 12, 0, 0);
let seq = 0;
function lines(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++, seq++) {
    const stamp = new Date(start + seq * 1000).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
    out.push(`${stamp} - crawlers.web.multi_worker_web_crawler - DEBUG - The URL 'http://example.org/${seq}' will be crawled.`);
  }
  return out.join('\n') + '\n';
}

describe('crawl-diag logs --follow', () => {
  it('counts lines written after it started, across rotation and truncation, and prints the summary on SIGINT', async () => {
    const log = join(dir, 'crawler.log');
    writeFileSync(log, lines(30));
    const run = followCli([log, '--line', 'will be crawled', '--bucket', '10s', '--json']);
    const { child, exited } = run;
    const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    // It says on stderr when it follows (the lines already there are read by then).
    for (let waited = 0; !run.stderr.includes('following') && waited < 30_000; waited += 100) await pause(100);
    expect(run.stderr).toMatch(/^crawl-diag: following .*crawler\.log; Ctrl-C prints the summary\.\n$/);
    appendFileSync(log, lines(20));
    await pause(2000);
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, lines(5)); // written to the old file after the rename, before the writer reopens
    writeFileSync(log, lines(25));
    await pause(2000);
    writeFileSync(log, lines(10)); // truncated and rewritten in place (copytruncate), shorter than before
    await pause(2500);
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(0);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    const report = JSON.parse(run.stdout) as LogsReport;
    expect(report.series[0].total).toBe(30 + 20 + 5 + 25 + 10);
    expect(report.bucketMs).toBe(10_000);
    expect(report.start).toBe(new Date(start).toISOString());
  }, 60_000);

  it('gives the same report as a plain run for a log another process appends to (library and binary)', async () => {
    // With the crawl rate, as `crawl-diag logs` asks for it: judged on every report, the final one the plain run's.
    const options = { series: undefined, ratios: [{ name: 'waste', numerator: 'postponed', denominator: 'will be crawled' }], tz: 'UTC', crawlRate: {} };
    // Through the library.
    const viaLibrary = join(dir, 'appended-library.log');
    let writer = startWriter(viaLibrary);
    await until(() => existsSync(viaLibrary) && statSync(viaLibrary).size > 0);
    const updates: LogsReport[] = [];
    const session = await followLogs({ ...options, paths: [viaLibrary], pollMs: 100, onUpdate: (r) => updates.push(r) });
    expect(await writer).toBe(0);
    const followed = await session.stop();
    const plain = await analyzeLogs({ ...options, paths: [viaLibrary] });
    expect(updates.length).toBeGreaterThan(2); // it reported while the file grew
    expect(updates[0].series[0].total).toBeLessThan(plain.series[0].total);
    expect(followed).toEqual(plain);
    expect(plain.series.find((x) => x.name === 'will be crawled')!.trend.verdict).toBe('decay');
    expect(plain.crawlRate?.crawler).toBe('python');

    // Through the binary, with Ctrl-C once the writer is done.
    const viaBinary = join(dir, 'appended-binary.log');
    writer = startWriter(viaBinary);
    await until(() => existsSync(viaBinary) && statSync(viaBinary).size > 0);
    const ratio = ['--ratio', 'waste=postponed/will be crawled'];
    const cli = followCli([viaBinary, ...ratio, '--json']);
    await until(() => cli.stderr.includes('following'));
    expect(await writer).toBe(0);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    const followedJson = JSON.parse(cli.stdout) as LogsReport;
    expect(followedJson).toEqual(await logsJson([viaBinary, ...ratio]));
    expect(followedJson.crawlRate).toBeDefined();
  }, 60_000);
});

/** `crawl-diag logs ARGS --follow` in a child process, its output collected as it comes. */
function followCli(args: string[]) {
  const child = spawn(process.execPath, [CLI_BIN, 'logs', ...args, '--follow'], {
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, stdout: '', stderr: '', exited: new Promise<number | null>((resolveExit) => child.on('close', resolveExit)) };
  child.stdout.on('data', (d) => (run.stdout += d));
  child.stderr.on('data', (d) => (run.stderr += d));
  return run;
}

/** Python's logging writing a decaying crawl's log over a few seconds; resolves with its exit code. */
function startWriter(path: string): Promise<number | null> {
  const script = join(import.meta.dirname, 'writers', 'decaying-crawl.py');
  const child = spawn('python3', [script, path, '0.08'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolveExit) => child.on('close', resolveExit));
}

async function until(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  for (let waited = 0; !done(); waited += 50) {
    if (waited > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
