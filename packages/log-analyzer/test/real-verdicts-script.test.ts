// scripts/real-verdicts.mjs, the scorer of held-out real runs: run as a child process on real fixtures (runs of
// `npm run bench -- real`), its scores follow the rules of logs-real-verdicts.test.ts, and bad input says so.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './independent-count.js';

const run = promisify(execFile);
const SCRIPT = join(REPO, 'packages', 'log-analyzer', 'scripts', 'real-verdicts.mjs');
const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-real-verdicts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/real-verdicts.mjs', () => {
  it('scores every rate series and the crawl rate against truth.json', async () => {
    const out = join(dir, 'scores.json');
    const runs = ['crawl-diag-rising-429', 'scrapy-steady'].map((d) => join(REPO, 'fixtures', 'logs', 'real', d));
    const { stdout } = await run(process.execPath, [SCRIPT, '--json', out, ...runs], { cwd: REPO });
    const scores = JSON.parse(readFileSync(out, 'utf8'));
    const byRun = Object.fromEntries(scores.rows.map((r: { run: string }) => [r.run, r]));
    // Our crawler logs every attempt: its `crawling` series holds while the pages fall (a miss), the crawl rate
    // takes the refused fetches off and is the decay.
    const rising = byRun['crawl-diag-rising-429'];
    expect(rising.series.find((s: { name: string }) => s.name === 'crawling')).toMatchObject({ verdict: 'steady', right: false });
    expect(rising.crawlRate).toMatchObject({ verdict: 'decay', right: true });
    expect(byRun['scrapy-steady'].series.every((s: { right: boolean }) => s.right)).toBe(true);
    const { summary } = scores;
    expect(summary.runs).toBe(2);
    expect(stdout).toContain(`rate series right ${summary.seriesRight}/${summary.series}; runs with every rate series right ${summary.runsAllSeriesRight}/2; crawl rate right 2/2`);
    expect(stdout).toMatch(/crawl-diag-rising-429 .*crawling: MISS steady/);
  });

  it('without a directory: its usage and exit 2; a directory that is no run: skipped, said on stderr', async () => {
    await expect(run(process.execPath, [SCRIPT])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: real-verdicts.mjs') });
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, dir]);
    expect(stderr).toContain('no truth.json, skipped');
    expect(stdout).toContain('rate series right 0/0; runs with every rate series right 0/0; crawl rate right 0/0');
  });
});
