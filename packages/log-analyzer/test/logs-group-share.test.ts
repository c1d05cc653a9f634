// Each group's share of the total over time, end to end through the binary: in the JSON (`groups[g].share`) and as
// the share table under the verdicts. Checked against shares computed here from the fixture's lines.
import { describe, expect, it } from 'vitest';
import { fixtureLines, perMinute } from './independent-count.js';
import { logs, logsJson, series } from './logs-cli.js';

const DIR = 'fixtures/logs/python-3-nodes-share';
const NODES = ['node-1.log', 'node-2.log', 'node-3.log'];

describe('crawl-diag logs: group shares', () => {
  it("gives each node's share early and late, and per bucket; node-3's share falls", async () => {
    const report = await logsJson([DIR, '--line', 'will be crawled', '--bucket', '1m']);
    const s = series(report, 'will be crawled');
    const start = Date.parse(report.start);
    const minute = (b: number): string => new Date(start + b * 60_000).toISOString();
    const counts = Object.fromEntries(NODES.map((n) => [n, perMinute(fixtureLines(`python-3-nodes-share/${n}`), 'will be crawled')]));
    const at = (n: string, b: number): number => counts[n].get(minute(b)) ?? 0;
    const total = (b: number): number => NODES.reduce((a, n) => a + at(n, b), 0);
    const window = Math.max(3, Math.round(report.buckets / 10));
    const over = (n: string, from: number, to: number): number => {
      let g = 0;
      let t = 0;
      for (let b = from; b < to; b++) {
        g += at(n, b);
        t += total(b);
      }
      return g / t;
    };
    for (const n of NODES) {
      const share = s.groups[n].share!;
      expect(share.start).toBeCloseTo(over(n, 0, window), 12);
      expect(share.end).toBeCloseTo(over(n, report.buckets - window, report.buckets), 12);
      share.perBucket.forEach((x, b) => expect([b, x]).toEqual([b, total(b) === 0 ? null : at(n, b) / total(b)]));
    }
    // Ground truth: node-3 falls from 12 to 3 per minute while the others stay at 12 (a third -> a ninth).
    expect(s.groups['node-3.log'].share!.start!).toBeGreaterThan(0.25);
    expect(s.groups['node-3.log'].share!.end!).toBeLessThan(0.15);

    const text = await logs([DIR, '--line', 'will be crawled', '--bucket', '1m']);
    expect(text.code, text.stderr).toBe(0);
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    const share3 = s.groups['node-3.log'].share!;
    expect(text.stdout).toMatch(/share of total\s+early\s+late\s+change/);
    expect(text.stdout).toContain(`  node-3.log     ${pct(share3.start!)}   ${pct(share3.end!)}`);
    expect(text.stdout).toMatch(/node-3\.log .* falls$/m);
    expect(text.stdout).not.toMatch(/node-1\.log .* falls$/m);
  });

  it('prints no share table and no share field for a single group', async () => {
    const report = await logsJson(['fixtures/logs/python-steady']);
    expect(Object.values(report.series[0].groups)[0].share).toBeUndefined();
    const text = await logs(['fixtures/logs/python-steady']);
    expect(text.stdout).not.toMatch(/share of total/);
  });
});
