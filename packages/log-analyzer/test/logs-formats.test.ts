// Every supported format, end to end through the binary, with counts checked against an independent count.
import { describe, expect, it } from 'vitest';
import { countRecords, fixtureLines } from './independent-count.js';
import { logsJson, series } from './logs-cli.js';

describe('crawl-diag logs reads every format as is', () => {
  it('reads the original crawler excerpt (Python logging, urllib3 lines mixed in)', async () => {
    const report = await logsJson(['/work/shared/samples/original-crawler-excerpt.log']);
    expect(report.files[0]).toMatchObject({ format: 'python-logging', lines: 15, unparsed: 0 });
    expect(report.start).toBe('2016-12-20T14:29:19.000Z');
    const totals = Object.fromEntries(report.series.map((s) => [s.name, s.total]));
    expect(totals).toEqual({
      'will be crawled': 2,
      crawling: 2,
      postponed: 1,
      ignored: 1,
      'robots undetermined': 1,
      'could not retrieve': 1,
    });
  });

  it('counts Python logging with comma and dot milliseconds, per worker file', async () => {
    const report = await logsJson(['fixtures/logs/python-4-workers-decay', '--line', 'will be crawled', '--line', 'postponed=was postponed']);
    expect(report.files.map((f) => f.format)).toEqual(Array(4).fill('python-logging'));
    for (const w of [1, 2, 3, 4]) {
      const lines = fixtureLines(`python-4-workers-decay/worker-${w}.log`);
      const file = report.files.find((f) => f.path.endsWith(`worker-${w}.log`))!;
      expect(file.lines).toBe(lines.length);
      expect(file.unparsed).toBe(0);
      expect(series(report, 'will be crawled').groups[`worker-${w}.log`].total).toBe(countRecords(lines, 'python-logging', 'will be crawled'));
      expect(series(report, 'postponed').groups[`worker-${w}.log`].total).toBe(countRecords(lines, 'python-logging', 'was postponed'));
    }
    expect(fixtureLines('python-4-workers-decay/worker-3.log')[0]).toMatch(/^\S+ \d\d:\d\d:\d\d\.\d{3} /);
  });

  it('counts pino NDJSON records per host with --group-by hostname, and by level', async () => {
    const report = await logsJson(['fixtures/logs/pino-ndjson', '--group-by', 'hostname', '--line', 'will be crawled', '--level', 'error']);
    const records = fixtureLines('pino-ndjson/crawler.ndjson').map((l) => JSON.parse(l) as { hostname: string; msg: string; level: number; time: number });
    expect(report.files[0]).toMatchObject({ format: 'pino', lines: records.length, unparsed: 0 });
    const crawled = series(report, 'will be crawled');
    for (const host of ['node-a', 'node-b']) {
      expect(crawled.groups[host].total).toBe(records.filter((r) => r.hostname === host && r.msg.includes('will be crawled')).length);
    }
    expect(Object.keys(crawled.groups).sort()).toEqual(['node-a', 'node-b']);
    expect(series(report, 'error').total).toBe(records.filter((r) => r.level === 50).length);
    expect(Date.parse(report.start)).toBe(Math.floor(Math.min(...records.map((r) => r.time)) / report.bucketMs) * report.bucketMs);
  });

  it('counts Scrapy lines', async () => {
    const report = await logsJson(['fixtures/logs/scrapy/scrapy.log', '--line', 'Crawled (200)', '--regex', 'stats=Crawled \\d+ pages']);
    const lines = fixtureLines('scrapy/scrapy.log');
    expect(report.files[0].format).toBe('scrapy');
    expect(series(report, 'Crawled (200)').total).toBe(countRecords(lines, 'scrapy', 'Crawled (200)'));
    expect(series(report, 'stats').total).toBe(lines.filter((l) => /Crawled \d+ pages/.test(l)).length);
  });

  it.each([
    ['app-iso8601.log', 'iso8601'],
    ['syslog.log', 'syslog'],
    ['access.log', 'access-log'],
  ])('detects %s as %s and counts its lines', async (file, format) => {
    const text = format === 'access-log' ? 'GET /page/' : 'will be crawled';
    const report = await logsJson([`fixtures/logs/other-formats/${file}`, '--line', text]);
    const lines = fixtureLines(`other-formats/${file}`);
    expect(report.files[0]).toMatchObject({ format, lines: lines.length, unparsed: 0 });
    expect(report.series[0].total).toBe(countRecords(lines, format, text));
    expect(report.series[0].total).toBeGreaterThan(0);
  });

  it('reads ISO 8601 time from bunyan NDJSON', async () => {
    const report = await logsJson(['fixtures/logs/other-formats/bunyan.ndjson', '--line', 'will be crawled']);
    const records = fixtureLines('other-formats/bunyan.ndjson').map((l) => JSON.parse(l) as { time: string });
    expect(report.files[0].format).toBe('pino');
    expect(report.series[0].total).toBe(records.length);
    expect(report.files[0].first).toBe(records[0].time);
  });

  it('counts 5xx responses of an access log with --level 5xx', async () => {
    const report = await logsJson(['fixtures/logs/other-formats/access.log', '--level', '5xx']);
    const lines = fixtureLines('other-formats/access.log');
    expect(report.series[0].total).toBe(lines.filter((l) => /" 5\d\d /.test(l)).length);
  });

  it('reads a custom layout with --time-format, and stamps in another zone with --tz', async () => {
    const args = ['fixtures/logs/other-formats/custom-layout.log', '--line', 'will be crawled', '--time-format', 'DD/MM/YYYY HH:mm:ss'];
    const utc = await logsJson(args);
    const lines = fixtureLines('other-formats/custom-layout.log');
    expect(utc.files[0]).toMatchObject({ format: 'custom', lines: lines.length, unparsed: 0 });
    expect(utc.series[0].total).toBe(lines.length);
    expect(utc.files[0].first).toBe('2024-03-10T08:00:' + lines[0].slice(18, 20) + '.000Z');
    const paris = await logsJson([...args, '--tz', 'Europe/Paris']);
    expect(Date.parse(paris.files[0].first!)).toBe(Date.parse(utc.files[0].first!) - 3_600_000);
    const offset = await logsJson([...args, '--tz=-05:00']);
    expect(Date.parse(offset.files[0].first!)).toBe(Date.parse(utc.files[0].first!) + 5 * 3_600_000);
  });

  it('counts garbage lines as unparsed and a traceback as part of its record', async () => {
    const report = await logsJson(['fixtures/logs/garbage-mixed', '--line', 'will be crawled', '--line', 'refused=Connection refused', '--line', 'retrieve=Could not retrieve']);
    const lines = fixtureLines('garbage-mixed/crawler.log');
    const record = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - /;
    // Independent: a line is garbage unless it has a stamp, is blank, or continues a traceback.
    const continuation = (l: string): boolean => /^\s/.test(l) || l.startsWith('Traceback') || /^[\w.]+(Error|Exception)\b/.test(l);
    const garbage = lines.filter((l) => !record.test(l) && l !== '' && !continuation(l)).length;
    expect(garbage).toBeGreaterThan(10);
    expect(report.files[0]).toMatchObject({ lines: lines.length, unparsed: garbage });
    expect(series(report, 'will be crawled').total).toBe(countRecords(lines, 'python-logging', 'will be crawled'));
    expect(lines.some((l) => !record.test(l) && l.includes('will be crawled'))).toBe(true);
    // "Connection refused" appears only in traceback lines: each traceback counts once, for its record.
    const tracebacks = lines.filter((l) => l.startsWith('requests.exceptions.ConnectionError') && l.includes('Connection refused')).length;
    expect(tracebacks).toBeGreaterThan(0);
    expect(series(report, 'refused').total).toBe(tracebacks);
    expect(series(report, 'retrieve').total).toBe(countRecords(lines, 'python-logging', 'Could not retrieve'));
  });
});
