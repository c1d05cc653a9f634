// `crawl-diag flame diff BEFORE AFTER`: differential flame graph (continuous-profiling issue).
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const flameDiffCommand: CommandModule = {
  command: 'diff <before> <after>',
  describe: 'Differential flame graph between two profiles or recording ranges: what grew, what shrank',
  handler: () => {
    throw new UsageError('flame diff: not built yet');
  },
};
