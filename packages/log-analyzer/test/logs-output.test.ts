// Outputs end to end: the crawl-diag/logs@1 JSON contract, CSV, the terminal chart and table, --help; and the
// verdicts on the fixtures whose ground truth is known.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './independent-count.js';
import { logs, logsJson, series } from './logs-cli.js';

const TREND_KEYS = ['pValue', 'relativeChange', 'slopePerHour', 'verdict'];
/** Present only when set: the warm-up left out, and a significant change called steady because the rate wandered. */
const OPTIONAL_TREND_KEYS = ['sustainedShift', 'wandering', 'warmupBuckets'];
const trendKeys = (trend: object): string[] => Object.keys(trend).filter((k) => !OPTIONAL_TREND_KEYS.includes(k)).sort();

describe('crawl-diag logs outputs', () => {
  it('prints the crawl-diag/logs@1 contract with --json', async () => {
    const report = await logsJson(['fixtures/logs/python-2-workers-decay']);
    expect(report.schema).toBe('crawl-diag/logs@1');
    expect(report.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
    expect(Number.isInteger(report.bucketMs) && report.bucketMs > 0).toBe(true);
    expect(report.buckets).toBeGreaterThanOrEqual(30);
    expect(report.buckets).toBeLessThanOrEqual(120);
    for (const f of report.files) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['path', 'format', 'lines', 'unparsed']));
    }
    expect(report.series.map((s) => s.name)).toEqual([
      'will be crawled', 'crawling', 'postponed', 'ignored', 'robots undetermined', 'could not retrieve',
    ]);
    for (const s of report.series) {
      expect(s.counts).toHaveLength(report.buckets);
      expect(s.total).toBe(s.counts.reduce((a, b) => a + b, 0));
      expect(trendKeys(s.trend)).toEqual(TREND_KEYS);
      expect(['decay', 'steady', 'growth', 'insufficient-data']).toContain(s.trend.verdict);
      expect(Array.isArray(s.changePoints)).toBe(true);
      for (const cp of s.changePoints) {
        expect(Object.keys(cp).sort()).toEqual(['after', 'at', 'before']);
        expect(Date.parse(cp.at)).toBeGreaterThan(Date.parse(report.start));
      }
      for (const g of Object.values(s.groups)) {
        expect(g.counts).toHaveLength(report.buckets);
        expect(g.total).toBe(g.counts.reduce((a, b) => a + b, 0));
        expect(trendKeys(g.trend)).toEqual(TREND_KEYS);
      }
    }
  });

  it('gives the verdicts of the ground truth: decay, faster decay with 4 workers, steady', async () => {
    const two = series(await logsJson(['fixtures/logs/python-2-workers-decay']), 'will be crawled');
    const four = series(await logsJson(['fixtures/logs/python-4-workers-decay']), 'will be crawled');
    const steady = series(await logsJson(['fixtures/logs/python-steady']), 'will be crawled');
    expect(two.trend.verdict).toBe('decay');
    expect(two.trend.relativeChange!).toBeGreaterThan(-0.7);
    expect(two.trend.relativeChange!).toBeLessThan(-0.3);
    expect(four.trend.verdict).toBe('decay');
    expect(four.trend.relativeChange!).toBeLessThan(two.trend.relativeChange!);
    expect(steady.trend.verdict).toBe('steady');
  });

  it('writes CSV with a row per bucket and a column per series and per series and group', async () => {
    const report = await logsJson(['fixtures/logs/python-2-workers-decay', '--line', 'will be crawled', '--bucket', '5m']);
    const r = await logs(['fixtures/logs/python-2-workers-decay', '--line', 'will be crawled', '--bucket', '5m', '--csv']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['bucket_start', 'will be crawled', 'will be crawled [worker-1.log]', 'will be crawled [worker-2.log]']);
    expect(rows).toHaveLength(report.buckets + 1);
    expect(rows[1][0]).toBe(report.start);
    expect(rows.slice(1).map((row) => Number(row[1]))).toEqual(report.series[0].counts);
    expect(rows.slice(1).map((row) => Number(row[2]))).toEqual(report.series[0].groups['worker-1.log'].counts);
  });

  it('draws a chart and a summary table without colour when not on a terminal', async () => {
    const r = await logs(['fixtures/logs/python-4-workers-decay', '--line', 'will be crawled', '--width', '90']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stdout).toMatch(/will be crawled {2}\(lines per 1m, total \d+\)/);
    expect(r.stdout).toMatch(/[┼┤]/);
    expect(r.stdout).toMatch(/^series \/ group +total +start \/min +end \/min +change +verdict$/m);
    expect(r.stdout).toMatch(/^ {2}worker-3\.log +\d+ .*decay$/m);
    const colour = await logs(['fixtures/logs/python-steady', '--color']);
    expect(colour.stdout).toMatch(/\x1b\[\d+m/);
  });

  it('explains itself with --help, with examples', async () => {
    const r = await logs(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--line/);
    expect(r.stdout).toMatch(/--time-format/);
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/logs compare/);
  });

  it('never writes to its inputs', async () => {
    const snapshot = (): string[] =>
      readdirSync(FIXTURES, { recursive: true })
        .map(String)
        .filter((p) => statSync(join(FIXTURES, p)).isFile())
        .sort()
        .map((p) => `${p} ${statSync(join(FIXTURES, p)).mtimeMs} ${createHash('sha1').update(readFileSync(join(FIXTURES, p))).digest('hex')}`);
    const before = snapshot();
    expect((await logs(['fixtures/logs/gzip-rotated', 'fixtures/logs/garbage-mixed'])).code).toBe(0);
    expect(snapshot()).toEqual(before);
  });
});
