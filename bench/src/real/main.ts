// `npm run bench -- real --crawler scrapy|crawlee|crawl-diag|python --scenario NAME [--duration 150s] --out DIR`
// One run of a real crawler against the simulated web doing one scenario; writes the crawler's own logs, wall-clock
// profiles early and late for the store scenario, and truth.json: what the server did and counted per 10 s.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimWeb } from '@crawl-diag/simweb';
import { cleanupAll, onCleanup } from '../common/child-processes.js';
import { durationSec, oneOf } from '../common/cli-args.js';
import { BenchUsageError, reportBenchError } from '../common/errors.js';
import { startFerretDb, withDatabase } from '../common/ferretdb.js';
import { CRAWLER_NAMES, launchCrawler } from './crawlers.js';
import { SCENARIO_NAMES, realScenario } from './scenarios.js';
import { runReal } from './run-real.js';

export const REAL_USAGE = `usage: npm run bench -- real --crawler NAME --scenario NAME [--duration 150s] [--python-store sqlite|mongo] --out DIR

Runs a real crawler (not a model of one) against the simulated web on loopback while the server does what the
scenario says, and writes into DIR the crawler's own logs, truth.json (what the server did and counted every 10 s,
independently of the crawler, and the verdict and cause a correct analysis of the logs gives) and, for
unindexed-store, wall-clock profiles of the crawler early and late in the run.

  --crawler NAME     scrapy (Scrapy from PyPI, bench/real-crawlers/scrapy), crawlee (@crawlee/http HttpCrawler,
                     bench/real-crawlers/crawlee), crawl-diag (ours), python (original log format,
                     bench/real-crawlers/python)
  --scenario NAME    verdicts: slowing (latency 1× → 3.5×), constant, step (latency doubles at half time),
                     transient-decline (start-up ramp, then latency 1× → 2.5×);
                     causes: rising-429 (refusals 0 → 60%), concentration (small sites run dry, one huge site
                     left, polite crawler), unindexed-store (the crawler's store scans a growing table), steady
  --duration DUR     run length: 150s (default), 2m, 30
  --crawlee-log FMT  text (default) or json: Crawlee's logger
  --python-store S   sqlite (default: one SQLite file the workers share) or mongo (pymongo against a FerretDB the
                     runner starts on loopback, the original crawler's setup): the Python crawler's frontier
  --out DIR          where the logs and truth.json go (created; files in it are replaced)
  --no-isolate       do not run in a network namespace of its own (see below)

Every request goes to 127.0.0.1 only: Scrapy uses the simulated web as its HTTP proxy, Crawlee and crawl-diag
connect every socket to its port; host names (*.test) are never looked up. On top of that the whole run (the
simulated web and the crawler) runs in a network namespace of its own with only a loopback interface
(unshare -n, when this machine allows it; truth.json says which), so nothing can leave the machine at all.
`;

/** Set in the re-executed runner inside its own network namespace. */
const ISOLATED_ENV = 'CRAWL_DIAG_REAL_ISOLATED';

/** Whether `unshare -n` and `ip` work here (root, or a user namespace allowed). */
function canIsolate(): boolean {
  return spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/** Re-runs this command inside a new network namespace whose only interface, loopback, is up. */
function runIsolated(argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, process.argv[1], 'real', ...argv], {
      stdio: 'inherit',
      env: { ...process.env, [ISOLATED_ENV]: '1' },
    });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

export async function realMain(argv: string[]): Promise<number> {
  try {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          crawler: { type: 'string' },
          scenario: { type: 'string' },
          duration: { type: 'string' },
          'crawlee-log': { type: 'string' },
          'python-store': { type: 'string' },
          out: { type: 'string' },
          'no-isolate': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      }));
    } catch (err) {
      throw new BenchUsageError(`${(err as Error).message}\n${REAL_USAGE}`);
    }
    if (values.help) {
      process.stdout.write(REAL_USAGE);
      return 0;
    }
    const str = (k: string) => values[k] as string | undefined;
    if (!str('crawler') || !str('scenario') || !str('out')) throw new BenchUsageError(`--crawler, --scenario and --out are required\n${REAL_USAGE}`);
    const crawlerName = oneOf('crawler', str('crawler'), CRAWLER_NAMES, 'scrapy');
    const scenarioName = oneOf('scenario', str('scenario'), SCENARIO_NAMES, 'steady');
    const duration = durationSec('duration', str('duration'), 150);
    if (duration < 20) throw new BenchUsageError(`--duration must be at least 20s (two statistics intervals), got ${duration}s`);
    const crawleeLog = oneOf('crawlee-log', str('crawlee-log'), ['text', 'json'] as const, 'text');
    const pythonStore = oneOf('python-store', str('python-store'), ['sqlite', 'mongo'] as const, 'sqlite');
    if (pythonStore === 'mongo' && crawlerName !== 'python') throw new BenchUsageError(`--python-store mongo is for --crawler python\n${REAL_USAGE}`);
    const isolated = process.env[ISOLATED_ENV] === '1';
    if (!isolated && !values['no-isolate'] && canIsolate()) return await runIsolated(argv);
    const network = isolated
      ? 'isolated: a network namespace of its own, loopback only (unshare -n)'
      : `loopback by the crawlers' own settings only (${values['no-isolate'] ? '--no-isolate' : 'unshare -n is not available here'})`;
    if (!isolated) process.stdout.write(`real: network: ${network}\n`);
    const outDir = resolve(str('out')!);
    await mkdir(outDir, { recursive: true });
    const workDir = await mkdtemp(join(tmpdir(), 'crawl-diag-real-'));
    onCleanup(() => rm(workDir, { recursive: true, force: true }));

    const scenario = realScenario(scenarioName, duration);
    const web = await startSimWeb(scenario.web);
    onCleanup(() => web.close());
    const seedsFile = join(workDir, 'seeds.txt');
    await writeFile(seedsFile, `${web.seeds.join('\n')}\n`);
    // Started inside the run's own network namespace, like the web: the crawler reaches it on loopback.
    const mongo = pythonStore === 'mongo' ? await startFerretDb('sqlite') : undefined;
    if (mongo) onCleanup(() => mongo.stop());
    const pythonDb = mongo ? withDatabase(mongo.uri, 'pycrawl') : undefined;
    const crawler = launchCrawler(crawlerName, { scenario, durationSec: duration, web, seedsFile, outDir, workDir, crawleeLog, pythonDb });
    await runReal({ crawler, scenario, web, durationSec: duration, outDir, network, log: (line) => process.stdout.write(`${line}\n`) });
    return 0;
  } catch (err) {
    return reportBenchError(err);
  } finally {
    await cleanupAll();
  }
}
