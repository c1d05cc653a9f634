// `crawl-diag flame timeline DIR --frame NAME`: a frame's share of time, window by window, over a recording.
import type { Argv, CommandModule } from 'yargs';

interface FlameTimelineArgs {
  dir: string;
  frame: string;
  process?: string;
  json: boolean;
}

async function runFlameTimeline(args: FlameTimelineArgs): Promise<void> {
  // Loaded here, not at the top: `crawl-diag flame --pid` registers this subcommand and must not pay for it.
  const { formatTimelineChart, frameTimeline } = await import('@crawl-diag/profiler');
  const timeline = await frameTimeline(args.dir, args.frame, { process: args.process });
  if (args.json) process.stdout.write(`${JSON.stringify(timeline, null, 2)}\n`);
  else process.stdout.write(formatTimelineChart(timeline, { width: Math.max(20, Math.min(100, (process.stdout.columns || 100) - 12)) }));
}

export const flameTimelineCommand: CommandModule<object, FlameTimelineArgs> = {
  command: 'timeline <dir>',
  describe: "A frame's share of time over a recording, as a chart and JSON",
  builder: (y: Argv) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory (CRAWL_DIAG_PROFILE_DIR), optionally DIR@FROM..TO' })
      .option('frame', { type: 'string', demandOption: true, describe: "Substring of 'function (file:line)', or a regex /…/flags" })
      .option('process', { type: 'string', describe: 'Only this process kind (worker) or PID' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the points as JSON (schema crawl-diag/flame-timeline@1)' })
      .example('$0 flame timeline rec --frame frontierQuery', 'How the share of time in the frontier query moved over the run')
      .example("$0 flame timeline rec --frame '/scan|query/i' --process worker --json", 'The same for the workers, as JSON') as unknown as Argv<FlameTimelineArgs>,
  handler: runFlameTimeline,
};
