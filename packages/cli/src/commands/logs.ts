// `crawl-diag logs PATH...`: log-rate analyzer (built in the foundation issue).
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const logsCommand: CommandModule = {
  command: 'logs <paths..>',
  describe: 'Count strategic log lines per time bucket across many files and nodes, chart them, detect decay',
  handler: () => {
    throw new UsageError('logs: not built yet');
  },
};
