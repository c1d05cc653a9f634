// `crawl-diag logs compare RUN_DIR...`: throughput, scaling efficiency and USL fit across runs (statistics issue).
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const logsCompareCommand: CommandModule = {
  command: 'compare <runs..>',
  describe: 'Compare runs (e.g. 2 nodes vs 4 nodes): throughput, per-node rate, decay, scaling efficiency, USL fit',
  handler: () => {
    throw new UsageError('logs compare: not built yet');
  },
};
