// Cost of one log line per format and write mode: node packages/crawler/scripts/log-cost.mjs [DIR-PREFIX]
// (after `npx tsc -b packages/crawler`). Writes 200 000 lines per case into a temporary directory, then removes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeProcessLogger, createProcessLogger } from '../dist/log/logger.js';

const dir = mkdtempSync(process.argv[2] ?? join(tmpdir(), 'crawl-diag-log-cost-'));
const N = 200000;
for (const [format, sync] of [['python', false], ['python', true], ['json', false], ['json', true]]) {
  const logger = createProcessLogger({ dir, processName: `${format}-${sync}-${Math.random()}`, format, sync, name: 'crawl_diag.worker' });
  const t0 = process.hrtime.bigint(); const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) logger.debug(`The URL 'http://news-17.sim.test/p/${i}.html' will be crawled.`);
  await closeProcessLogger(logger);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6; const c = process.cpuUsage(c0);
  console.log(format, sync ? 'sync ' : 'async', `${(ms * 1000 / N).toFixed(2)} us/line wall, ${((c.user + c.system) / N).toFixed(2)} us/line cpu`);
}
rmSync(dir, { recursive: true, force: true });
