// crawl-diag: argument parsing and output choice only; the work lives in the packages.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { CommandModule } from 'yargs';
import { reportError } from './errors.js';

// Each command's module is loaded only when that command runs: the crawler pulls in ZeroMQ, the MongoDB driver
// and undici, which would otherwise cost every `crawl-diag logs` run about a second of start-up on a busy machine.
// Help, typos and unknown commands load them all, so the listing and "did you mean" stay complete.
// `any`: each command module has its own argument type; yargs only needs them to be command modules.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;
const commandLoaders: Record<string, () => Promise<AnyCommand>> = {
  logs: async () => (await import('./commands/logs.js')).logsCommand,
  flame: async () => (await import('./commands/flame.js')).flameCommand,
  crawl: async () => (await import('./commands/crawl.js')).crawlCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
};

async function loadCommands(argv: string[]): Promise<AnyCommand[]> {
  const named = argv.find((a) => !a.startsWith('-'));
  const loader = named === argv[0] && named !== undefined ? commandLoaders[named] : undefined;
  if (loader) return [await loader()];
  return Promise.all(Object.values(commandLoaders).map((load) => load()));
}

async function main(): Promise<void> {
  const argv = hideBin(process.argv);
  const commands = await loadCommands(argv);
  await yargs(argv)
    .scriptName('crawl-diag')
    .usage('$0 <command> [options]\n\nTells you why your crawl rate decays over time and why adding nodes stops helping.')
    .command(commands)
    .demandCommand(1, 'Name a command: logs, flame, crawl, doctor or report. See --help.')
    .strict()
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err, y) => {
      if (err) throw err;
      process.stderr.write(`crawl-diag: ${msg}\nRun 'crawl-diag --help' for usage.\n`);
      process.exit(2);
    })
    .parseAsync();
}

main().catch((err) => {
  process.exitCode = reportError(err);
});
