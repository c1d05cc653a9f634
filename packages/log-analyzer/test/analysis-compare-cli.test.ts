// `crawl-diag logs compare` end to end: generated run directories (real log files in Python logging format, one
// file per node), the real binary in a child process, its terminal output and its crawl-diag/compare@1 JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../test-support/run-cli.js';
import { uslThroughput } from '../src/analysis/usl.js';
import { seededRandom } from './analysis-generators.js';

const START = Date.parse('2026-01-01T10:00:00Z');
const MINUTES = 30;
const USL = { sigma: 0.1, kappa: 0.02, lambda: 2 }; // lines per second per node at N = 1; peak at sqrt(0.9/0.02) = 6.7

let root: string;

function stamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},${pad(d.getUTCMilliseconds(), 3)}`;
}

/** One run directory: `nodes` crawler logs whose total rate follows the USL, decaying by `drop` over the run. */
function writeRun(name: string, nodes: number, drop: number, seed: number): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const rng = seededRandom(seed);
  const perNode = uslThroughput(nodes, USL) / nodes;
  const span = MINUTES * 60_000;
  for (let g = 1; g <= nodes; g++) {
    const lines: string[] = [];
    let page = 0;
    // Thinning of a Poisson process: rate perNode·(1 − drop·t/span) per second.
    for (let t = 0; t < span; t += (-Math.log(1 - rng.uniform()) / perNode) * 1000) {
      if (rng.uniform() > 1 - (drop * t) / span) continue;
      const url = `http://site-${g}.test/page-${page++}`;
      lines.push(`${stamp(START + t)} - crawlers.web.multi_worker_web_crawler - DEBUG - The URL '${url}' will be crawled.`);
      lines.push(`${stamp(START + t + 1)} - crawlers.web.standalone_web_crawler - DEBUG - Crawling URL '${url}'.`);
    }
    writeFileSync(join(dir, `crawler-${g}.log`), lines.join('\n') + '\n');
  }
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'crawl-diag-compare-'));
  writeRun('nodes-1', 1, 0, 4);
  writeRun('nodes-2', 2, 0, 1);
  writeRun('nodes-4', 4, 0.1, 2);
  writeRun('nodes-8', 8, 0.45, 3);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('crawl-diag logs compare', () => {
  it('prints crawl-diag/compare@1 JSON: throughput per run, efficiency, decay with nodes, USL fit', async () => {
    const r = await runCli(['logs', 'compare', 'nodes-1', 'nodes-2', 'nodes-4', 'nodes-8', '--json', '--tz', 'UTC'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.schema).toBe('crawl-diag/compare@1');
    expect(report.series).toBe('crawling');
    expect(report.runs.map((x: { nodes: number; nodesFrom: string }) => [x.nodes, x.nodesFrom])).toEqual([[1, 'groups'], [2, 'groups'], [4, 'groups'], [8, 'groups']]);
    // Throughput over the first third of each run: the decaying 8-node run is measured early, near its USL value.
    expect(report.windowMs).toBe(10 * 60_000);
    for (const run of report.runs) {
      const expected = uslThroughput(run.nodes, USL);
      expect(run.throughput).toBeGreaterThan(expected * 0.85);
      expect(run.throughput).toBeLessThan(expected * 1.15);
      expect(Object.keys(run.perNode)).toHaveLength(run.nodes);
    }
    expect(report.runs[0].efficiency).toBe(1);
    expect(report.runs[3].efficiency).toBeLessThan(0.5);
    expect(report.runs[0].trend.verdict).toBe('steady');
    expect(report.runs[3].trend.verdict).toBe('decay');
    expect(report.scaling.decayWithNodes).toBe('stronger');
    expect(report.usl.sigma).toBeGreaterThanOrEqual(0);
    expect(report.usl.kappa).toBeGreaterThan(0);
    expect(report.usl.peakNodes).toBeGreaterThan(3);
    expect(report.usl.peakNodes).toBeLessThan(12);
    expect(report.usl.intervals.level).toBe(0.95);
    expect(report.usl.intervals.kappa[0]).toBeLessThanOrEqual(report.usl.kappa);
    expect(report.usl.intervals.kappa[1]).toBeGreaterThanOrEqual(report.usl.kappa);
  }, 120_000);

  it('takes node counts from --nodes and draws the chart in the terminal view', async () => {
    const r = await runCli(['logs', 'compare', 'nodes-2', 'nodes-4', 'nodes-8', '--nodes', '2,4,8', '--tz', 'UTC', '--width', '80'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Throughput of 'crawling' over the first \d+ min of each run/);
    expect(r.stdout).toMatch(/nodes-8\s+8\s/);
    expect(r.stdout).toMatch(/Decay with more nodes: stronger/);
    expect(r.stdout).toMatch(/USL fit: sigma \d\.\d{4}/);
    expect(r.stdout).toMatch(/[┼┤]/);
  }, 120_000);

  it('two runs: no USL fit, and says why', async () => {
    const r = await runCli(['logs', 'compare', 'nodes-2', 'nodes-4', '--tz', 'UTC'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('USL fit skipped: needs 3 or more node counts, got 2');
  }, 120_000);

  it('rejects a --nodes list that does not match the runs, with one line and exit 2', async () => {
    const bad = await runCli(['logs', 'compare', 'nodes-2', 'nodes-4', '--nodes', '2,4,8'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('crawl-diag: --nodes 2,4,8: 3 node count(s) for 2 run(s); give one per run, in order.\n');
  }, 120_000);

  it('rejects a missing run, a run too short to measure and an unknown series, with one line and exit 2', async () => {
    const missing = await runCli(['logs', 'compare', 'nodes-2', 'no-such-run'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no-such-run');
    writeFileSync(join(root, 'one-line.log'), `${stamp(START)} - crawler - DEBUG - Crawling URL 'http://a.test/'.\n`);
    const tiny = await runCli(['logs', 'compare', 'nodes-2', 'one-line.log', '--tz', 'UTC'], { cwd: root });
    expect(tiny.code).toBe(2);
    expect(tiny.stderr).toMatch(/^crawl-diag: one-line\.log: the run spans only \d full bucket\(s\) of \d+ s; a run needs 5 or more/);
    const series = await runCli(['logs', 'compare', 'nodes-2', 'nodes-4', '--series', 'nope'], { cwd: root });
    expect(series.code).toBe(2);
    expect(series.stderr).toMatch(/--series nope: no such series; the series are 'will be crawled', 'crawling'/);
  }, 120_000);
});
