// `crawl-diag flame diff BEFORE AFTER`: what grew between two profiles or recording ranges. Prints the frames
// whose share of time grew most and writes a differential flame graph (self-contained HTML).
import { writeFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

interface FlameDiffArgs {
  before: string;
  after: string;
  out?: string;
  top: number;
  json: boolean;
  process?: string;
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
}

async function runFlameDiff(args: FlameDiffArgs): Promise<void> {
  // Loaded here, not at the top: `crawl-diag flame --pid` registers this subcommand and must not pay for it.
  const { diffProfiles, diffToJson, formatDiffTable, loadProfileInput, renderDiffHtml } = await import('@crawl-diag/profiler');
  const top = Number(args.top);
  if (!Number.isInteger(top) || top <= 0) throw new UsageError(`--top '${args.top}' must be a positive whole number`);
  const [before, after] = await Promise.all([
    loadProfileInput(args.before, { process: args.process }),
    loadProfileInput(args.after, { process: args.process }),
  ]);
  const diff = diffProfiles(before, after, { before: args.before, after: args.after });
  if (diff.before.totalUs <= 0) throw new UsageError(`${args.before} holds no samples; nothing to compare against`, 1);
  if (diff.after.totalUs <= 0) throw new UsageError(`${args.after} holds no samples; nothing to compare`, 1);

  // With --json stdout is for the JSON alone; the graph is written only when --out asks for it.
  const out = args.out ?? (args.json ? undefined : `flame-diff-${stamp()}.html`);
  if (out) {
    await writeFile(out, renderDiffHtml(diff));
    process.stderr.write(`crawl-diag: wrote differential flame graph to ${out} (width: ${args.after}; red grew, blue shrank)\n`);
  }
  if (args.json) process.stdout.write(`${JSON.stringify(diffToJson(diff, { top }), null, 2)}\n`);
  else process.stdout.write(formatDiffTable(diff, { top }));
}

export const flameDiffCommand: CommandModule<object, FlameDiffArgs> = {
  command: 'diff <before> <after>',
  describe: 'Differential flame graph between two profiles or recording ranges: what grew, what shrank',
  builder: (y: Argv) =>
    y
      .positional('before', { type: 'string', demandOption: true, describe: 'Profile file (.pb.gz, .cpuprofile, folded .txt) or recording DIR@FROM..TO' })
      .positional('after', { type: 'string', demandOption: true, describe: 'The same kinds; the graph takes its widths from AFTER' })
      .option('out', { type: 'string', describe: 'HTML file for the differential flame graph [default: flame-diff-<time>.html; none with --json]' })
      .option('top', { type: 'number', default: 15, describe: 'Rows in the table of grown (and shrunk) frames' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the comparison as JSON (schema crawl-diag/flame-diff@1)' })
      .option('process', { type: 'string', describe: 'With recordings: only this process kind (worker) or PID' })
      .example('$0 flame diff rec@5m..10m rec@50m..55m', 'What grew between minute 5 and minute 50 of a recording')
      .example('$0 flame diff early.pb.gz late.pb.gz --top 5', 'Compare two profile files') as unknown as Argv<FlameDiffArgs>,
  handler: runFlameDiff,
};
