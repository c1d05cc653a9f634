// Inputs end to end: gzip-rotated files, stdin, directories, globs, --group-by on the path, and one time grid for
// every group, with per-bucket counts checked against an independent count.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countRecords, fixtureLines, perMinute } from './independent-count.js';
import { logs, logsJson, series } from './logs-cli.js';

describe('crawl-diag logs inputs', () => {
  it('puts every group on one grid, with exact per-minute counts and zeros for empty minutes', async () => {
    const report = await logsJson(['fixtures/logs/python-2-workers-decay', '--bucket', '1m', '--line', 'will be crawled']);
    expect(report.bucketMs).toBe(60_000);
    const s = series(report, 'will be crawled');
    for (const w of ['worker-1.log', 'worker-2.log']) {
      const expected = perMinute(fixtureLines(`python-2-workers-decay/${w}`), 'will be crawled');
      const got = s.groups[w].counts;
      expect(got).toHaveLength(report.buckets);
      const start = Date.parse(report.start);
      got.forEach((n, b) => expect([b, n]).toEqual([b, expected.get(new Date(start + b * 60_000).toISOString()) ?? 0]));
    }
    s.counts.forEach((n, b) => expect(n).toBe(s.groups['worker-1.log'].counts[b] + s.groups['worker-2.log'].counts[b]));
  });

  it('reads a gzip-rotated pair as one group, in time order', async () => {
    const report = await logsJson(['fixtures/logs/gzip-rotated', '--line', 'will be crawled']);
    const all = [...fixtureLines('gzip-rotated/crawler.log.1.gz'), ...fixtureLines('gzip-rotated/crawler.log')];
    expect(report.files.map((f) => f.format)).toEqual(['python-logging', 'python-logging']);
    expect(Object.keys(series(report, 'will be crawled').groups)).toEqual(['crawler.log']);
    expect(series(report, 'will be crawled').total).toBe(countRecords(all, 'python-logging', 'will be crawled'));
    expect(report.files.reduce((n, f) => n + f.lines, 0)).toBe(all.length);
    const gz = report.files.find((f) => f.path.endsWith('.gz'))!;
    const plain = report.files.find((f) => !f.path.endsWith('.gz'))!;
    expect(Date.parse(gz.last!)).toBeLessThan(Date.parse(plain.first!));
  });

  it('reads stdin (-), plain and alongside files', async () => {
    const text = readFileSync('fixtures/logs/python-steady/crawler.log');
    const alone = await logsJson(['-', '--line', 'will be crawled'], { input: text });
    const expected = countRecords(fixtureLines('python-steady/crawler.log'), 'python-logging', 'will be crawled');
    expect(alone.files[0]).toMatchObject({ path: 'stdin', format: 'python-logging' });
    expect(alone.series[0].total).toBe(expected);
    const mixed = await logsJson(['fixtures/logs/python-2-workers-decay/worker-1.log', '-', '--line', 'will be crawled'], { input: text });
    expect(Object.keys(mixed.series[0].groups).sort()).toEqual(['stdin', 'worker-1.log']);
    expect(mixed.series[0].groups.stdin.total).toBe(expected);
    // Compressed bytes on stdin are recognised and decompressed.
    const gz = readFileSync('fixtures/logs/gzip-rotated/crawler.log.1.gz');
    const fromGz = await logsJson(['-', '--line', 'will be crawled'], { input: gz });
    expect(fromGz.series[0].total).toBe(countRecords(fixtureLines('gzip-rotated/crawler.log.1.gz'), 'python-logging', 'will be crawled'));
  });

  it('expands a quoted glob and groups by a capture group on the path', async () => {
    const report = await logsJson(['fixtures/logs/python-*-decay/*.log', '--group-by', 'python-(\\d)-workers', '--line', 'will be crawled']);
    expect(report.files).toHaveLength(6);
    const s = series(report, 'will be crawled');
    expect(Object.keys(s.groups).sort()).toEqual(['2', '4']);
    const sum = (dir: string, n: number): number =>
      Array.from({ length: n }, (_, i) => countRecords(fixtureLines(`${dir}/worker-${i + 1}.log`), 'python-logging', 'will be crawled')).reduce((a, b) => a + b, 0);
    expect(s.groups['2'].total).toBe(sum('python-2-workers-decay', 2));
    expect(s.groups['4'].total).toBe(sum('python-4-workers-decay', 4));
  });

  it('walks a directory tree and skips the files that are not logs', async () => {
    const r = await logs(['fixtures/logs', '--line', 'will be crawled', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const paths = report.files.map((f: { path: string }) => f.path);
    expect(paths).toContain('fixtures/logs/scrapy/scrapy.log');
    expect(paths).toContain('fixtures/logs/gzip-rotated/crawler.log.1.gz');
    expect(paths.some((p: string) => p.endsWith('README.md'))).toBe(false);
    // custom-layout.log needs --time-format: skipped with a warning when found in a directory, not fatal.
    expect(r.stderr).toMatch(/custom-layout\.log: unknown log format.*Skipped/);
  });
});
