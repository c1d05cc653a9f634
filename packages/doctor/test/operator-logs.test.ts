// The logs an operator actually brings, made from real runs in fixtures/logs/real/: Scrapy at LOG_LEVEL=INFO, a log
// rotated into .2.gz / .1 / the live file, and a directory holding no crawler's log at all.
// Scrapy at LOG_LEVEL=INFO writes the records of the same run less its DEBUG ones (logging's level filter drops
// whole records; the multi-line stats dump is INFO), so the INFO log of a real DEBUG run is that log without its
// DEBUG records: no `Crawled (200) <GET …>` or `Retrying …` lines, only LogStats, errors and INFO.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/run-cli.js';
import { gatherEvidence } from '../src/collect/evidence.js';
import { diagnose, formatDoctor } from '../src/explain.js';
import { renderReport } from '../src/report-html.js';

const REAL = join(import.meta.dirname, '../../../fixtures/logs/real');
const RECORD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[/;

/** The log without its DEBUG records (a continuation line goes with the record it continues). */
function atInfo(log: string): string {
  let keep = true;
  return log
    .split('\n')
    .filter((line) => {
      if (RECORD.test(line)) keep = !line.includes('] DEBUG: ');
      return keep;
    })
    .join('\n');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-operator-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function doctorOnText(name: string, text: string) {
  const path = join(dir, name);
  await writeFile(path, text);
  return diagnose(await gatherEvidence({ logs: [path] }));
}

describe('Scrapy at LOG_LEVEL=INFO', () => {
  it('a crawl throttled by 429s: the rate from LogStats, the cause from the give-ups Scrapy logs at ERROR', async () => {
    const info = atInfo(await readFile(join(REAL, 'scrapy-rising-429/scrapy.log'), 'utf8'));
    expect(info).not.toMatch(/\] DEBUG: /);
    const r = await doctorOnText('scrapy-info-429.log', info);
    expect(r.rate?.series).toBe('pages (LogStats)');
    expect(r.rate?.verdict).toBe('decay');
    expect(r.findings[0]?.cause, r.findings.map((f) => f.summary).join('\n')).toBe('web-pushback');
    expect(r.findings[0].summary).toMatch(/given up on 429\/503 per page [\d.]+ → [\d.]+/);
    expect(r.findings[0].numbers.gaveUpRefusedPerPageLate!).toBeGreaterThan(r.findings[0].numbers.gaveUpRefusedPerPageEarly! * 2);
  });

  it('the report draws the give-ups on 429/503 over time, the one trace of the refusals at INFO', async () => {
    const path = join(dir, 'scrapy-info-429-report.log');
    await writeFile(path, atInfo(await readFile(join(REAL, 'scrapy-rising-429/scrapy.log'), 'utf8')));
    const e = await gatherEvidence({ logs: [path] });
    const html = renderReport({ doctor: diagnose(e), logs: e.logs });
    const charts = JSON.parse(/<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(html)![1]) as Array<{ id: string; series: Array<{ label: string; values: Array<number | null> }> }>;
    const pushback = charts.find((c) => c.id === 'pushback');
    const refused = pushback?.series.find((x) => x.label === 'given up on 429/503 per page');
    expect(refused, JSON.stringify(pushback?.series.map((x) => x.label))).toBeDefined();
    expect(refused!.values.some((v) => v !== null && v > 0)).toBe(true);
  });

  it('a crawl whose domains run dry: no URLs at INFO, so the decay is unexplained and says which level shows them', async () => {
    const r = await doctorOnText('scrapy-info-concentration.log', atInfo(await readFile(join(REAL, 'scrapy-concentration/scrapy.log'), 'utf8')));
    expect(r.rate?.verdict).toBe('decay');
    expect(r.findings.map((f) => f.cause)).toEqual(['decay-unexplained']);
    expect(r.findings[0].summary).toContain('LOG_LEVEL=DEBUG');
  });

  it('the steady control stays without findings', async () => {
    const r = await doctorOnText('scrapy-info-steady.log', atInfo(await readFile(join(REAL, 'scrapy-steady/scrapy.log'), 'utf8')));
    expect(r.noDecay, r.headline).toBe(true);
    expect(r.findings).toEqual([]);
  });
});

describe('too little to judge', () => {
  it('the first 80 s of a Scrapy log at INFO: no verdict, never "no decay detected"', async () => {
    const info = atInfo(await readFile(join(REAL, 'scrapy-slowing/scrapy.log'), 'utf8')).split('\n');
    const start = Date.parse(info.find((l) => RECORD.test(l))!.slice(0, 19).replace(' ', 'T') + 'Z');
    const first80 = info.filter((l) => !RECORD.test(l) || Date.parse(l.slice(0, 19).replace(' ', 'T') + 'Z') < start + 80_000);
    const path = join(dir, 'scrapy-info-80s.log');
    await writeFile(path, first80.join('\n'));
    const r = diagnose(await gatherEvidence({ logs: [path] }));
    expect(r.rate?.verdict).toBe('insufficient-data');
    expect(r.noDecay).toBe(false);
    expect(r.headline).toMatch(/^too little data to judge the crawl rate \(\d+ pages in a judged window of \d+ s; 'pages \(LogStats\)' is a running total/);
    const text = formatDoctor(r);
    expect(text).not.toContain('no decay detected');
    expect(text).toContain('no verdict: too little data');
  });
});

describe('a short log whose statistics lines are slower than its page lines', () => {
  it("the first 120 s of a Scrapy step: the rate judged on its page lines' own resolution, not on LogStats' 10 s", async () => {
    // The latency doubles at 75 s. LogStats every 10 s set the report's bucket to 10 s: 9 buckets in the judged
    // window, too few for a verdict, although there is a `Crawled (200)` line per page.
    const lines = (await readFile(join(REAL, 'scrapy-step/scrapy.log'), 'utf8')).split('\n');
    const start = Date.parse(lines.find((l) => RECORD.test(l))!.slice(0, 19).replace(' ', 'T') + 'Z');
    const first = lines.filter((l) => !RECORD.test(l) || Date.parse(l.slice(0, 19).replace(' ', 'T') + 'Z') < start + 120_000);
    const path = join(dir, 'scrapy-step-120s.log');
    await writeFile(path, first.join('\n'));
    const e = await gatherEvidence({ logs: [path] });
    expect(e.logs!.signals.bucketMs).toBe(10_000);
    const rate = e.logs!.signals.rate;
    expect(rate.series).toBe('crawled (scrapy)');
    expect(rate.judgedBucketMs).toBeLessThan(10_000);
    expect(rate.verdict).toBe('decay');
    expect(rate.perSecLate).toBeLessThan(rate.perSecEarly * 0.8);
    expect(diagnose(e).rate?.judgedBucketMs).toBe(rate.judgedBucketMs);
    // At INFO the same 120 s has only the LogStats totals: still too little, as before.
    await writeFile(join(dir, 'scrapy-step-120s-info.log'), atInfo(first.join('\n')));
    expect((await gatherEvidence({ logs: [join(dir, 'scrapy-step-120s-info.log')] })).logs!.signals.rate.verdict).toBe('insufficient-data');
  });
});

describe('a rotated log', () => {
  it('scrapy.log.2.gz, scrapy.log.1 and scrapy.log read as one crawl, as the whole log is', async () => {
    const whole = await readFile(join(REAL, 'scrapy-rising-429/scrapy.log'), 'utf8');
    const lines = whole.split('\n');
    // Cut at record starts, as logging's rotation does.
    const cut = (i: number) => {
      while (!RECORD.test(lines[i])) i++;
      return i;
    };
    const [a, b] = [cut(Math.floor(lines.length / 3)), cut(Math.floor((2 * lines.length) / 3))];
    const rot = join(dir, 'rotated');
    await mkdir(rot);
    await writeFile(join(rot, 'scrapy.log.2.gz'), gzipSync(lines.slice(0, a).join('\n') + '\n'));
    await writeFile(join(rot, 'scrapy.log.1'), lines.slice(a, b).join('\n') + '\n');
    await writeFile(join(rot, 'scrapy.log'), lines.slice(b).join('\n'));
    const parts = diagnose(await gatherEvidence({ logs: [rot] }));
    const one = diagnose(await gatherEvidence({ logs: [join(REAL, 'scrapy-rising-429/scrapy.log')] }));
    expect(parts.rate?.verdict).toBe('decay');
    expect(parts.rate?.verdict).toBe(one.rate?.verdict);
    expect(parts.findings[0]?.cause).toBe('web-pushback');
    expect(parts.findings[0]?.cause).toBe(one.findings[0]?.cause);
  });
});

describe('no crawler log', () => {
  it('a directory with an application log, notes and binary: exit 2, saying what the doctor reads', async () => {
    const junk = join(dir, 'junk');
    await mkdir(junk);
    await writeFile(join(junk, 'app.log'), '2026-12-02 06:00:00 INFO service started\n2026-12-02 06:00:01 INFO listening on 8080\n');
    await writeFile(join(junk, 'notes.txt'), 'nothing here\n');
    await writeFile(join(junk, 'core.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 97) % 256)));
    const r = await runCli(['doctor', '--logs', junk]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no crawler's page lines/);
    expect(r.stderr).toMatch(/--crawler/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('the same with --crawler scrapy given: exit 2, not a crawl rate of zero', async () => {
    const junk = join(dir, 'junk-given');
    await mkdir(junk);
    await writeFile(join(junk, 'app.log'), '2026-12-02 06:00:00 INFO service started\n2026-12-02 06:00:01 INFO listening on 8080\n');
    const r = await runCli(['doctor', '--logs', junk, '--crawler', 'scrapy']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/none of scrapy's page lines, nor any other crawler's/);
  });

  it('a directory with nothing readable: exit 2 with the same advice', async () => {
    const bin = join(dir, 'binary');
    await mkdir(bin);
    await writeFile(join(bin, 'x.log'), Buffer.alloc(8192, 0));
    const r = await runCli(['doctor', '--logs', bin]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the doctor reads a crawler's own log/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
