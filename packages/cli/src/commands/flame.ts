// `crawl-diag flame`: attach to live workers and write flame graphs (built in the attach issue).
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const flameCommand: CommandModule = {
  command: 'flame',
  describe: 'Sample a live Node or Python worker by PID and write a flame graph, without restarting it',
  handler: () => {
    throw new UsageError('flame: not built yet');
  },
};
