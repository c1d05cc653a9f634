// Logs with NUL bytes: the hole that logrotate's copytruncate leaves at the start of a log whose writer keeps its
// offset, and text logs with NUL-bearing garbage lines. NUL runs are skipped and counted, every valid record is
// read, the garbage counted as unparsed; a real binary is still refused. Through the library and the binary.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../src/analyze.js';
import { looksBinary } from '../src/source/read-head.js';
import { logs, logsJson, series } from './logs-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-nul-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = Date.UTC(2024, 4, 1, 12, 0, 0);
const stamp = (i: number): string => new Date(start + i * 250).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
const record = (i: number, crawled: boolean): string =>
  `${stamp(i)} - crawlers.web.multi_worker_web_crawler - DEBUG - ${crawled ? `The URL 'http://example.org/${i}' will be crawled.` : `Starting new HTTP connection (1): example.org:80`}`;

/** Deterministic garbage: random bytes (NULs and control bytes among them), never a newline, not indented. */
function garbage(seed: number, length: number): Buffer {
  let a = seed >>> 0;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    let b = a >>> 24;
    if (b === 10) b = 0;
    out[i] = b;
  }
  out[0] = 0x23; // '#': neither a NUL nor white space (an indented line would continue the record above)
  return out;
}

describe('logs with NUL bytes', () => {
  it('skips the NUL hole copytruncate leaves at the start and reads every record after it', async () => {
    const path = join(dir, 'copytruncate.log');
    const hole = 5 << 20; // more than a read chunk and the format detector's head
    const fd = openSync(path, 'w');
    writeSync(fd, Buffer.alloc(hole));
    const text = Array.from({ length: 400 }, (_, i) => record(i, i % 3 === 0)).join('\n') + '\n';
    writeSync(fd, text);
    closeSync(fd);
    const expected = Array.from({ length: 400 }, (_, i) => i).filter((i) => i % 3 === 0).length;

    const report = await analyzeLogs({ paths: [path], series: [{ name: 'crawled', substring: 'will be crawled' }], tz: 'UTC', bucketMs: 10_000 });
    expect(report.files[0].format).toBe('python-logging');
    expect(report.files[0].nulBytes).toBe(hole);
    expect(report.files[0].unparsed).toBe(0);
    expect(report.series[0].total).toBe(expected);
    expect(report.start).toBe(new Date(start).toISOString());

    const cli = await logsJson([path, '--line', 'crawled=will be crawled', '--bucket', '10s']);
    expect(series(cli, 'crawled').total).toBe(expected);
    expect(cli.files[0].nulBytes).toBe(hole);
    const terminal = await logs([path, '--line', 'crawled=will be crawled']);
    expect(terminal.stdout).toContain(`${hole} NUL bytes skipped`);
  });

  it('keeps every valid record of a 10,000-line log mixed with NUL-bearing garbage, the rest unparsed', async () => {
    const path = join(dir, 'mixed.log');
    const parts: Buffer[] = [];
    let valid = 0;
    let crawled = 0;
    for (let i = 0; i < 10_000; i++) {
      // Garbage near the start (lines 1-3) and every 17th line; some valid records behind a NUL run.
      if ((i >= 1 && i <= 3) || i % 17 === 5) parts.push(garbage(i, 20 + (i % 90)));
      else {
        const isCrawled = i % 4 === 0;
        parts.push(Buffer.concat([i % 101 === 7 ? Buffer.alloc(1 + (i % 13)) : Buffer.alloc(0), Buffer.from(record(i, isCrawled))]));
        valid++;
        if (isCrawled) crawled++;
      }
      parts.push(Buffer.from('\n'));
    }
    writeFileSync(path, Buffer.concat(parts));
    expect(looksBinary(readFileSync(path).subarray(0, 64 << 10))).toBe(false);

    const report = await analyzeLogs({ paths: [path], series: [{ name: 'crawled', substring: 'will be crawled' }], tz: 'UTC', bucketMs: 60_000 });
    expect(report.files[0].lines).toBe(10_000);
    expect(report.series[0].total).toBe(crawled);
    expect(report.files[0].unparsed).toBe(10_000 - valid);
    expect(report.files[0].nulBytes).toBeGreaterThan(0);

    const cli = await logsJson([path, '--line', 'crawled=will be crawled', '--bucket', '1m']);
    expect(series(cli, 'crawled').total).toBe(crawled);
    expect(cli.files[0].unparsed).toBe(10_000 - valid);
    expect(cli.files[0].nulBytes).toBe(report.files[0].nulBytes);
  });

  it('reads a record that follows a NUL run on the same line (a crash padded the line before)', async () => {
    const path = join(dir, 'padded.log');
    const before = `${record(0, true)}\n${record(1, true).slice(0, 40)}`; // a record cut short by the crash
    writeFileSync(path, Buffer.concat([Buffer.from(before), Buffer.alloc(4096), Buffer.from(`${record(9, true)}\n`)]));
    const report = await analyzeLogs({ paths: [path], series: [{ name: 'crawled', substring: 'will be crawled' }], tz: 'UTC', bucketMs: 1000 });
    expect(report.series[0].total).toBe(2);
    expect(report.files[0].nulBytes).toBe(4096);
    expect(report.files[0].unparsed).toBe(0);
  });

  it('still refuses a real binary (this Node executable)', async () => {
    const head = readFileSync(process.execPath).subarray(0, 64 << 10);
    expect(looksBinary(head)).toBe(true);
    const path = join(dir, 'node.log');
    writeFileSync(path, head);
    const r = await logs([path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/node\.log: binary file, not a text log/);
  });
});
