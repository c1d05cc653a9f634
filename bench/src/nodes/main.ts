// `npm run bench -- nodes [--nodes 1,2,4,8] [--duration 60] [--scenario healthy] [--store sqlite|mongo] …`
// Parses the arguments, runs the bench, prints the table and charts, writes bench/results/<scenario>-<store>.json
// and .html.
import { parseArgs } from 'node:util';
import { BENCH_WEB_DEFAULTS, type BenchWebOptions } from '../common/bench-web.js';
import { cleanupAll } from '../common/child-processes.js';
import { durationSec, intList, oneOf, positiveInt } from '../common/cli-args.js';
import { BenchUsageError, reportBenchError } from '../common/errors.js';
import { RESULTS_DIR } from '../common/repo-paths.js';
import { scenarioNamed, scenarioWebDefaults } from '../common/scenarios.js';
import { renderNodesHtml } from './report-html.js';
import { renderNodesTerminal } from './report-terminal.js';
import { runNodesBench, writeNodesResult } from './run-nodes.js';

export const NODES_USAGE = `usage: npm run bench -- nodes [options]

Crawls the simulated web with 1, 2, 4, 8 nodes (crawl-diag crawl local --supervisors N), reads every run's logs
with the log analyzer, fits the Universal Scalability Law, prints charts and writes
bench/results/<scenario>-<store>.json and .html. Beside pages/s it reports the trend over the measured window and
over the whole run, how busy the machine's cores were, and (when it started FerretDB) FerretDB's CPU per page;
runs that were CPU-bound or store-bound are named under the table.

  --nodes LIST       node counts (default 1,2,4,8)
  --duration SECS    seconds per run (default 60)
  --scenario NAME    healthy (default), unindexed-frontier, dedup-scan, politeness-blind (alias domain-order),
                     robots-no-cache
  --store KIND       sqlite (default) or mongo
  --mongo URI        MongoDB for --store mongo (default: FerretDB started by the bench)
  --backend KIND     storage of the FerretDB the bench starts: sqlite (default) or postgresql (a PostgreSQL
                     cluster of its own; needs Debian's postgresql). Its CPU column is then FerretDB's plus PostgreSQL's
  --workers N        crawler processes per node (default 2)
  --warmup SECS      seconds after the first page left out of throughput and trend (default 15, at most
                     a quarter of the run)
  --bucket SECS      rate bucket (default 2)
  --delay MS         per-domain politeness delay of the crawler (default 500)
  --latency-ms MS    simulated web latency per page (default ${BENCH_WEB_DEFAULTS.latencyMs})
  --max-pages N      pages of the largest simulated site (default ${BENCH_WEB_DEFAULTS.maxPagesPerSite}); --min-pages N of the
                     smallest (default ${BENCH_WEB_DEFAULTS.minPagesPerSite}); --links-per-page N (default ${BENCH_WEB_DEFAULTS.linksPerPage}); --fanout N
                     child pages per page (default ${BENCH_WEB_DEFAULTS.fanout}); politeness-blind's own web: 1 link, fanout 2
  --sites N          simulated web sites (default ${BENCH_WEB_DEFAULTS.sites})
  --out DIR          where results go (default bench/results)
  --keep             keep the run directory (logs, stores) and print where it is
`;

export async function nodesMain(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        nodes: { type: 'string' },
        duration: { type: 'string' },
        scenario: { type: 'string' },
        store: { type: 'string' },
        mongo: { type: 'string' },
        backend: { type: 'string' },
        workers: { type: 'string' },
        warmup: { type: 'string' },
        bucket: { type: 'string' },
        delay: { type: 'string' },
        'latency-ms': { type: 'string' },
        'max-pages': { type: 'string' },
        'min-pages': { type: 'string' },
        'links-per-page': { type: 'string' },
        fanout: { type: 'string' },
        sites: { type: 'string' },
        out: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    return reportBenchError(new BenchUsageError(`${(err as Error).message}; see npm run bench -- nodes --help`));
  }
  if (values.help) {
    process.stdout.write(NODES_USAGE);
    return 0;
  }
  const s = (k: string) => values[k] as string | undefined;
  try {
    const store = oneOf('store', s('store'), ['sqlite', 'mongo'] as const, 'sqlite');
    if (s('mongo') && store !== 'mongo') throw new BenchUsageError('--mongo needs --store mongo');
    const backend = oneOf('backend', s('backend'), ['sqlite', 'postgresql'] as const, 'sqlite');
    if (s('backend') && (store !== 'mongo' || s('mongo'))) throw new BenchUsageError('--backend chooses the storage of the FerretDB the bench starts: it needs --store mongo and no --mongo');
    const nodeCounts = intList('nodes', s('nodes'), [1, 2, 4, 8]);
    const duration = durationSec('duration', s('duration'), 60);
    const warmup = durationSec('warmup', s('warmup'), Math.min(15, duration / 4));
    if (warmup >= duration / 2) throw new BenchUsageError(`--warmup ${warmup} s leaves too little of a ${duration} s run; make it under half`);
    const { result, runDir } = await runNodesBench({
      scenario: scenarioNamed(s('scenario') ?? 'healthy'),
      nodes: nodeCounts,
      durationSec: duration,
      workers: positiveInt('workers', s('workers'), 2),
      store,
      mongoUri: s('mongo'),
      backend,
      warmupSec: warmup,
      bucketMs: durationSec('bucket', s('bucket'), 2) * 1000,
      delayMs: positiveInt('delay', s('delay'), 500, 0),
      maxDepth: 10,
      web: {
        latencyMs: positiveInt('latency-ms', s('latency-ms'), BENCH_WEB_DEFAULTS.latencyMs, 0),
        sites: positiveInt('sites', s('sites'), scenarioWebDefaults(scenarioNamed(s('scenario') ?? 'healthy')).sites),
        ...webShape(s, scenarioWebDefaults(scenarioNamed(s('scenario') ?? 'healthy'))),
      },
      keep: values.keep === true,
      command: `npm run bench -- nodes ${argv.join(' ')}`.trim(),
      log: (line) => process.stderr.write(`${clearLive()}${line}\n`),
      live: process.stderr.isTTY ? (line) => process.stderr.write(`\r\x1b[K  ${line.slice(0, (process.stderr.columns || 100) - 3)}`) : undefined,
    });
    process.stderr.write(clearLive());
    process.stdout.write(renderNodesTerminal(result, process.stdout.isTTY === true));
    const files = await writeNodesResult(result, renderNodesHtml(result), s('out') ?? RESULTS_DIR);
    process.stderr.write(`bench: wrote ${files.json} and ${files.html}${values.keep ? `; logs kept in ${runDir}` : ''}\n`);
    return 0;
  } catch (err) {
    await cleanupAll();
    return reportBenchError(err);
  } finally {
    await cleanupAll();
  }
}

/** The simulated web's size and link density from the command line. */
export function webShape(s: (k: string) => string | undefined, defaults: Required<BenchWebOptions> = BENCH_WEB_DEFAULTS) {
  return {
    maxPagesPerSite: positiveInt('max-pages', s('max-pages'), defaults.maxPagesPerSite),
    minPagesPerSite: positiveInt('min-pages', s('min-pages'), defaults.minPagesPerSite),
    linksPerPage: positiveInt('links-per-page', s('links-per-page'), defaults.linksPerPage, 0),
    fanout: positiveInt('fanout', s('fanout'), defaults.fanout),
  };
}

function clearLive(): string {
  return process.stderr.isTTY ? '\r\x1b[K' : '';
}
