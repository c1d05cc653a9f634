// Typed options of the crawler's processes (dispatcher, supervisor, worker, `crawl local`), with their defaults.
// Every process receives the fields it needs as one JSON object (see process/child-config.ts), so these types are
// the contract between `crawl local`, the CLI and the entry points it spawns.
import type { StoreFault } from './store/store.js';

/** Fault switches that reproduce real causes of slow or decaying crawls (DESIGN.md); all off by default. */
export type CrawlFault = StoreFault | 'politeness-blind' | 'robots-no-cache';
export const CRAWL_FAULTS: readonly CrawlFault[] = ['unindexed-frontier', 'dedup-scan', 'politeness-blind', 'robots-no-cache'];

import type { LogFormat } from './log/logger.js';
import { DEFAULT_FETCH_RETRY, type FetchRetryOptions } from './worker/retry.js';

/** Where the crawl is stored. With no `mongoUri`, SQLite at `sqlitePath`. */
export interface StoreTarget {
  /** The SQLite file; the CLI defaults it to `./crawl-data/crawl.sqlite` (DEFAULT_SQLITE_PATH of store/open-store.ts). */
  sqlitePath?: string;
  /** Seeds, frontier and pages. */
  mongoUri?: string;
  /** robots.txt cache and per-domain politeness; defaults to `mongoUri` (a second server in a two-server setup). */
  mongoPolitenessUri?: string;
}

/** Heartbeats between dispatcher and supervisors. */
export interface HeartbeatOptions {
  /** How often each side says it is alive. Default 1000 ms. */
  heartbeatMs: number;
  /** Silence after which a peer is taken for dead. Default 5 × heartbeatMs. */
  livenessMs: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatOptions = { heartbeatMs: 1000, livenessMs: 5000 };

/**
 * Logging of one process: a file in `logDir` named after the process, and/or its records shipped to `logTo`; nothing
 * when both are absent.
 */
export interface LogOptions {
  logDir?: string;
  /** http://HOST:PORT of a VictoriaLogs server to ship every record to (fields node, kind, pid). */
  logTo?: string;
  /** Where shipped records wait while the server is away (default: a directory per server under the temp dir). */
  logSpoolDir?: string;
  /** Default 'python' (the original crawler's text format). */
  logFormat: LogFormat;
}

export interface DispatcherOptions extends HeartbeatOptions, LogOptions {
  /** ZeroMQ endpoint to bind, e.g. `tcp://127.0.0.1:5555`; `tcp://127.0.0.1:*` picks a free port. */
  bind: string;
  store: StoreTarget;
  faults: CrawlFault[];
  /** URLs added to the frontier at start (depth 0); already-known URLs are left as they are. */
  seeds: string[];
  /** How long a URL handed to a supervisor stays its own without renewal. Default 60 000 ms. */
  leaseMs: number;
  /** Stop handing out URLs once this many pages were stored in this run. */
  maxPages?: number;
  /** Stop the crawl after this long. */
  durationMs?: number;
  /** Exit (and tell the supervisors to stop) when the frontier is exhausted. Default true. */
  exitWhenDone: boolean;
  /** A URL leased more often than this (its fetches kept dying with their process) is failed. Default 5. */
  maxAttempts: number;
  /** How often the frontier is polled when it had nothing to hand out. Default 200 ms. */
  pollMs: number;
  /** Progress line interval on stderr. Default 2000 ms; 0 disables. */
  progressMs: number;
}

export interface WorkerOptions extends LogOptions, FetchRetryOptions {
  store: StoreTarget;
  faults: CrawlFault[];
  /** Per-domain delay between fetches when robots.txt gives no Crawl-delay. Default 1000 ms. */
  delayMs: number;
  /** Links deeper than this (seeds are depth 0) are not followed. Default 5. */
  maxDepth: number;
  /** Host names (and their subdomains) that may be crawled; empty = any. Default []. */
  allowedDomains: string[];
  /** `HOST=ADDR:PORT` mappings (HOST may be `*`) to loopback servers, for tests and the bench. */
  resolve: string[];
  /** Let private, loopback and link-local addresses through. Default false. */
  allowPrivate: boolean;
}

export interface SupervisorOptions extends HeartbeatOptions {
  /** Dispatcher endpoint, e.g. `tcp://10.0.0.5:5555`. */
  connect: string;
  /** Worker processes to run. Default 2. */
  workers: number;
  /** Supervisor id (ZeroMQ routing id and lease owner). Default `<hostname>-<pid>-<random>`. */
  id?: string;
  worker: WorkerOptions;
  /** URLs queued per worker beside the one it works on (hides the dispatcher round trip). Default 1. */
  prefetch: number;
  /** On a graceful stop, how long workers may take to finish their current URL. Default 15 000 ms. */
  stopGraceMs: number;
  /** Start every process with the profiler agent writing profiles here. */
  profileDir?: string;
}

export interface LocalCrawlOptions {
  /** Supervisors to start. Default 1. */
  supervisors: number;
  /** Workers per supervisor. Default 2. */
  workers: number;
  dispatcher: DispatcherOptions;
  worker: WorkerOptions;
  heartbeat: HeartbeatOptions;
  stopGraceMs: number;
  /** See SupervisorOptions.prefetch. */
  prefetch: number;
  profileDir?: string;
}

export const DEFAULT_WORKER: Omit<WorkerOptions, 'store'> = {
  faults: [],
  delayMs: 1000,
  maxDepth: 5,
  allowedDomains: [],
  resolve: [],
  allowPrivate: false,
  logFormat: 'python',
  ...DEFAULT_FETCH_RETRY,
};

export const DEFAULT_DISPATCHER: Omit<DispatcherOptions, 'store' | 'bind'> = {
  ...DEFAULT_HEARTBEAT,
  faults: [],
  seeds: [],
  leaseMs: 60_000,
  exitWhenDone: true,
  maxAttempts: 5,
  pollMs: 200,
  progressMs: 2000,
  logFormat: 'python',
};

export const DEFAULT_STOP_GRACE_MS = 15_000;
export const DEFAULT_PREFETCH = 1;
