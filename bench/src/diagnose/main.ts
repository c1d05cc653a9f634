// `npm run bench -- diagnose --scenario NAME [--nodes 2] [--duration 60] [--store sqlite|mongo] …`
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_WEB_DEFAULTS } from '../common/bench-web.js';
import { cleanupAll } from '../common/child-processes.js';
import { durationSec, oneOf, positiveInt } from '../common/cli-args.js';
import { BenchUsageError, reportBenchError } from '../common/errors.js';
import { RESULTS_DIR } from '../common/repo-paths.js';
import { scenarioNamed, scenarioWebDefaults } from '../common/scenarios.js';
import { renderDiagnose } from './report-diagnose.js';
import { runDiagnose } from './run-diagnose.js';
import { webShape } from '../nodes/main.js';

export const DIAGNOSE_USAGE = `usage: npm run bench -- diagnose --scenario NAME [options]

One crawl of the scenario with every process profiled (the profiler agent), then the evidence that names the
cause: the frames that grew most from early to late per process kind, the workers' idle share, and the
postponed/crawled ratio over time. Writes bench/results/diagnose-<scenario>-<store>.json.

  --scenario NAME    unindexed-frontier, dedup-scan, politeness-blind (alias domain-order), robots-no-cache, healthy
  --nodes N          supervisors (default 4)
  --workers N        crawler processes per node (default 2)
  --duration SECS    run length (default 60)
  --store KIND       sqlite (default) or mongo;  --mongo URI  (default: FerretDB started by the bench)
  --window DUR       profile window length (default 5s)
  --warmup SECS      seconds after the first page left out (default 15, at most a quarter of the run)
  --delay MS         per-domain politeness delay of the crawler (default 500)
  --latency-ms MS    simulated web latency per page (default ${BENCH_WEB_DEFAULTS.latencyMs})
  --max-pages N      pages of the largest simulated site (default ${BENCH_WEB_DEFAULTS.maxPagesPerSite}); --min-pages N of the
                     smallest (default ${BENCH_WEB_DEFAULTS.minPagesPerSite}); --links-per-page N (default ${BENCH_WEB_DEFAULTS.linksPerPage}); --fanout N
                     child pages per page (default ${BENCH_WEB_DEFAULTS.fanout}); politeness-blind's own web: 1 link, fanout 2
  --out DIR          where the JSON goes (default bench/results)
  --keep             keep logs and profiles and print where they are
`;

export async function diagnoseMain(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' },
        nodes: { type: 'string' },
        workers: { type: 'string' },
        duration: { type: 'string' },
        store: { type: 'string' },
        mongo: { type: 'string' },
        window: { type: 'string' },
        warmup: { type: 'string' },
        delay: { type: 'string' },
        'latency-ms': { type: 'string' },
        'max-pages': { type: 'string' },
        'min-pages': { type: 'string' },
        'links-per-page': { type: 'string' },
        fanout: { type: 'string' },
        out: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    return reportBenchError(new BenchUsageError(`${(err as Error).message}; see npm run bench -- diagnose --help`));
  }
  if (values.help) {
    process.stdout.write(DIAGNOSE_USAGE);
    return 0;
  }
  const s = (k: string) => values[k] as string | undefined;
  try {
    if (!s('scenario')) throw new BenchUsageError('name the scenario to diagnose with --scenario, e.g. --scenario unindexed-frontier');
    const store = oneOf('store', s('store'), ['sqlite', 'mongo'] as const, 'sqlite');
    if (s('mongo') && store !== 'mongo') throw new BenchUsageError('--mongo needs --store mongo');
    const duration = durationSec('duration', s('duration'), 60);
    const window = s('window') ?? '5s';
    if (!/^\d+(\.\d+)?(ms|s|m)$/.test(window)) throw new BenchUsageError(`--window must be a duration such as 5s or 500ms, got '${window}'`);
    const result = await runDiagnose({
      scenario: scenarioNamed(s('scenario')!),
      nodes: positiveInt('nodes', s('nodes'), 4),
      workers: positiveInt('workers', s('workers'), 2),
      durationSec: duration,
      store,
      mongoUri: s('mongo'),
      warmupSec: durationSec('warmup', s('warmup'), Math.min(15, duration / 4)),
      bucketMs: 2000,
      delayMs: positiveInt('delay', s('delay'), 500, 0),
      profileWindow: window,
      web: { latencyMs: positiveInt('latency-ms', s('latency-ms'), BENCH_WEB_DEFAULTS.latencyMs, 0), ...webShape(s, scenarioWebDefaults(scenarioNamed(s('scenario') ?? 'healthy'))) },
      keep: values.keep === true,
      log: (line) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${line}\n`),
      live: process.stderr.isTTY ? (line) => process.stderr.write(`\r\x1b[K  ${line.slice(0, (process.stderr.columns || 100) - 3)}`) : undefined,
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stdout.write(renderDiagnose(result, process.stdout.isTTY === true));
    const outDir = s('out') ?? RESULTS_DIR;
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, `diagnose-${result.scenario}-${result.store}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`bench: wrote ${file}\n`);
    return 0;
  } catch (err) {
    return reportBenchError(err);
  } finally {
    await cleanupAll();
  }
}
