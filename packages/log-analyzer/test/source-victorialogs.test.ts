// The victorialogs:// source against the file scanner: the same records read from files and from a real
// VictoriaLogs server (the suite's, started by test-support) give the identical report: totals per series and group,
// every bucket, verdicts, change points. And bad input (unreachable server, malformed address, a query the server
// rejects) is one line and exit code 2.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../src/analyze.js';
import { namedFirstGroup, parseTimeBound, parseVictoriaLogsPath, seriesFilter } from '../src/source/victorialogs-source.js';
import { toSeriesSpecs } from '../src/series.js';
import { runCli } from '../../../test-support/run-cli.js';
import { freePort } from '../../../test-support/services.js';
import { ingestJsonLines, vlogsTestTarget, waitForRecords, withoutInputs } from '../../../test-support/victorialogs.js';
import { FIXTURES } from './independent-count.js';
import { logs } from './logs-cli.js';

const target = vlogsTestTarget();
const url = target.url ?? '';
const source = url.replace(/^http:/, 'victorialogs:');
/** Each test's records carry a run id of their own: the server is shared by the whole suite. */
const runId = () => `t${randomBytes(5).toString('hex')}`;

/**
 * A Python logging file as the JSON records a log shipper would send (time as UTC, since the analyzer reads the
 * files with --tz UTC here): lines without a stamp continue the record above, as the file scanner reads them.
 */
function pythonLogAsRecords(text: string, file: string): string {
  const out: Array<{ time: string; level: string; logger: string; msg: string; file: string }> = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)[,.](\d{3}) - (\S+) - ([A-Z]+) - (.*)$/.exec(line);
    if (m) out.push({ time: `${m[1]}T${m[2]}.${m[3]}Z`, logger: m[4], level: m[5].toLowerCase(), msg: m[6], file });
    else if (line !== '' && out.length > 0) out[out.length - 1].msg += `\n${line}`;
  }
  return out.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

describe.skipIf(!target.url)('victorialogs:// source', () => {
  const decayDir = join(FIXTURES, 'python-4-workers-decay');
  const decayRun = runId();
  const pinoRun = runId();
  let records = 0;
  beforeAll(async () => {
    for (const f of readdirSync(decayDir)) {
      const body = pythonLogAsRecords(readFileSync(join(decayDir, f), 'utf8'), f);
      records += body.trimEnd().split('\n').length;
      await ingestJsonLines(url, body, { timeField: 'time', msgField: 'msg', streamFields: ['file'], extraFields: { run: decayRun } });
    }
    const pino = readFileSync(join(FIXTURES, 'pino-ndjson', 'crawler.ndjson'), 'utf8');
    await ingestJsonLines(url, pino, { timeField: 'time', msgField: 'msg', streamFields: ['hostname', 'pid'], extraFields: { run: pinoRun, file: 'crawler.ndjson' } });
    await waitForRecords(url, `run:${decayRun}`, records);
    await waitForRecords(url, `run:${pinoRun}`, pino.trimEnd().split('\n').length);
  });

  it('gives the identical report as the files: four workers decaying, grouped per file', async () => {
    const fromFiles = await analyzeLogs({ paths: [decayDir], tz: 'UTC', threads: 0 });
    const fromEngine = await analyzeLogs({ paths: [`${source}?query=run:${decayRun}`], groupBy: 'file' });
    expect(withoutInputs(fromEngine)).toEqual(withoutInputs(fromFiles));
    // The comparison means something: the fixture decays, in every worker, with thousands of lines.
    const crawled = fromFiles.series.find((s) => s.name === 'will be crawled')!;
    expect(crawled.trend.verdict).toBe('decay');
    expect(Object.keys(crawled.groups)).toHaveLength(4);
    expect(crawled.total).toBeGreaterThan(1000);
    expect(fromEngine.files).toEqual([expect.objectContaining({ format: 'victorialogs', lines: records })]);
  });

  it('the same with regex and level series, a ratio and a fixed bucket', async () => {
    const series = [
      { name: 'accepted', substring: 'will be crawled' },
      { name: 'robots', regex: String.raw`"GET /robots\.txt HTTP/1\.[01]"` },
      { name: 'errors', level: 'ERROR' },
    ];
    const ratios = [{ name: 'robots per URL', numerator: 'robots', denominator: 'accepted' }];
    const fromFiles = await analyzeLogs({ paths: [decayDir], tz: 'UTC', threads: 0, series, ratios, bucketMs: 60_000 });
    const fromEngine = await analyzeLogs({ paths: [`${source}?query=run:${decayRun}`], groupBy: 'file', series, ratios, bucketMs: 60_000 });
    expect(withoutInputs(fromEngine)).toEqual(withoutInputs(fromFiles));
    for (const s of fromFiles.series) expect(s.total, s.name).toBeGreaterThan(0);
  });

  it('gauges, counters and keys (the first group extracted by the server) as from the files', async () => {
    const series = [
      { name: 'bytes', regex: String.raw`HTTP/1\.1" \d+ (\d+)`, kind: 'gauge' as const },
      // Not a running total really: its drops exercise the counter's reset rule as well.
      { name: 'bytes so far', regex: String.raw`HTTP/1\.1" 404 (\d+)`, kind: 'counter' as const },
      { name: 'connections by host', regex: String.raw`Starting new HTTP connection \(\d+\): (?<host>[\w.-]+)`, kind: 'key' as const },
    ];
    const fromFiles = await analyzeLogs({ paths: [decayDir], tz: 'UTC', threads: 0, series });
    const fromEngine = await analyzeLogs({ paths: [`${source}?query=run:${decayRun}`], groupBy: 'file', series });
    expect(withoutInputs(fromEngine)).toEqual(withoutInputs(fromFiles));
    expect(fromFiles.values!.map((v) => v.values.filter((x) => x !== null).length).every((n) => n > 10)).toBe(true);
    expect(Object.keys(fromFiles.keys![0].perBucket.find((b) => Object.keys(b).length > 0)!).length).toBeGreaterThan(0);
  });

  it('groups by a log field (NDJSON hostname) as the files do', async () => {
    const fromFiles = await analyzeLogs({ paths: [join(FIXTURES, 'pino-ndjson')], groupBy: 'hostname', threads: 0 });
    const fromEngine = await analyzeLogs({ paths: [`${source}?query=run:${pinoRun}`], groupBy: 'hostname' });
    expect(withoutInputs(fromEngine)).toEqual(withoutInputs(fromFiles));
    expect(Object.keys(fromEngine.groups!).sort()).toEqual(['node-a', 'node-b']);
  });

  it('by default one group per stream; --since/--until choose the range (the grid spans it)', async () => {
    const all = await analyzeLogs({ paths: [`${source}?query=run:${pinoRun}`] });
    expect(Object.keys(all.groups!).every((g) => /^hostname=node-[ab],pid=\d+$/.test(g))).toBe(true);
    const start = Date.parse(all.start);
    const since = new Date(start + 10 * 60_000).toISOString();
    const until = new Date(start + 20 * 60_000).toISOString();
    const part = await analyzeLogs({ paths: [`${source}?query=run:${pinoRun}`], since, until, bucketMs: 60_000 });
    expect(part.start).toBe(since);
    expect(part.buckets).toBe(11); // 10:00 to 20:00 inclusive of the bucket holding `until`
    const crawled = (r: typeof all) => r.series.find((s) => s.name === 'will be crawled')!;
    const perMinute = await analyzeLogs({ paths: [`${source}?query=run:${pinoRun}`], bucketMs: 60_000 });
    const from = (Date.parse(since) - Date.parse(perMinute.start)) / 60_000;
    expect(crawled(part).counts.slice(0, 10)).toEqual(crawled(perMinute).counts.slice(from, from + 10));
  });

  it('crawl-diag logs, compare and doctor take it: same JSON and verdicts as from the files', async () => {
    const fromFiles = JSON.parse((await logs([decayDir, '--json', '--tz', 'UTC'])).stdout);
    const r = await logs([`${source}?query=run:${decayRun}`, '--group-by', 'file', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(withoutInputs(JSON.parse(r.stdout))).toEqual(withoutInputs(fromFiles));
    const text = await logs([`${source}?query=run:${decayRun}`, '--group-by', 'file', '--width', '80']);
    expect(text.stdout).toMatch(/^victorialogs:\/\/127\.0\.0\.1:\d+\?query=run:\w+ \(\d+ records\), 4 groups/);
    expect(text.stdout).toContain('decay');

    // doctor --logs and logs compare go through the same entry point: the same findings and throughput.
    const doctor = async (path: string, ...more: string[]) => {
      const d = await runCli(['doctor', '--logs', path, ...more, '--json'], { env: { TZ: 'UTC' } });
      expect(d.code, d.stderr).toBe(0);
      const { generatedAt: _at, ...rest } = JSON.parse(d.stdout);
      return rest;
    };
    const fileDoctor = await doctor(decayDir);
    expect(fileDoctor.rate.verdict).toBe('decay');
    expect(await doctor(`${source}?query=run:${decayRun}`, '--group-by', 'file')).toEqual(fileDoctor);
    const compare = async (a: string, b: string, ...more: string[]) => {
      const c = await logs(['compare', a, b, '--nodes', '4,2', ...more, '--json']);
      expect(c.code, c.stderr).toBe(0);
      return JSON.parse(c.stdout).runs.map(({ dir: _dir, ...run }: { dir: string }) => run);
    };
    const pinoDir = join(FIXTURES, 'pino-ndjson');
    expect(await compare(`${source}?query=run:${decayRun}`, `${source}?query=run:${pinoRun}`, '--group-by', 'file')).toEqual(await compare(decayDir, pinoDir));
  });

  it('bad input: one line naming the problem, exit code 2', async () => {
    const closed = `victorialogs://127.0.0.1:${await freePort()}`;
    const cases: Array<[string[], RegExp]> = [
      [[closed], /cannot reach VictoriaLogs at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/],
      [['victorialogs://'], /victorialogs:\/\/: not a valid address; write victorialogs:\/\/HOST:PORT/],
      [[`${source}/select`], /unexpected path '\/select'/],
      [[`${source}?qeury=x`], /unknown parameter 'qeury'/],
      [[source, '--regex', '(?<=URL )x'], /VictoriaLogs rejected the query: invalid regexp .*error parsing regexp/],
      [[`${source}?query=run:${runId()}`], /no records match run:t\w+\./],
      [[decayDir, '--since', '1h'], /--since\/--until select records on a log engine/],
    ];
    for (const [args, pattern] of cases) {
      const res = await logs(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stdout).toBe('');
      const lines = res.stderr.trimEnd().split('\n');
      expect(lines, res.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^crawl-diag: /);
      expect(lines[0]).toMatch(pattern);
    }
  });
});

describe('victorialogs:// addresses and time bounds', () => {
  it('takes HOST:PORT (9428 when no port), a query, and nothing else', () => {
    expect(parseVictoriaLogsPath('victorialogs://10.0.0.9:9500')).toEqual({ baseUrl: 'http://10.0.0.9:9500', display: 'victorialogs://10.0.0.9:9500', filter: '*' });
    expect(parseVictoriaLogsPath('victorialogs://logs.internal/?query=kind:worker%20node:n1').filter).toBe('kind:worker node:n1');
    expect(parseVictoriaLogsPath('victorialogs://logs.internal').baseUrl).toBe('http://logs.internal:9428');
    expect(parseVictoriaLogsPath('victorialogs://[::1]:9428').baseUrl).toBe('http://[::1]:9428');
    for (const bad of ['victorialogs://h:', 'victorialogs://u:p@h:1', 'victorialogs://h:1#x', 'victorialogs://h:1/path']) {
      expect(() => parseVictoriaLogsPath(bad), bad).toThrow(/write victorialogs:\/\/HOST:PORT/);
    }
  });

  it('--since/--until: ISO times, or durations before now', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(parseTimeBound('--since', '2h', now)).toBe(Date.parse('2026-12-02T10:00:00Z'));
    expect(parseTimeBound('--since', '1d', now)).toBe(Date.parse('2026-12-01T12:00:00Z'));
    expect(parseTimeBound('--until', '2026-12-02T11:30:00Z', now)).toBe(Date.parse('2026-12-02T11:30:00Z'));
    expect(() => parseTimeBound('--since', 'yesterday', now)).toThrow(/--since yesterday: give a time/);
  });
});

describe('series patterns as LogsQL filters', () => {
  it('a text is a substring filter, a regex keeps its flags, a level is the level field', () => {
    const [text, quoted, re, level] = toSeriesSpecs([
      { name: 'a', substring: 'will be crawled' },
      { name: 'b', substring: 'say "hi" \\ now' },
      { name: 'c', regex: /took \d{4,}ms/i },
      { name: 'd', level: 'error' },
    ]);
    expect(seriesFilter(text)).toBe('*"will be crawled"*');
    expect(seriesFilter(quoted)).toBe('*"say \\"hi\\" \\\\ now"*');
    expect(seriesFilter(re)).toBe('~"(?i)took \\\\d{4,}ms"');
    expect(seriesFilter(level)).toBe('level:in("error", "ERROR", "50")');
    const [own] = toSeriesSpecs([{ name: 'own', regex: / - crawl_diag[.\s]|"name":"crawl_diag/, engineFilter: 'name:crawl_diag*' }]);
    expect(seriesFilter(own)).toBe('(name:crawl_diag*)');
  });

  it('a value regex gets its first capturing group named for extract_regexp', () => {
    const [plain, afterNonCapturing, named, inClass] = toSeriesSpecs([
      { name: 'a', regex: String.raw`queue (\d+) (\w+)`, kind: 'gauge' },
      { name: 'b', regex: String.raw`(?:x|y)=(\d+)`, kind: 'gauge' },
      { name: 'c', regex: String.raw`host (?<h>\S+)`, kind: 'key' },
      { name: 'd', regex: String.raw`[(]\((\d+)\)`, kind: 'counter' },
    ]);
    expect(namedFirstGroup(plain)).toBe(String.raw`queue (?P<crawl_diag_value>\d+) (\w+)`);
    expect(namedFirstGroup(afterNonCapturing)).toBe(String.raw`(?:x|y)=(?P<crawl_diag_value>\d+)`);
    expect(namedFirstGroup(named)).toBe(String.raw`host (?P<crawl_diag_value>\S+)`);
    expect(namedFirstGroup(inClass)).toBe(String.raw`[(]\((?P<crawl_diag_value>\d+)\)`);
  });
});
