// `crawl-diag doctor` and `crawl-diag report` end to end through the built binary: recorded crawl logs and an agent
// recording, a live process sampled and profiled, bad input, and the report page in real headless Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../test-support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/run-cli.js';

const FIX = join(import.meta.dirname, 'fixtures');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('crawl-diag doctor', () => {
  it('--json on recorded logs and recording: the schema, findings ranked, the fault named', async () => {
    const r = await runCli(['doctor', '--logs', join(FIX, 'dedup-scan-1', 'logs'), '--profiles', join(FIX, 'dedup-scan-1', 'profiles'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.schema).toBe('crawl-diag/doctor@1');
    expect(out.inputs).toMatchObject({ logs: true, profiles: 'recording' });
    expect(out.findings[0]).toMatchObject({ cause: 'worker-query-slowing', fault: 'dedup-scan' });
    for (const f of out.findings) {
      expect(typeof f.title).toBe('string');
      expect(f.confidence).toBeGreaterThan(0);
      expect(f.evidence.length).toBeGreaterThan(0);
      expect(typeof f.numbers).toBe('object');
    }
  });

  it('terminal output on a healthy run says no decay detected', async () => {
    const r = await runCli(['doctor', '--logs', join(FIX, 'healthy-1', 'logs')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^no decay detected$/m);
    expect(r.stdout).toMatch(/crawl rate \(crawling\): [\d.]+\/s early → [\d.]+\/s late, verdict steady/);
  });

  it('bad input: one clear line and a non-zero exit', async () => {
    const none = await runCli(['doctor']);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe('crawl-diag: give --logs PATH, live processes (--pid, --children-of, --match), --profiles DIR or --crawl-local ARGS to examine');
    const gone = await runCli(['doctor', '--pid', '4194000']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/^crawl-diag: --pid 4194000: no such process/m);
    const dur = await runCli(['doctor', '--logs', join(FIX, 'healthy-1', 'logs'), '--duration', 'soon']);
    expect(dur.code).toBe(2);
    expect(dur.stderr).toMatch(/--duration 'soon' is not a duration/);
    const missing = await runCli(['doctor', '--logs', join(dir, 'nope')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n').pop()).toMatch(/^crawl-diag: .*nope/);
  });

  describe('live process', () => {
    let child: ChildProcess;
    beforeAll(async () => {
      // A Node process that keeps more memory every 200 ms and does some work: what a leaking worker looks like.
      await writeFile(join(dir, 'leaky-worker.cjs'), 'const k=[];setInterval(()=>{const b=Buffer.alloc(3<<20);b.fill(2);k.push(b);let s=0;for(let i=0;i<2e5;i++)s+=i;},200);');
      // --inspect-port=0: SIGUSR1 opens the inspector on a free port, not on 9229, which other tests may hold.
      child = spawn(process.execPath, ['--inspect-port=0', join(dir, 'leaky-worker.cjs')], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 300));
    });
    afterAll(() => {
      child?.kill('SIGKILL');
    });

    it('samples /proc over the window, profiles at its start and end, and finds the memory growth', async () => {
      const r = await runCli(['doctor', '--pid', String(child.pid), '--duration', '6s', '--profile-length', '1s', '--json'], { timeoutMs: 90_000 });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.inputs.processes).toBe(1);
      expect(out.inputs.windowMs).toBeGreaterThanOrEqual(5000);
      expect(out.inputs.profiles, JSON.stringify(out.warnings)).toBe('live');
      const growth = out.findings.find((f: { cause: string }) => f.cause === 'memory-growth');
      expect(growth, r.stdout).toBeDefined();
      expect(growth.title).toContain(`leaky-worker.cjs ${child.pid}`);
    });
  });
});

describe('crawl-diag report', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('writes one offline page that loads without errors, draws its charts, and shows a value on hover', async () => {
    // A real result of `npm run bench -- nodes --nodes 1,2,3 --duration 30 --warmup 8 --scenario politeness-blind`.
    const bench = join(FIX, 'bench-nodes-politeness-blind.json');
    const out = join(dir, 'report.html');
    const r = await runCli(['report', '--logs', join(FIX, 'dedup-scan-1', 'logs'), '--profiles', join(FIX, 'dedup-scan-1', 'profiles'), '--bench', bench, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // everything inline

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (q) => !/^(file|about|data):/.test(q.url()) && requests.push(q.url()));
    await page.goto(`file://${out}`);
    await page.waitForSelector('body[data-charts-drawn]', { timeout: 30_000 });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);

    // Findings first, naming the fault's cause.
    expect(await page.locator('#findings .finding').first().textContent()).toMatch(/worker-side query/);
    // Charts: rate series, per node, postponed ratio, the bench with its USL curve; each a canvas with ink on it.
    const charts = await page.$$eval('.chart', (els) => els.map((e) => e.id));
    expect(charts).toEqual(expect.arrayContaining(['series-0', 'per-node', 'bench-usl']));
    const inked = await page.$$eval('.chart canvas', (cs) =>
      cs.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      }),
    );
    expect(inked.length).toBe(charts.length);
    for (const n of inked) expect(n).toBeGreaterThan(500);
    const shot = await page.screenshot();
    expect(shot.length).toBeGreaterThan(20_000); // a blank PNG of this size compresses to a few KB

    // Hover the crawl-rate chart: uPlot's legend shows the value under the cursor.
    const crawling = await page.$$eval('.chart-box h3', (hs) => hs.findIndex((h) => h.textContent!.startsWith('crawling:')));
    const id = `series-${crawling}`;
    const value = () => page.$eval(`#${id} .u-legend .u-series:nth-child(2) .u-value`, (e) => e.textContent);
    const before = await value();
    const over = (await page.$(`#${id} .u-over`))!;
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await expect.poll(value, { timeout: 5000 }).toMatch(/^\d+\.\d\d$/);
    expect(before).not.toMatch(/^\d/);

    // The bench section: a row per run, and the USL fit behind the curve.
    expect(await page.locator('table.bench tr').count()).toBe(1 + JSON.parse(await readFile(bench, 'utf8')).runs.length);
    expect(await page.locator('#bench .sub').textContent()).toMatch(/^USL fit: σ = [\d.]+, κ = [\d.]+, λ = [\d.]+ pages\/s/);

    // Flame graphs embedded per process kind.
    expect(await page.locator('iframe.flame').count()).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it('marks each node\'s own change points on the per-node chart, in that node\'s colour', async () => {
    // A recorded unindexed-frontier run whose worker processes change rate on their own (the analyzer's detector,
    // run per group); dedup-scan-1 above has none.
    const out = join(dir, 'report-nodes.html');
    const r = await runCli(['report', '--logs', join(FIX, 'unindexed-frontier-1', 'logs'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`file://${out}`);
    await page.waitForSelector('body[data-charts-drawn]', { timeout: 30_000 });
    expect(errors).toEqual([]);
    // Every node's own change points every node's own change points are listed under the chart and drawn as dashed lines
    // in that node's colour; the canvas really carries that colour in the mark's pixel column.
    const perNode = await page.$eval('#per-node', (el) => ({
      drawn: JSON.parse(el.getAttribute('data-marks-drawn') ?? '[]') as Array<{ x: number; top: number; height: number; color: string; kind: string }>,
      listed: [...el.parentElement!.querySelectorAll('ul.marks li.mark-change')].map((li) => li.textContent ?? ''),
    }));
    const changes = perNode.drawn.filter((m) => m.kind === 'change');
    expect(changes.length).toBeGreaterThan(0);
    expect(perNode.listed.length).toBe(changes.length);
    for (const line of perNode.listed) expect(line).toMatch(/^\d\d:\d\d:\d\d \S+: \d+\.\d → \d+\.\d\/s$/);
    // Nodes that change in the same bucket share a column; the mark drawn last there shows.
    const shown = [...new Map(changes.map((m) => [m.x, m])).values()];
    const inkOfMarks = await page.$eval(
      '#per-node canvas',
      (c, marks) => {
        const canvas = c as HTMLCanvasElement;
        const ctx = canvas.getContext('2d')!;
        return marks.map((m) => {
          const want = [1, 3, 5].map((k) => parseInt(m.color.slice(k, k + 2), 16));
          // The column one pixel either side of the mark: the dashed line is 1.5 css px wide.
          let hits = 0;
          for (let dx = -1; dx <= 1; dx++) {
            const d = ctx.getImageData(m.x + dx, m.top, 1, m.height).data;
            for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 100 && want.every((v, k) => Math.abs(d[i + k] - v) <= 40)) hits++;
          }
          return hits;
        });
      },
      shown,
    );
    // Dashes of 5 on 4 off over the plot's height: well over a quarter of the column is the mark's colour.
    for (const [i, hits] of inkOfMarks.entries()) expect(hits, shown[i].label).toBeGreaterThan(shown[i].height / 4);

    expect(await page.locator('#per-node').locator('xpath=..').locator('.sub').textContent()).toMatch(new RegExp(`· ${changes.length} change point\\(s\\) in the nodes' own rates$`));
    await page.close();
  });

  it('refuses a file that is not a bench result, in one line', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"runs": 3}');
    const r = await runCli(['report', '--bench', bad, '--out', join(dir, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^crawl-diag: --bench .*not a crawl-diag\/bench-nodes@1 result/);
  });
});

describe('crawl-diag doctor --crawl-local', () => {
  it('runs a real local crawl on the simulated web to its end, profiled, and examines its logs and recording', async () => {
    const { startSimWeb } = await import('@crawl-diag/simweb');
    const web = await startSimWeb({ seed: 3, sites: 20 });
    try {
      const seeds = join(dir, 'seeds.txt');
      await writeFile(seeds, `${web.seeds.join('\n')}\n`);
      const args = `--seeds ${seeds} --resolve ${web.resolveRule} --supervisors 1 --workers 2 --duration 20s --delay 200 --sqlite ${join(dir, 'crawl.sqlite')} --log-dir ${join(dir, 'logs')} --profile-dir ${join(dir, 'profiles')}`;
      const r = await runCli(['doctor', `--crawl-local=${args}`, '--warmup', '3', '--json'], { timeoutMs: 100_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^crawl finished/m);
      const out = JSON.parse(r.stdout);
      expect(out.schema).toBe('crawl-diag/doctor@1');
      expect(out.inputs).toMatchObject({ logs: true, profiles: 'recording' });
      expect(out.rate.series).toBe('crawling');
      expect(out.rate.perSecEarly).toBeGreaterThan(0);
      expect(r.stderr).toContain(`crawl logs in ${join(dir, 'logs')}, profiles in ${join(dir, 'profiles')}`);
      // A healthy crawler fetches robots.txt once per domain: not a finding.
      expect(out.findings.map((f: { cause: string }) => f.cause)).not.toContain('robots-refetching');
    } finally {
      await web.close();
    }
  }, 120_000);

  it('names robots.txt refetching from the crawler logs alone (the workers log every request they make)', async () => {
    const { startSimWeb } = await import('@crawl-diag/simweb');
    // 100 sites: on 20, two workers drain most sites within the 20 s, and the crawl really concentrates on the few
    // big ones left (effective domains 19 → 5, rate −46%), a second true cause this test is not about.
    const web = await startSimWeb({ seed: 3, sites: 100 });
    try {
      const seeds = join(dir, 'seeds-robots.txt');
      await writeFile(seeds, `${web.seeds.join('\n')}\n`);
      const logs = join(dir, 'logs-robots');
      const args = `--seeds ${seeds} --resolve ${web.resolveRule} --supervisors 1 --workers 2 --duration 20s --delay 200 --sqlite ${join(dir, 'crawl-robots.sqlite')} --log-dir ${logs} --fault robots-no-cache`;
      const r = await runCli(['doctor', `--crawl-local=${args}`, '--warmup', '3', '--json'], { timeoutMs: 100_000 });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.findings[0], JSON.stringify(out.findings.map((f: { cause: string }) => f.cause))).toMatchObject({ cause: 'robots-refetching', fault: 'robots-no-cache' });
      expect(out.findings[0].numbers.robotsPerPage).toBeGreaterThan(0.5);
    } finally {
      await web.close();
    }
  }, 120_000);

  it('refuses a crawl without --duration, in one line', async () => {
    const r = await runCli(['doctor', '--crawl-local=--seeds x.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^crawl-diag: --crawl-local needs --duration/);
  });
});
