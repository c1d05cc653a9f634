// `crawl-diag flame timeline DIR --frame NAME`: a frame's share of time over a recording (continuous-profiling issue).
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const flameTimelineCommand: CommandModule = {
  command: 'timeline <dir>',
  describe: "A frame's share of time over a recording, as a chart and JSON",
  handler: () => {
    throw new UsageError('flame timeline: not built yet');
  },
};
