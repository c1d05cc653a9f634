// The kernel's whole-record scan (kernel-scanner.ts, `scan` in kernel.wat) against the JavaScript line scanner and
// an independent count: the same counts per slot, lines, unparsed lines, NUL bytes and time span, on generated logs
// of the three fixed-layout formats with everything that makes the classification hard (tracebacks, exception
// lines, garbage, NUL runs, CRLF, blank lines, stamps that do not parse, lines out of order across hours, a DST
// change in a named zone, ISO zones and fractions), cut into chunks at random line boundaries.
import { describe, expect, it } from 'vitest';
import { createFormat } from '../src/formats/registry.js';
import { NaiveTimeConverter } from '../src/formats/timezone.js';
import type { FormatName } from '../src/formats/types.js';
import { EventCounts } from '../src/scanner/event-counts.js';
import { KernelScanner, kernelScannable } from '../src/scanner/kernel-scanner.js';
import { LineScanner } from '../src/scanner/line-scanner.js';
import type { ChunkScanner } from '../src/scanner/chunk-scanner.js';
import { toSeriesSpecs, type SeriesPattern } from '../src/series.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 2 ** 32;
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
/** Wall-clock fields of a UTC instant (used as naive stamps; the zone decides what they mean). */
function fields(ms: number): { date: string; time: string; millis: string } {
  const d = new Date(ms);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    millis: pad(d.getUTCMilliseconds(), 3),
  };
}

const MESSAGES = ["The URL 'http://a.example/x' will be crawled.", "Crawling URL 'http://a.example/x'", "The URL 'http://b.example/' was postponed.", 'Starting new HTTP connection (1): a.example:80', 'robots.txt fetched'];
const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];

function stampLine(format: FormatName, ms: number, level: string, message: string, r: () => number): string {
  const f = fields(ms);
  if (format === 'python-logging') return `${f.date} ${f.time}${r() < 0.5 ? ',' : '.'}${f.millis} - crawlers.web - ${level} - ${message}`;
  if (format === 'scrapy') return `${f.date} ${f.time} [scrapy.core.engine] ${level}: ${message}`;
  const zones = ['', 'Z', '+02:00', '-0530', '+01', '+0a'];
  const frac = ['', `.${f.millis}`, `,${f.millis.slice(0, 1)}`, `.${f.millis}123`];
  return `${f.date}${r() < 0.5 ? 'T' : ' '}${f.time}${frac[Math.floor(r() * frac.length)]}${zones[Math.floor(r() * zones.length)]} ${r() < 0.5 ? `[${level}]` : `${level}:`} ${message}`;
}

/** A log of `n` lines in `format`, starting at `startMs`, seconds apart with jitter that runs backwards across hours. */
function makeLog(format: FormatName, n: number, seed: number, startMs: number): Buffer {
  const r = rng(seed);
  const parts: Buffer[] = [];
  let t = startMs;
  for (let i = 0; i < n; i++) {
    t += Math.floor(r() * 4000);
    const jitter = r() < 0.02 ? -Math.floor(r() * 5_400_000) : 0; // now and then a line from up to 90 min before
    const x = r();
    let line: string;
    if (x < 0.75) line = stampLine(format, t + jitter, LEVELS[Math.floor(r() * LEVELS.length)], MESSAGES[Math.floor(r() * MESSAGES.length)], r);
    else if (x < 0.8) line = 'Traceback (most recent call last):';
    else if (x < 0.84) line = `  File "crawler.py", line ${i}, in fetch will be crawled`;
    else if (x < 0.86) line = r() < 0.5 ? 'requests.exceptions.ConnectionError: will be crawled' : 'ErrorHandler: not an exception line will be crawled';
    else if (x < 0.88) line = r() < 0.5 ? 'During handling of the above exception, another exception occurred:' : 'foo.bar.Exception.x: Crawling URL';
    else if (x < 0.9) line = '';
    else if (x < 0.93) line = `garbage ${i} Crawling URL \u0001\u0002`;
    else if (x < 0.95) line = stampLine(format, t, 'INFO', MESSAGES[0], r).replace(/:(\d\d):/, ':9$1:'); // minutes do not parse
    else if (x < 0.97) line = `${stampLine(format, t, 'ERROR', MESSAGES[1], r)}\u0000\u0000\u0000${stampLine(format, t + 1, 'DEBUG', MESSAGES[0], r)}`;
    else line = `${stampLine(format, t, 'INFO', MESSAGES[2], r)}\r`;
    parts.push(Buffer.from(line + '\n', 'latin1'));
    if (r() < 0.005) parts.push(Buffer.alloc(1 + Math.floor(r() * 40))); // a NUL run between lines
  }
  return Buffer.concat(parts);
}

const SERIES: SeriesPattern[] = [
  { name: 'crawled', substring: 'will be crawled' },
  { name: 'crawling', substring: 'Crawling URL' },
  { name: 'postponed', substring: 'was postponed' },
  { name: 'errors', level: 'ERROR' },
  { name: 'warnings', level: 'WARNING' },
];

function scanAll(kind: 'kernel' | 'line', format: FormatName, zone: string, log: Buffer, cuts: number[], resolutionMs: number, patterns = SERIES) {
  const naive = new NaiveTimeConverter(zone);
  const f = createFormat(format, { naive, referenceMs: 0 });
  const series = toSeriesSpecs(patterns);
  const counts = new EventCounts(resolutionMs, series.length);
  const scanner: ChunkScanner =
    kind === 'kernel' ? new KernelScanner({ format: f, series, counts, group: 'g', naive }) : new LineScanner({ format: f, series, counts, group: 'g' });
  let from = 0;
  for (const cut of [...cuts, log.length]) {
    // A chunk inside a bigger buffer, as the reader hands them out.
    const buf = Buffer.concat([Buffer.from('xx\n'), log.subarray(from, cut), Buffer.from('2016-01-01 00:00:00,000 - tail')]);
    scanner.scan(buf, 3, 3 + cut - from);
    from = cut;
  }
  const slots: Record<string, number[]> = {};
  const g = counts.data.groups.get('g');
  series.forEach((s, i) => {
    const out: number[] = [];
    for (const [chunk, arr] of [...(g?.series[i] ?? new Map())].sort((a, b) => a[0] - b[0])) {
      arr.forEach((c: number, k: number) => {
        if (c) out.push(chunk * 3600 + k, c);
      });
    }
    slots[s.name] = out;
  });
  return { lines: scanner.lines, unparsed: scanner.unparsed, nulBytes: scanner.nulBytes, first: scanner.firstTime, last: scanner.lastTime, span: g && [g.first, g.last], slots };
}

/** Line boundaries to cut at: after random newlines (and once right after a NUL run). */
function cutsOf(log: Buffer, seed: number): number[] {
  const r = rng(seed);
  const cuts: number[] = [];
  for (let at = Math.floor(r() * 20_000); at < log.length; at += 1 + Math.floor(r() * 60_000)) {
    const nl = log.indexOf(10, at);
    if (nl < 0) break;
    if (!cuts.length || nl + 1 > cuts[cuts.length - 1]) cuts.push(nl + 1);
    at = nl;
  }
  return cuts;
}

describe('the kernel whole-record scan', () => {
  it('applies to fixed-layout formats with literal series only', () => {
    const ctx = { naive: new NaiveTimeConverter('UTC'), referenceMs: 0 };
    expect(kernelScannable(createFormat('python-logging', ctx), toSeriesSpecs(SERIES))).toBe(true);
    expect(kernelScannable(createFormat('pino', ctx), toSeriesSpecs(SERIES))).toBe(false);
    expect(kernelScannable(createFormat('scrapy', ctx), toSeriesSpecs([...SERIES, { name: 'r', regex: 'x+' }]))).toBe(false);
  });

  for (const [format, zone] of [
    ['python-logging', 'UTC'],
    ['python-logging', 'Europe/Paris'],
    ['scrapy', 'UTC'],
    ['scrapy', 'America/New_York'],
    ['iso8601', 'UTC'],
    ['iso8601', 'Europe/Paris'],
  ] as const) {
    it(`counts what the line scanner counts: ${format}, ${zone}`, () => {
      // Across the end of daylight saving time in Europe (2016-10-30) and in the US (2016-11-06).
      const log = makeLog(format, 40_000, format.length * 7 + zone.length, Date.UTC(2016, 9, 29, 20, 0, 0));
      const cuts = cutsOf(log, zone.length);
      // 3 texts (the kernel keeps up to 4 needles in registers) and all 5 series (levels: more needles than that).
      for (const [resolutionMs, patterns] of [[1000, SERIES], [60_000, SERIES.slice(0, 3)], [7000, SERIES]] as const) {
        const kernel = scanAll('kernel', format, zone, log, cuts, resolutionMs, patterns);
        const line = scanAll('line', format, zone, log, cuts, resolutionMs, patterns);
        expect(kernel).toEqual(line);
        expect(kernel.nulBytes).toBeGreaterThan(0);
        expect(kernel.unparsed).toBeGreaterThan(0);
      }
    });
  }

  it('counts what an independent count finds in a plain Python log', () => {
    const lines: string[] = [];
    const expected = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const t = Date.UTC(2016, 11, 20, 23, 0, 0) + i * 431;
      const crawled = i % 3 === 0;
      const f = fields(t);
      lines.push(`${f.date} ${f.time},${f.millis} - crawlers - DEBUG - ${crawled ? "The URL 'x' will be crawled." : 'other'}`);
      if (crawled) expected.set(Math.floor(t / 60_000), (expected.get(Math.floor(t / 60_000)) ?? 0) + 1);
    }
    const log = Buffer.from(lines.join('\n') + '\n');
    const got = scanAll('kernel', 'python-logging', 'UTC', log, cutsOf(log, 3), 60_000).slots.crawled;
    const want: number[] = [];
    for (const [slot, c] of [...expected].sort((a, b) => a[0] - b[0])) want.push(slot, c);
    expect(got).toEqual(want);
  });
});
