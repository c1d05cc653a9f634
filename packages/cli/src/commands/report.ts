// `crawl-diag report`: one self-contained offline HTML page with the doctor's findings, rate charts, the bench
// comparison with its USL curve, and flame graphs. Argument parsing and output only; the work is in @crawl-diag/doctor.
import { readFile, writeFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { diagnose, gatherEvidence, renderReport, type BenchNodesInput } from '@crawl-diag/doctor';
import { UsageError } from '../errors.js';

interface ReportArgs {
  logs?: string[];
  profiles?: string;
  bench?: string;
  out: string;
  title?: string;
  'group-by'?: string;
  crawler?: string;
  warmup?: number;
}

async function readBench(path: string): Promise<BenchNodesInput> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--bench ${path}: cannot read it as JSON (${(err as Error).message}); give a 'npm run bench -- nodes' result file`);
  }
  const runs = (data as BenchNodesInput)?.runs;
  if (!Array.isArray(runs) || runs.some((r) => typeof r?.nodes !== 'number' || typeof r?.pagesPerSec !== 'number')) {
    throw new UsageError(`--bench ${path}: not a crawl-diag/bench-nodes@1 result (no runs with nodes and pagesPerSec)`);
  }
  return data as BenchNodesInput;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: 'Write one offline HTML report: findings, rate charts, node scaling and flame graphs',
  builder: (y: Argv) =>
    y
      .option('logs', { type: 'string', array: true, describe: 'Log files, directories or globs' })
      .option('profiles', { type: 'string', describe: "The profiling agent's recording directory" })
      .option('bench', { type: 'string', describe: "A 'bench nodes' result JSON (throughput against node count, USL fit)" })
      .option('out', { type: 'string', demandOption: true, describe: 'The HTML file to write' })
      .option('title', { type: 'string', describe: 'Page title' })
      .option('group-by', { type: 'string', describe: 'Log groups: a JSON field or a regex on the path' })
      .option('crawler', { type: 'string', choices: ['crawl-diag', 'python', 'scrapy', 'crawlee', 'access-log'], describe: 'Which crawler wrote the logs (default: detected from them)' })
      .option('warmup', { type: 'number', describe: 'Seconds of start-up left out of the judgement' })
      .example('$0 report --logs run/logs --profiles run/profiles --out report.html', '') as unknown as Argv<ReportArgs>,
  handler: async (a) => {
    const logs = a.logs?.filter((p) => p !== '') ?? [];
    if (logs.length === 0 && !a.profiles && !a.bench) throw new UsageError('give --logs PATH, --profiles DIR or --bench RESULTS.json to report on');
    if (!a.out) throw new UsageError('--out FILE.html is required');
    const bench = a.bench ? await readBench(a.bench) : undefined;
    const evidence = await gatherEvidence({ logs, profilesDir: a.profiles, groupBy: a['group-by'], crawler: a.crawler, warmupSec: a.warmup, onProgress: (l) => process.stderr.write(`${l}\n`) });
    const html = renderReport({ doctor: diagnose(evidence), logs: evidence.logs, profiles: evidence.profiles, bench, title: a.title });
    await writeFile(a.out, html);
    process.stderr.write(`report: wrote ${a.out} (${(html.length / 1024).toFixed(0)} KB)\n`);
  },
};
