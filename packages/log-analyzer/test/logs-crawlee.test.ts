// Crawlee's logs read with no flag, end to end through the binary: its statistics' cumulative requestsTotal is
// differenced into a rate (its requestsFinishedPerMinute, an average since the start, would hide the decay), its
// retry and failure lines are counted, and its default text log without stamps is timed by crawlerRuntimeMillis.
// Checked against the fixtures' ground truth and against numbers computed here from the lines.
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixtureLines } from './independent-count.js';
import { logs, logsJson, series } from './logs-cli.js';
import type { LogsReport } from '../src/report.js';

const truth = JSON.parse(readFileSync(join(FIXTURES, 'ground-truth.json'), 'utf8')).crawlee;
const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-crawlee-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REQUESTS = 'requests (Crawlee stats)';

/** [time ms, requestsTotal, requestsFinishedPerMinute] of each periodic statistics line, read here with a regex. */
function statistics(lines: string[]): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (const l of lines) {
    if (!l.includes('Crawler request statistics:')) continue; // not the final line
    const plain = l.replace(/\x1b\[\d+m/g, '');
    const stamp = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d\.\d{3})/.exec(plain) ?? /"time":"([^"T]+)T([^"Z]+)Z"/.exec(plain);
    const total = /"requestsTotal":(\d+)/.exec(plain);
    const perMinute = /"requestsFinishedPerMinute":(\d+)/.exec(plain);
    out.push([Date.parse(`${stamp![1]}T${stamp![2]}Z`), Number(total![1]), Number(perMinute![1])]);
  }
  return out;
}

function requests(report: LogsReport): NonNullable<LogsReport['values']>[number] {
  const v = report.values?.find((x) => x.name === REQUESTS);
  if (!v) throw new Error(`no ${REQUESTS} in ${report.values?.map((x) => x.name).join(', ')}`);
  return v;
}

describe('crawl-diag logs: Crawlee', () => {
  it('charts a decaying Crawlee text log (stamps, ANSI colours) as is, from differenced statistics', async () => {
    const report = await logsJson(['fixtures/logs/crawlee/crawlee-decay.log', '--bucket', '1m']);
    expect(report.files[0].format).toBe('crawlee');
    expect(report.files[0].unparsed).toBe(0);
    const truthDecay = truth['crawlee-decay.log'];
    expect(series(report, 'retried (Crawlee)').total).toBe(truthDecay.retries);
    expect(series(report, 'failed (Crawlee)').total).toBe(truthDecay.failed);

    const stats = statistics(fixtureLines('crawlee/crawlee-decay.log'));
    expect(stats).toHaveLength(truthDecay.statisticsLines - 1); // the final line says "Final request statistics:"
    const v = requests(report);
    expect(v.kind).toBe('counter');
    expect(v.note).toMatch(/requestsTotal/);
    // One statistics line a minute: each bucket's value is its line's total minus the one before (a bucket's last
    // total against the previous bucket's). The log begins with the crawler starting, when requestsTotal was 0: the
    // first line's total is the first minute's increase (not dropped), and no bucket before it has a value.
    const start = Date.parse(report.start);
    const bucketOf = (t: number): number => Math.floor((t - start) / 60_000);
    expect(v.values.slice(0, bucketOf(stats[0][0]))).toEqual(new Array(bucketOf(stats[0][0])).fill(null));
    expect(v.values[bucketOf(stats[0][0])]).toBe(stats[0][1]);
    for (let i = 1; i < stats.length; i++) {
      expect([i, v.values[bucketOf(stats[i][0])]]).toEqual([i, stats[i][1] - stats[i - 1][1]]);
    }
    expect(v.trend.verdict).toBe('decay');
    expect(v.trend.relativeChange!).toBeLessThan(-0.35);
    // Crawlee's own per-minute figure, an average since the start, falls far less than the rate really did.
    const ownFirst = stats[2][2];
    const ownLast = stats.at(-1)![2];
    expect(ownLast / ownFirst).toBeGreaterThan(0.65);
    const early = v.values.slice(1, 11).reduce((a: number, b) => a + (b ?? 0), 0);
    const late = v.values.slice(-11, -1).reduce((a: number, b) => a + (b ?? 0), 0);
    expect(late / early).toBeLessThan(0.55);
  });

  it('calls a steady Crawlee JSON log steady', async () => {
    const report = await logsJson(['fixtures/logs/crawlee/crawlee-steady.ndjson']);
    expect(report.files[0].format).toBe('pino');
    const truthSteady = truth['crawlee-steady.ndjson'];
    expect(series(report, 'retried (Crawlee)').total).toBe(truthSteady.retries);
    expect(series(report, 'failed (Crawlee)').total).toBe(truthSteady.failed);
    const stats = statistics(fixtureLines('crawlee/crawlee-steady.ndjson'));
    const v = requests(report);
    const sum = v.values.reduce((a: number, b) => a + (b ?? 0), 0);
    // Increases from the crawler's start (the log's first line, requestsTotal 0) to the final statistics line
    // (which carries requestsTotal too): every request.
    expect(stats[0][1]).toBeGreaterThan(0);
    expect(sum).toBeCloseTo(truthSteady.requests, 6);
    expect(v.trend.verdict).toBe('steady');
  });

  it('times Crawlee\'s default text log (no stamps) by crawlerRuntimeMillis from its end', async () => {
    // The default LoggerText writes no date: strip the stamps, and date the file as the crawler left it.
    const timed = readFileSync(join(FIXTURES, 'crawlee/crawlee-decay.log'), 'utf8');
    const untimed = timed.replace(/\x1b\[90m\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \x1b\[39m/g, '');
    expect(untimed).not.toMatch(/\d{4}-\d\d-\d\d \d\d:/);
    const file = join(dir, 'crawlee.log');
    writeFileSync(file, untimed);
    const finalLine = fixtureLines('crawlee/crawlee-decay.log').find((l) => l.includes('Final request statistics:'))!;
    const endMs = Date.parse(/^\x1b\[90m(\S+) (\S+) /.exec(finalLine)!.slice(1, 3).join('T') + 'Z');
    utimesSync(file, endMs / 1000, endMs / 1000);

    const report = await logsJson([file, '--bucket', '1m']);
    const reference = await logsJson(['fixtures/logs/crawlee/crawlee-decay.log', '--bucket', '1m']);
    expect(report.files[0].format).toBe('crawlee');
    expect(report.files[0].unparsed).toBe(0);
    // Only the statistics are timed: the chart starts at the first statistics line.
    const shift = (Date.parse(report.start) - Date.parse(reference.start)) / 60_000;
    expect(shift).toBe(1);
    const got = requests(report).values;
    const want = requests(reference).values.slice(shift);
    got.forEach((x, i) => expect([i, x === null ? null : Math.round(x * 1000) / 1000]).toEqual([i, want[i] === null ? null : Math.round(want[i]! * 1000) / 1000]));
    expect(requests(report).trend.verdict).toBe('decay');
    expect(series(report, 'retried (Crawlee)').total).toBe(0); // untimed lines cannot be placed in time

    const text = await logs([file, '--width', '80']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/requests \(Crawlee stats\)\s+\(counter, increase per 1m\)/);
    expect(text.stdout).toMatch(/requestsFinishedPerMinute is an\s+average/);
  });
});
