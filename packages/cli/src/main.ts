// crawl-diag: argument parsing and output choice only; the work lives in the packages.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { logsCommand } from './commands/logs.js';
import { flameCommand } from './commands/flame.js';
import { crawlCommand } from './commands/crawl.js';
import { doctorCommand } from './commands/doctor.js';
import { reportCommand } from './commands/report.js';
import { reportError } from './errors.js';

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName('crawl-diag')
    .usage('$0 <command> [options]\n\nTells you why your crawl rate decays over time and why adding nodes stops helping.')
    .command(logsCommand)
    .command(flameCommand)
    .command(crawlCommand)
    .command(doctorCommand)
    .command(reportCommand)
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
