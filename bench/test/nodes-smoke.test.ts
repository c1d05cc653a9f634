// End to end through the real command: `npm run bench -- nodes` with 1 and 2 nodes for 15 s each crawls the
// simulated web with real `crawl-diag crawl local` processes and writes a result per the `crawl-diag/bench-nodes@1`
// contract (DESIGN.md). 8 s runs fetched almost nothing at 1 node on a loaded machine (starting the processes takes
// seconds there). Needs the build (`npx tsc -b`), like the CLI's end-to-end tests.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from './support/run-bench.js';

const VERDICTS = ['decay', 'steady', 'growth', 'insufficient-data'];

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('bench nodes', () => {
  it('crawls with 1 and 2 nodes and writes a contract result', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bench-nodes-test-'));
    dirs.push(out);
    const r = await runBench(['nodes', '--nodes', '1,2', '--duration', '15', '--warmup', '3', '--bucket', '1', '--out', out], 150_000);
    expect(r.stderr).toMatch(/healthy\/sqlite 1 node\(s\): \d+ pages fetched/);
    expect(r.stderr).toMatch(/healthy\/sqlite 2 node\(s\): \d+ pages fetched/);
    expect(r.code).toBe(0);
    const result = JSON.parse(await readFile(join(out, 'healthy-sqlite.json'), 'utf8'));
    expect(result.schema).toBe('crawl-diag/bench-nodes@1');
    expect(result.scenario).toBe('healthy');
    expect(result.store).toBe('sqlite');
    expect(result.machine.cores).toBeGreaterThanOrEqual(1);
    expect(result.machine.node).toBe(process.version);
    expect(result.runs.map((x: { nodes: number }) => x.nodes)).toEqual([1, 2]);
    for (const run of result.runs) {
      expect(run.pagesPerSec).toBeGreaterThan(0);
      expect(run.totals.crawled).toBeGreaterThan(0);
      expect(VERDICTS).toContain(run.trend.verdict);
      expect(Object.keys(run.perNode)).toHaveLength(run.nodes);
      // The machine's busy share over the window, from /proc/stat: a crawl of 3+ processes keeps it above zero.
      expect(run.cpu.machineBusy).toBeGreaterThan(0);
      expect(run.cpu.machineBusy).toBeLessThanOrEqual(1);
      expect(run.cpu.storeServer).toBeUndefined(); // SQLite: no server
    }
    for (const key of ['sigma', 'kappa', 'peakNodes']) expect(result.usl).toHaveProperty(key);
    expect(typeof result.usl.sigma).toBe('number');
    const html = await readFile(join(out, 'healthy-sqlite.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(r.stdout).toContain('pages/s against nodes');
  }, 180_000);

  it('rejects a bad node list with one clear line and exit code 2', async () => {
    const r = await runBench(['nodes', '--nodes', '0,x'], 30_000);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("bench: --nodes must be a comma-separated list of whole numbers ≥ 1 (e.g. 1,2,4,8), got '0,x'");
  });

  it('names an unknown scenario and lists the known ones', async () => {
    const r = await runBench(['nodes', '--scenario', 'nope'], 30_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--scenario 'nope' is not a scenario; choose one of healthy, .*domain-order/);
  });
});
