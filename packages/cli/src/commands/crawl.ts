// `crawl-diag crawl`: the distributed crawler's processes (built in the crawler issue).
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const crawlCommand: CommandModule = {
  command: 'crawl',
  describe: 'Run the distributed crawler: dispatcher, supervisors and crawler processes (ZeroMQ, MongoDB or SQLite)',
  handler: () => {
    throw new UsageError('crawl: not built yet');
  },
};
