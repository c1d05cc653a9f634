// Values rather than counts, end to end: --ratio, --value (gauge), --counter, and Scrapy's LogStats counters
// recognised with no flag; checked against values computed here from the log lines.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureLines, perMinute } from './independent-count.js';
import { logs, logsJson } from './logs-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crawl-diag logs values', () => {
  it('divides two series per bucket with --ratio, and gives the ratio its own trend', async () => {
    const report = await logsJson(['fixtures/logs/python-2-workers-decay/worker-1.log', '--bucket', '1m', '--ratio', 'waste=postponed/will be crawled']);
    const lines = fixtureLines('python-2-workers-decay/worker-1.log');
    const postponed = perMinute(lines, 'was postponed');
    const crawled = perMinute(lines, 'will be crawled');
    const waste = report.values!.find((v) => v.name === 'waste')!;
    expect(waste.kind).toBe('ratio');
    expect(waste.values).toHaveLength(report.buckets);
    const start = Date.parse(report.start);
    waste.values.forEach((v, b) => {
      const minute = new Date(start + b * 60_000).toISOString();
      const den = crawled.get(minute) ?? 0;
      expect([b, v]).toEqual([b, den === 0 ? null : (postponed.get(minute) ?? 0) / den]);
    });
    expect(waste.trend.verdict).toBe('growth');
  });

  it('averages a gauge per bucket with --value and differences a counter with --counter', async () => {
    const lines: string[] = [];
    for (let s = 0; s < 40 * 60; s += 15) {
      const stamp = new Date(Date.UTC(2024, 0, 1, 10, 0, s)).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
      lines.push(`${stamp} - crawler.stats - INFO - frontier size ${1000 + s} total fetched ${s * 2}`);
    }
    const file = join(dir, 'stats.log');
    writeFileSync(file, lines.join('\n') + '\n');
    const report = await logsJson([file, '--bucket', '1m', '--value', 'frontier=frontier size (\\d+)', '--counter', 'fetched=total fetched (\\d+)']);
    const frontier = report.values!.find((v) => v.name === 'frontier')!;
    const fetched = report.values!.find((v) => v.name === 'fetched')!;
    expect(frontier.kind).toBe('gauge');
    // Samples at :00 :15 :30 :45 of minute m are 1000 + 60m + {0,15,30,45}: their mean is 1000 + 60m + 22.5.
    frontier.values.forEach((v, m) => expect(v).toBe(1000 + 60 * m + 22.5));
    // The total grows by 2 per second: 120 per minute once a previous minute exists.
    expect(fetched.values[0]).toBeNull();
    fetched.values.slice(1).forEach((v) => expect(v).toBe(120));
    expect(frontier.trend.verdict).toBe('growth');
    expect(fetched.trend.verdict).toBe('steady');
  });

  it('reads Scrapy LogStats as counters with no flag', async () => {
    const report = await logsJson(['fixtures/logs/scrapy/scrapy.log']);
    const totals = fixtureLines('scrapy/scrapy.log')
      .map((l) => /Crawled (\d+) pages \(at/.exec(l))
      .filter((m) => m !== null)
      .map((m) => Number(m![1]));
    const pages = report.values!.find((v) => v.name === 'pages (LogStats)')!;
    expect(pages.kind).toBe('counter');
    expect(pages.values.reduce((a: number, b) => a + (b ?? 0), 0)).toBeCloseTo(totals.at(-1)! - totals[0], 6);
    expect(report.series.map((s) => s.name)).toEqual(['crawled (scrapy)']);
  });

  it('rejects a ratio of unknown series and a gauge without a capture group', async () => {
    const bad = await logs(['fixtures/logs/python-steady', '--ratio', 'x=nope/will be crawled']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--ratio x: no count series named 'nope'/);
    const noGroup = await logs(['fixtures/logs/python-steady', '--value', 'q=queue \\d+']);
    expect(noGroup.code).toBe(2);
    expect(noGroup.stderr).toMatch(/gauge 'q': the regex .* has no capture group/);
  });
});

describe('crawl-diag logs: patterns that match nothing', () => {
  it('warns for each given pattern that matched no line, says why when a name was not taken, and still exits 0', async () => {
    const r = await logs([
      'fixtures/logs/python-2-workers-decay/worker-1.log',
      '--line',
      'will be crawled',
      '--line',
      'no such text anywhere',
      '--value',
      'lease ms=leaseUrls \\d+ calls ([\\d.]+) ms',
      '--value',
      'nothing=queue size (\\d+)',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('crawl-diag: --'));
    expect(warnings).toEqual([
      "crawl-diag: --line 'no such text anywhere' matched no line",
      "crawl-diag: --value 'lease ms=leaseUrls \\d+ calls ([\\d.]+) ms' gave no value (no line matched it with a number in its first group); the text before '=' is taken as a name only when it is one word (letters, digits, _ . -), so here the whole argument was the pattern",
      "crawl-diag: --value 'nothing=queue size (\\d+)' gave no value (no line matched it with a number in its first group)",
    ]);
  });
});
