// How each real crawler is started against the simulated web, as a child process in its own process group, with
// its own logging written to files in the run's directory:
// - scrapy: the Scrapy project in bench/real-crawlers/scrapy (`python3 -m scrapy crawl sim`), the simulated web as
//   its HTTP proxy (absolute-form request lines; no host name is looked up);
// - crawlee: bench/real-crawlers/crawlee/crawler.mjs (HttpCrawler, every socket to the loopback port);
// - crawl-diag: our own `crawl-diag crawl local --resolve '*=127.0.0.1:PORT'`;
// - python: the multi-process Python crawler in the original log format, bench/real-crawlers/python, when present.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimWeb } from '@crawl-diag/simweb';
import { spawnGroup, type GroupChild } from '../common/child-processes.js';
import { crawlLocalArgs } from '../common/crawl-local.js';
import { BenchUsageError } from '../common/errors.js';
import { CRAWL_DIAG_BIN, REPO_ROOT } from '../common/repo-paths.js';
import type { RealScenario } from './scenarios.js';

export const CRAWLER_NAMES = ['scrapy', 'crawlee', 'crawl-diag', 'python'] as const;
export type CrawlerName = (typeof CRAWLER_NAMES)[number];

export const REAL_CRAWLERS_DIR = join(REPO_ROOT, 'bench', 'real-crawlers');

export interface LaunchContext {
  scenario: RealScenario;
  durationSec: number;
  web: SimWeb;
  seedsFile: string;
  /** Where the logs (and the crawler's own store) go. */
  outDir: string;
  /** Scratch space that is not kept (Crawlee's request queue, SQLite stores). */
  workDir: string;
  crawleeLog: 'text' | 'json';
  /** The Python crawler's store: a mongodb:// URI with its database (pymongo), else a SQLite file in workDir. */
  pythonDb?: string;
}

export interface LaunchedCrawler {
  name: CrawlerName;
  version: string;
  /** The command line as it ran (for the fixture's README). */
  command: string;
  /** Log files the crawler writes, relative to outDir. */
  logs: string[];
  run: GroupChild;
  /**
   * `crawl-diag flame` arguments naming the processes whose wall-clock profile shows the crawler's work (`--pid N`
   * for a one-process crawler, `--children-of N` for the Python crawler's workers), or undefined when the crawler
   * records its own profiles (crawl-diag's agent, `--profile-dir`).
   */
  profileTarget(): string[] | undefined;
}

/**
 * Environment for crawlers: no proxy from the environment may send a request anywhere but the simulated web, and
 * TZ=UTC so the naive stamps of Scrapy and Python logging are UTC, the same on every machine.
 */
function crawlerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', ...extra };
  for (const k of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY']) delete env[k];
  return env;
}

function quote(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The version a crawler reports, or 'unknown' (the run still happens; the truth file says so). */
function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export function launchCrawler(name: CrawlerName, ctx: LaunchContext): LaunchedCrawler {
  switch (name) {
    case 'scrapy':
      return launchScrapy(ctx);
    case 'crawlee':
      return launchCrawlee(ctx);
    case 'crawl-diag':
      return launchCrawlDiag(ctx);
    case 'python':
      return launchPython(ctx);
  }
}

function launchScrapy(ctx: LaunchContext): LaunchedCrawler {
  const { crawler } = ctx.scenario;
  const project = join(REAL_CRAWLERS_DIR, 'scrapy');
  const settings: Record<string, string | number> = {
    SIMWEB_PROXY: `http://${ctx.web.address}:${ctx.web.port}`,
    CLOSESPIDER_TIMEOUT: ctx.durationSec,
    LOG_FILE: join(ctx.outDir, 'scrapy.log'),
    CONCURRENT_REQUESTS: crawler.concurrency,
    CONCURRENT_REQUESTS_PER_DOMAIN: crawler.perDomain,
    DOWNLOAD_DELAY: crawler.domainDelaySec,
  };
  if (crawler.unindexedStore) settings.SIMWEB_STORE = join(ctx.workDir, 'scrapy-pages.sqlite');
  const args = ['-m', 'scrapy', 'crawl', 'sim', '-a', `seeds_file=${ctx.seedsFile}`];
  for (const [k, v] of Object.entries(settings)) args.push('-s', `${k}=${v}`);
  const run = spawnGroup('python3', args, { cwd: project, env: crawlerEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = createWriteStream(join(ctx.outDir, 'scrapy-stderr.txt'));
  run.child.stderr!.pipe(stderr);
  return {
    name: 'scrapy',
    version: `Scrapy ${versionOf('python3', ['-c', 'import scrapy; print(scrapy.__version__)'])}`,
    command: `cd bench/real-crawlers/scrapy && python3 ${quote(args.map((a) => a.replace(ctx.outDir, 'OUT').replace(ctx.workDir, 'TMP').replace(ctx.seedsFile, 'seeds.txt').replace(`:${ctx.web.port}`, ':PORT')))}`,
    logs: ['scrapy.log'],
    run,
    profileTarget: () => ['--pid', String(run.child.pid)],
  };
}

function launchCrawlee(ctx: LaunchContext): LaunchedCrawler {
  const { crawler } = ctx.scenario;
  const script = join(REAL_CRAWLERS_DIR, 'crawlee', 'crawler.mjs');
  const logName = ctx.crawleeLog === 'json' ? 'crawlee.ndjson' : 'crawlee.log';
  const config = {
    seedsFile: ctx.seedsFile,
    address: ctx.web.address,
    port: ctx.web.port,
    durationSec: ctx.durationSec,
    maxConcurrency: crawler.concurrency,
    sameDomainDelaySecs: crawler.domainDelaySec,
    logFormat: ctx.crawleeLog,
    storageDir: join(ctx.workDir, 'crawlee-storage'),
    store: crawler.unindexedStore ? join(ctx.workDir, 'crawlee-pages.sqlite') : undefined,
  };
  const log = createWriteStream(join(ctx.outDir, logName));
  const run = spawnGroup(process.execPath, [script, JSON.stringify(config)], { cwd: REPO_ROOT, env: crawlerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  run.child.stdout!.pipe(log, { end: false });
  run.child.stderr!.pipe(log, { end: false });
  void run.exited.then(() => setTimeout(() => log.end(), 200));
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', '@crawlee', 'http', 'package.json'), 'utf8')) as { version: string };
  const shown = { ...config, seedsFile: 'seeds.txt', port: 'PORT', storageDir: 'TMP/crawlee-storage', store: config.store && 'TMP/crawlee-pages.sqlite' };
  return {
    name: 'crawlee',
    version: `@crawlee/http ${pkg.version}`,
    command: `node bench/real-crawlers/crawlee/crawler.mjs '${JSON.stringify(shown)}'`,
    logs: [logName],
    run,
    profileTarget: () => ['--pid', String(run.child.pid)],
  };
}

function launchCrawlDiag(ctx: LaunchContext): LaunchedCrawler {
  const { crawler } = ctx.scenario;
  const logDir = join(ctx.outDir, 'logs');
  const opts = {
    supervisors: 1,
    // One fetch at a time per worker process: 4 workers keep 4 requests in flight (half the others' 8: each is a
    // whole Node process, and this machine has 2 cores).
    workers: 4,
    durationSec: ctx.durationSec,
    seedsFile: ctx.seedsFile,
    resolveRule: ctx.web.resolveRule,
    logDir,
    store: { sqlite: join(ctx.workDir, 'crawl.sqlite') },
    faults: crawler.unindexedStore ? ['dedup-scan'] : [],
    delayMs: Math.round(crawler.domainDelaySec * 1000),
    maxDepth: 1000,
    // Where the cause is in the crawler, its own profiling agent records every process (what `doctor --profiles` reads).
    profileDir: crawler.unindexedStore ? join(ctx.outDir, 'profiles') : undefined,
  };
  const args = crawlLocalArgs(opts);
  const run = spawnGroup(process.execPath, [CRAWL_DIAG_BIN, ...args], { cwd: REPO_ROOT, env: crawlerEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = createWriteStream(join(ctx.outDir, 'crawl-stderr.txt'));
  run.child.stderr!.pipe(stderr);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', 'cli', 'package.json'), 'utf8')) as { version: string };
  return {
    name: 'crawl-diag',
    version: `crawl-diag ${pkg.version}`,
    command: `npx crawl-diag ${quote(args.map((a) => a.replace(ctx.outDir, 'OUT').replace(ctx.workDir, 'TMP').replace(ctx.seedsFile, 'seeds.txt').replace(String(ctx.web.port), 'PORT')))}`,
    logs: ['logs'],
    run,
    profileTarget: () => undefined,
  };
}

function launchPython(ctx: LaunchContext): LaunchedCrawler {
  const { crawler } = ctx.scenario;
  const script = join(REAL_CRAWLERS_DIR, 'python', 'crawler.py');
  if (!existsSync(script)) {
    throw new BenchUsageError(`the Python crawler is not in this checkout (${script} is missing)`);
  }
  const args = [
    script,
    '--seeds', ctx.seedsFile,
    '--resolve', ctx.web.resolveRule,
    // Four worker processes, one fetch at a time each, as crawl-diag's.
    '--workers', '4',
    '--duration', String(ctx.durationSec),
    '--politeness', String(crawler.domainDelaySec),
    ...(ctx.pythonDb ? ['--store', 'mongo', '--db', ctx.pythonDb] : ['--store', 'sqlite', '--db', join(ctx.workDir, 'python-crawl.sqlite')]),
    '--log-dir', join(ctx.outDir, 'logs'),
  ];
  const run = spawnGroup('python3', args, { cwd: REPO_ROOT, env: crawlerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = createWriteStream(join(ctx.outDir, 'python-stderr.txt'));
  run.child.stderr!.pipe(stderr);
  // The crawler prints its PID first; its workers are its children (profiled with --children-of).
  run.child.stdout!.resume();
  return {
    name: 'python',
    version: `python crawler (requests ${versionOf('python3', ['-c', 'import requests; print(requests.__version__)'])}, ${
      ctx.pythonDb
        ? `pymongo ${versionOf('python3', ['-c', 'import pymongo; print(pymongo.version)'])} on FerretDB`
        : `sqlite3 ${versionOf('python3', ['-c', 'import sqlite3; print(sqlite3.sqlite_version)'])}`
    })`,
    command: `python3 ${quote(args.map((a) => a.replace(ctx.outDir, 'OUT').replace(ctx.workDir, 'TMP').replace(ctx.seedsFile, 'seeds.txt').replace(String(ctx.web.port), 'PORT')).map((a) => a.replace(REPO_ROOT + '/', '').replace(/^mongodb:\/\/127\.0\.0\.1:\d+/, 'mongodb://127.0.0.1:FERRETDB_PORT')))}`,
    logs: ['logs'],
    run,
    profileTarget: () => ['--children-of', String(run.child.pid)],
  };
}
