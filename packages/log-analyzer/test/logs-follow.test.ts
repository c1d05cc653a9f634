// --follow end to end: the binary keeps reading a log as it grows, across a rotation (rename + new file) and a
// truncation, and prints the summary with every line counted when it gets SIGINT (Ctrl-C).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../../test-support/run-cli.js';
import type { LogsReport } from '../src/report.js';

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
    const child = spawn(process.execPath, [CLI_BIN, 'logs', log, '--follow', '--line', 'will be crawled', '--bucket', '10s', '--json'], {
      env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
    const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    // It says on stderr when it follows (the lines already there are read by then).
    for (let waited = 0; !stderr.includes('following') && waited < 30_000; waited += 100) await pause(100);
    expect(stderr).toMatch(/^crawl-diag: following .*crawler\.log; Ctrl-C prints the summary\.\n$/);
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
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout) as LogsReport;
    expect(report.series[0].total).toBe(30 + 20 + 5 + 25 + 10);
    expect(report.bucketMs).toBe(10_000);
    expect(report.start).toBe(new Date(start).toISOString());
  }, 60_000);
});
