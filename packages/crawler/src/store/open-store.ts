// Opens the crawl store a command asked for: MongoDB when a URI is given, else the embedded SQLite file.
// The MongoDB store (and so the driver) is imported only when asked for: every process of a SQLite crawl pays its
// start-up once, and a crawl starts many processes.
import { SqliteStore } from './sqlite-store.js';
import { StoreConfigError } from './errors.js';
import { STORE_FAULTS, type CrawlStore, type StoreFault } from './store.js';

/** Where `crawl-diag crawl …` keeps its SQLite store when neither --mongo nor --sqlite is given. */
export const DEFAULT_SQLITE_PATH = './crawl-data/crawl.sqlite';

export interface OpenStoreOptions {
  /** `--mongo URI`: seeds, frontier and pages on MongoDB. When absent, SQLite is used. */
  mongo?: string;
  /** `--mongo-politeness URI`: robots.txt and per-domain politeness on another server. Default: `mongo`. */
  mongoPoliteness?: string;
  /** `--sqlite PATH`. Default `./crawl-data/crawl.sqlite` (relative to the working directory); parents are created. */
  sqlite?: string;
  /**
   * Fault switches (`--fault`). The store applies `unindexed-frontier` and `dedup-scan`; the others
   * (`politeness-blind`, `robots-no-cache`) belong to the dispatcher and workers and are ignored here.
   */
  faults?: readonly string[];
  /** MongoDB connections per server for this process. Default 4 (see STORAGE.md, "Pool sizing"). */
  poolSize?: number;
  /** How long MongoDB operations keep retrying through an outage. Default 60 000 ms. */
  retryForMs?: number;
}

/** Opens and initialises the store (creates tables/collections and indexes). */
export async function openStore(options: OpenStoreOptions = {}): Promise<CrawlStore> {
  const faults = (options.faults ?? []).filter((f): f is StoreFault => (STORE_FAULTS as readonly string[]).includes(f));
  if (options.mongo !== undefined && options.sqlite !== undefined) {
    throw new StoreConfigError('--mongo and --sqlite were both given; choose one store');
  }
  if (options.mongoPoliteness !== undefined && options.mongo === undefined) {
    throw new StoreConfigError('--mongo-politeness needs --mongo (the content server); add --mongo URI');
  }
  if (options.poolSize !== undefined && (!Number.isInteger(options.poolSize) || options.poolSize < 1)) {
    throw new StoreConfigError(`pool size must be a whole number of at least 1, not ${options.poolSize}`);
  }
  let store: CrawlStore;
  if (options.mongo !== undefined) {
    for (const uri of [options.mongo, options.mongoPoliteness]) {
      if (uri !== undefined && !/^mongodb(\+srv)?:\/\//.test(uri)) {
        throw new StoreConfigError(`not a MongoDB URI: ${JSON.stringify(uri)}; use mongodb://HOST:PORT/DATABASE`);
      }
    }
    const { MongoStore } = await import('./mongo-store.js');
    store = new MongoStore({
      uri: options.mongo,
      ...(options.mongoPoliteness !== undefined ? { politenessUri: options.mongoPoliteness } : {}),
      ...(options.poolSize !== undefined ? { maxPoolSize: options.poolSize } : {}),
      ...(options.retryForMs !== undefined ? { retry: { retryForMs: options.retryForMs } } : {}),
      faults,
    });
  } else {
    store = new SqliteStore({ path: options.sqlite ?? DEFAULT_SQLITE_PATH, faults });
  }
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
