// `crawl-diag crawl`: the distributed crawler's processes. `dispatcher` and `supervisor` run one process each (on
// different machines if you like); `local` runs a dispatcher plus supervisors and workers here; `status` reads the
// store. Argument parsing and output only: the work lives in @crawl-diag/crawler.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import {
  CRAWL_FAULTS,
  DEFAULT_DISPATCHER,
  DEFAULT_HEARTBEAT,
  DEFAULT_SQLITE_PATH,
  DEFAULT_STOP_GRACE_MS,
  DEFAULT_PREFETCH,
  DEFAULT_WORKER,
  openCrawlStore,
  parseResolveRule,
  progressLine,
  readSeedFile,
  runDispatcher,
  runSupervisor,
  defaultSupervisorId,
  startLocalCrawl,
  statusText,
  summaryLine,
  type CrawlFault,
  type DispatcherOptions,
  type DispatcherProgress,
  type HeartbeatOptions,
  type LogFormat,
  type StoreTarget,
  type WorkerOptions,
} from '@crawl-diag/crawler';
import { LogInputError, parseVictoriaLogsPath } from '@crawl-diag/log-analyzer';
import { UsageError } from '../errors.js';

interface StoreArgs {
  sqlite?: string;
  mongo?: string;
  'mongo-politeness'?: string;
}

interface CrawlingArgs extends StoreArgs {
  'max-depth': number;
  'allowed-domains': string[];
  delay: number;
  resolve: string[];
  'allow-private': boolean;
  'log-dir'?: string;
  'log-format': LogFormat;
  'log-to'?: string;
  'log-spool'?: string;
  fault: CrawlFault[];
  'profile-dir'?: string;
  'heartbeat-ms': number;
  retries: number;
  'retry-delay': number;
  'max-retry-after': number;
}

interface DispatchArgs extends CrawlingArgs {
  seeds?: string;
  urls?: string[];
  'max-pages'?: number;
  duration?: string;
  'lease-ms': number;
}

function storeOptions(y: Argv): Argv {
  return y
    .option('sqlite', { type: 'string', describe: `SQLite file shared by all processes here (default ${DEFAULT_SQLITE_PATH} when no --mongo)` })
    .option('mongo', { type: 'string', describe: 'MongoDB URI for seeds, frontier and pages' })
    .option('mongo-politeness', { type: 'string', describe: 'MongoDB URI for robots.txt and per-domain politeness (default: --mongo)' })
    .conflicts('sqlite', 'mongo');
}

function crawlingOptions(y: Argv): Argv {
  return storeOptions(y)
    .option('max-depth', { type: 'number', default: DEFAULT_WORKER.maxDepth, describe: 'Links deeper than this are not followed (seeds are depth 0)' })
    // nargs 1: an array option takes one value per flag, so `--resolve X URL` leaves URL a seed (repeat the flag).
    .option('allowed-domains', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'Only these domains (and subdomains); default any' })
    .option('delay', { type: 'number', default: DEFAULT_WORKER.delayMs, describe: 'Per-domain delay in ms when robots.txt gives no Crawl-delay' })
    .option('resolve', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'HOST=ADDR:PORT (HOST may be *): send these names there; only mapped names are reached' })
    .option('allow-private', { type: 'boolean', default: false, describe: 'Allow private, loopback and link-local addresses' })
    .option('log-dir', { type: 'string', describe: 'Write one log file per process here' })
    .option('log-format', { choices: ['python', 'json'] as const, default: 'python' as LogFormat, describe: 'Log line format' })
    .option('log-to', {
      type: 'string',
      describe: 'Also ship every process\'s records to VictoriaLogs: victorialogs://HOST:PORT (fields node, kind, pid; batched, kept on disk while the server is away)',
    })
    .option('log-spool', { type: 'string', describe: 'Where records for --log-to wait while the server is away (default: under the temp directory)' })
    .option('fault', { choices: CRAWL_FAULTS, array: true, nargs: 1, default: [] as CrawlFault[], describe: 'Reproduce a cause of slow crawls (bench)' })
    .option('profile-dir', { type: 'string', describe: 'Profile every process continuously (pprof agent) into this directory' })
    .option('heartbeat-ms', { type: 'number', default: DEFAULT_HEARTBEAT.heartbeatMs, describe: 'Heartbeat interval; a peer is dead after 5 silent intervals' })
    .option('retries', { type: 'number', default: DEFAULT_WORKER.retries, describe: 'Retries of a URL after a transient failure (refused, reset, timeout, 5xx, 429) before it fails' })
    .option('retry-delay', { type: 'number', default: DEFAULT_WORKER.retryDelayMs, describe: 'Wait in ms before the first retry; doubled for each later one (spread ±25%)' })
    .option('max-retry-after', {
      type: 'number',
      default: DEFAULT_WORKER.maxRetryAfterMs,
      describe: 'Longest Retry-After in ms (of a 429 or 503) that is followed; a longer one is cut to this',
    });
}

function dispatchOptions(y: Argv): Argv {
  return crawlingOptions(y)
    .positional('urls', { type: 'string', array: true, describe: 'Seed URLs' })
    .option('seeds', { type: 'string', describe: 'File with seed URLs, one a line' })
    .option('max-pages', { type: 'number', describe: 'Stop after this many pages stored in this run' })
    .option('duration', { type: 'string', describe: 'Stop after this long: 90s, 5m, 1h (a bare number is seconds)' })
    .option('lease-ms', { type: 'number', default: DEFAULT_DISPATCHER.leaseMs, describe: 'How long a handed-out URL stays leased without renewal' });
}

function positiveInt(name: string, v: number | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got '${v}'`);
  return v;
}

export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--duration '${text}' is not a duration; use e.g. 90s, 5m, 1h or a number of seconds`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

function storeTarget(a: StoreArgs): StoreTarget {
  if (a['mongo-politeness'] && !a.mongo) throw new UsageError('--mongo-politeness needs --mongo (the content database)');
  if (a.mongo) return { mongoUri: a.mongo, mongoPolitenessUri: a['mongo-politeness'] };
  return { sqlitePath: resolve(a.sqlite ?? DEFAULT_SQLITE_PATH) };
}

function heartbeat(a: CrawlingArgs): HeartbeatOptions {
  const heartbeatMs = positiveInt('heartbeat-ms', a['heartbeat-ms'], 50)!;
  return { heartbeatMs, livenessMs: 5 * heartbeatMs };
}

/** --log-to and --log-spool as the crawler's LogOptions fields: the server's http:// address. */
function shipping(a: CrawlingArgs): { logTo?: string; logSpoolDir?: string } {
  if (a['log-spool'] && !a['log-to']) throw new UsageError('--log-spool needs --log-to');
  if (!a['log-to']) return {};
  if (!a['log-to'].startsWith('victorialogs://')) throw new UsageError(`--log-to ${a['log-to']}: give victorialogs://HOST:PORT`);
  let target;
  try {
    target = parseVictoriaLogsPath(a['log-to']);
  } catch (err) {
    if (err instanceof LogInputError) throw new UsageError(`--log-to ${err.message}`);
    throw err;
  }
  if (target.filter !== '*') throw new UsageError(`--log-to ${a['log-to']}: a query selects records to read; give the server alone`);
  return { logTo: target.baseUrl, logSpoolDir: a['log-spool'] ? resolve(a['log-spool']) : undefined };
}

function workerOptions(a: CrawlingArgs): WorkerOptions {
  // Checked here, once, so a bad rule is one clear error instead of crashing every worker process.
  for (const rule of a.resolve) parseResolveRule(rule);
  return {
    store: storeTarget(a),
    faults: a.fault,
    delayMs: positiveInt('delay', a.delay, 0)!,
    maxDepth: positiveInt('max-depth', a['max-depth'], 0)!,
    allowedDomains: a['allowed-domains'].map((d) => d.toLowerCase()),
    resolve: a.resolve,
    allowPrivate: a['allow-private'],
    retries: positiveInt('retries', a.retries, 0)!,
    retryDelayMs: positiveInt('retry-delay', a['retry-delay'], 0)!,
    maxRetryAfterMs: positiveInt('max-retry-after', a['max-retry-after'], 0)!,
    logDir: a['log-dir'] ? resolve(a['log-dir']) : undefined,
    logFormat: a['log-format'],
    ...shipping(a),
  };
}

function dispatcherOptions(a: DispatchArgs, bind: string, exitWhenDone: boolean): DispatcherOptions {
  const seeds = [...(a.seeds ? readSeedFile(a.seeds) : []), ...(a.urls ?? [])];
  return {
    ...DEFAULT_DISPATCHER,
    ...heartbeat(a),
    bind,
    store: storeTarget(a),
    faults: a.fault,
    seeds,
    leaseMs: positiveInt('lease-ms', a['lease-ms'], 1000)!,
    // Each retry is a lease too: leave room for them before the dispatcher takes a URL for one that kills workers.
    maxAttempts: Math.max(DEFAULT_DISPATCHER.maxAttempts, a.retries + 2),
    maxPages: positiveInt('max-pages', a['max-pages']),
    durationMs: parseDuration(a.duration),
    exitWhenDone,
    logDir: a['log-dir'] ? resolve(a['log-dir']) : undefined,
    logFormat: a['log-format'],
    ...shipping(a),
  };
}

/** Prints progress lines on stderr, with the recent rate next to the average. */
function progressPrinter(): (p: DispatcherProgress) => void {
  let previous: DispatcherProgress | undefined;
  return (p) => {
    process.stderr.write(`${progressLine(p, previous)}\n`);
    previous = p;
  };
}

async function printSummary(reason: string, startedAt: number, target: StoreTarget, pagesAtStart: number): Promise<void> {
  const store = await openCrawlStore(target, [], 'cli');
  try {
    process.stderr.write(`${summaryLine(reason, Date.now() - startedAt, await store.stats(), pagesAtStart)}\n`);
  } finally {
    await store.close();
  }
}

async function pagesNow(target: StoreTarget): Promise<number> {
  const store = await openCrawlStore(target, [], 'cli');
  try {
    return (await store.stats()).pages;
  } finally {
    await store.close();
  }
}

const dispatcherCommand: CommandModule<object, DispatchArgs & { bind: string; 'keep-running': boolean }> = {
  command: 'dispatcher [urls..]',
  describe: 'Run the dispatcher: hands URLs from the store to supervisors over ZeroMQ',
  builder: (y) =>
    dispatchOptions(y)
      .option('bind', { type: 'string', default: 'tcp://127.0.0.1:5555', describe: 'ZeroMQ endpoint to bind (tcp://0.0.0.0:5555 for other machines)' })
      .option('keep-running', { type: 'boolean', default: false, describe: 'Keep running when the frontier is exhausted' }) as Argv<
      DispatchArgs & { bind: string; 'keep-running': boolean }
    >,
  handler: async (a) => {
    const opts = dispatcherOptions(a, a.bind, !a['keep-running']);
    const reason = await runDispatcher(opts, {
      onBound: (endpoint) => process.stderr.write(`dispatcher: listening on ${endpoint}\n`),
      onProgress: progressPrinter(),
    });
    process.stderr.write(`dispatcher: stopped (${reason})\n`);
  },
};

const supervisorCommand: CommandModule<object, CrawlingArgs & { connect: string; workers: number; id?: string }> = {
  command: 'supervisor',
  describe: 'Run a supervisor with --workers crawler processes, taking URLs from a dispatcher',
  builder: (y) =>
    crawlingOptions(y)
      .option('connect', { type: 'string', demandOption: true, describe: 'Dispatcher endpoint, e.g. tcp://10.0.0.5:5555' })
      .option('workers', { type: 'number', default: 2, describe: 'Crawler processes to run' })
      .option('id', { type: 'string', describe: 'Supervisor id (default host-pid-random); must be unique' }) as Argv<
      CrawlingArgs & { connect: string; workers: number; id?: string }
    >,
  handler: async (a) => {
    if (!/^tcp:\/\/[^:]+:\d+$/.test(a.connect)) throw new UsageError(`--connect '${a.connect}' is not tcp://HOST:PORT`);
    const id = a.id ?? defaultSupervisorId();
    const workers = positiveInt('workers', a.workers)!;
    process.stderr.write(`supervisor: '${id}' with ${workers} workers, connecting to ${a.connect}\n`);
    await runSupervisor({
      connect: a.connect,
      workers,
      id,
      worker: workerOptions(a),
      stopGraceMs: DEFAULT_STOP_GRACE_MS,
      prefetch: DEFAULT_PREFETCH,
      profileDir: a['profile-dir'] ? resolve(a['profile-dir']) : undefined,
      ...heartbeat(a),
    }, { onNotice: (line) => process.stderr.write(`supervisor: ${line}\n`) });
    process.stderr.write(`supervisor: '${id}' stopped\n`);
  },
};

const localCommand: CommandModule<object, DispatchArgs & { supervisors: number; workers: number }> = {
  command: 'local [urls..]',
  describe: 'Run a dispatcher, --supervisors supervisors and --workers crawlers each, as processes on this machine',
  builder: (y) =>
    dispatchOptions(y)
      .option('supervisors', { type: 'number', default: 1, describe: 'Supervisor processes' })
      .option('workers', { type: 'number', default: 2, describe: 'Crawler processes per supervisor' }) as Argv<
      DispatchArgs & { supervisors: number; workers: number }
    >,
  handler: async (a) => {
    // No seeds is fine: the crawl in the store is resumed.
    const dispatcher = dispatcherOptions(a, 'tcp://127.0.0.1:*', true);
    const startedAt = Date.now();
    const pagesAtStart = await pagesNow(dispatcher.store);
    const handle = startLocalCrawl(
      {
        supervisors: positiveInt('supervisors', a.supervisors)!,
        workers: positiveInt('workers', a.workers)!,
        dispatcher,
        worker: workerOptions(a),
        heartbeat: heartbeat(a),
        stopGraceMs: DEFAULT_STOP_GRACE_MS,
        prefetch: DEFAULT_PREFETCH,
        profileDir: a['profile-dir'] ? resolve(a['profile-dir']) : undefined,
      },
      { onProgress: progressPrinter(), onEvent: (line) => process.stderr.write(`crawl: ${line}\n`) },
    );
    process.once('SIGINT', handle.stop);
    process.once('SIGTERM', handle.stop);
    const end = await handle.done;
    await printSummary(end, startedAt, dispatcher.store, pagesAtStart);
    if (end === 'interrupted') process.exitCode = 130;
  },
};

const statusCommand: CommandModule<object, StoreArgs & { json: boolean }> = {
  command: 'status',
  describe: 'Pages stored and URLs pending, leased, done, failed and ignored, per domain too',
  builder: (y) => storeOptions(y).option('json', { type: 'boolean', default: false, describe: 'JSON on stdout' }) as Argv<StoreArgs & { json: boolean }>,
  handler: async (a) => {
    const target = storeTarget(a);
    if (target.sqlitePath && !existsSync(target.sqlitePath)) {
      throw new UsageError(`no crawl store at ${target.sqlitePath}; give --sqlite PATH (or --mongo URI) of a crawl`);
    }
    const store = await openCrawlStore(target, [], 'cli');
    try {
      const stats = await store.stats();
      process.stdout.write(a.json ? `${JSON.stringify({ store: store.location, ...stats }, null, 2)}\n` : statusText(store.location, stats));
    } finally {
      await store.close();
    }
  },
};

export const crawlCommand: CommandModule = {
  command: 'crawl <command>',
  describe: 'Run the distributed crawler: dispatcher, supervisors and crawler processes (ZeroMQ, MongoDB or SQLite)',
  builder: (y) =>
    y
      .command(dispatcherCommand as unknown as CommandModule)
      .command(supervisorCommand as unknown as CommandModule)
      .command(localCommand as unknown as CommandModule)
      .command(statusCommand as unknown as CommandModule)
      .demandCommand(1, 'Name a crawl command: dispatcher, supervisor, local or status.'),
  handler: () => {},
};
