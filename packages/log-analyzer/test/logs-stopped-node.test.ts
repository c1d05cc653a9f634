// A node that stops logging is its own finding, distinct from everyone slowing down: end to end through the binary.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/run-cli.js';

const START = Date.UTC(2016, 11, 20, 14, 0, 0);

/** Python-logging lines, `perMinute` "will be crawled" lines a minute from START for `minutes` minutes. */
function pythonLog(perMinute: number, minutes: number): string {
  const lines: string[] = [];
  for (let m = 0; m < minutes; m++) {
    for (let k = 0; k < perMinute; k++) {
      const t = new Date(START + m * 60_000 + Math.floor((k * 60_000) / perMinute) + 137);
      const stamp = t.toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
      lines.push(`${stamp} - crawlers.web.multi_worker_web_crawler - DEBUG - The URL 'http://www.perdu.com/${m}/${k}' will be crawled.`);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('crawl-diag logs: a node that stopped', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crawl-diag-stopped-'));
    await writeFile(join(dir, 'crawler-1.log'), pythonLog(12, 60));
    await writeFile(join(dir, 'crawler-2.log'), pythonLog(12, 60));
    await writeFile(join(dir, 'crawler-3.log'), pythonLog(12, 32));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the stopped node and when it stopped, and only that node', async () => {
    const r = await runCli(['logs', dir, '--line', 'will be crawled', '--tz', 'UTC', '--bucket', '1m', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const series = JSON.parse(r.stdout).series[0];
    expect(series.stoppedGroups.map((s: { group: string }) => s.group)).toEqual(['crawler-3.log']);
    expect(series.stoppedGroups[0].lastEventAt).toBe('2016-12-20T14:32:00.000Z');
    expect(series.stoppedGroups[0].rateBefore).toBeCloseTo(12, 0);

    const text = await runCli(['logs', dir, '--line', 'will be crawled', '--tz', 'UTC', '--bucket', '1m']);
    expect(text.stdout).toMatch(/stopped: crawler-3\.log: no lines after 2016-12-20 14:32/);
  });

  it('reports no stopped node when every node runs to the end', async () => {
    const r = await runCli(['logs', join(dir, 'crawler-1.log'), join(dir, 'crawler-2.log'), '--line', 'will be crawled', '--tz', 'UTC', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).series[0].stoppedGroups).toEqual([]);
  });
});
