// The crawler's process logs, in both formats, read by the real log analyzer: formats detected, every strategic
// line counted in its series, nothing unparsed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../log-analyzer/src/index.js';
import { closeProcessLogger, createProcessLogger, type LogFormat } from '../src/log/logger.js';
import * as strategic from '../src/log/strategic.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-diag-log-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeLog(format: LogFormat, processName: string): Promise<void> {
  const log = createProcessLogger({ dir, processName, format, name: 'crawl_diag.worker' });
  for (let i = 0; i < 30; i++) {
    const url = `http://www.perdu-sim.test/p/${i}.html`;
    log.debug(strategic.willBeCrawled(url));
    log.debug(strategic.crawling(url));
    if (i % 3 === 0) log.debug(strategic.postponed(url));
    if (i % 5 === 0) log.error(strategic.robotsUndetermined(url));
    if (i % 5 === 0) log.debug(strategic.ignored(url));
    if (i % 10 === 0) log.error(strategic.couldNotRetrieve(url));
  }
  await closeProcessLogger(log);
}

describe('log analyzer reading crawler logs', () => {
  it.each([
    ['python', 'python-logging'],
    ['json', 'pino'],
  ] as const)('reads the %s format as %s and counts every strategic line', async (format, detected) => {
    const processName = `worker-${format}`;
    await writeLog(format, processName);
    const report = await analyzeLogs({ paths: [join(dir, `${processName}.log`)], threads: 0 });
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatchObject({ format: detected, lines: 30 * 2 + 10 + 6 + 6 + 3, unparsed: 0 });
    const totals = Object.fromEntries(report.series.map((s) => [s.name, s.total]));
    expect(totals).toMatchObject({
      'will be crawled': 30,
      crawling: 30,
      postponed: 10,
      ignored: 6,
      'robots undetermined': 6,
      'could not retrieve': 3,
    });
  });
});
