// Opens the crawl store a process was configured with and initialises it: MongoDB when a URI is given (through
// store/open-store.ts), else the SQLite file. SQLite is opened directly so that the processes of a SQLite crawl
// never load the MongoDB driver (a worker's start-up time is paid once per process, many processes per crawl).
import { resolve } from 'node:path';
import type { CrawlFault, StoreTarget } from '../options.js';
import { STORE_FAULTS, type CrawlStore, type StoreFault } from '../store/store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { ProcessKind } from './entry-points.js';

export function storeFaults(faults: readonly CrawlFault[]): StoreFault[] {
  return faults.filter((f): f is StoreFault => (STORE_FAULTS as readonly string[]).includes(f));
}

export class StoreTargetError extends Error {
  readonly exitCode = 2;
  override readonly name = 'StoreTargetError';
}

export async function openCrawlStore(target: StoreTarget, faults: readonly CrawlFault[], _kind: ProcessKind | 'cli'): Promise<CrawlStore> {
  if (target.mongoUri !== undefined) {
    const { openStore } = await import('../store/open-store.js');
    return openStore({ mongo: target.mongoUri, mongoPoliteness: target.mongoPolitenessUri, faults: storeFaults(faults) });
  }
  if (target.sqlitePath === undefined) throw new StoreTargetError('no store given: pass --sqlite PATH or --mongo URI');
  const store = new SqliteStore({ path: resolve(target.sqlitePath), faults: storeFaults(faults) });
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
