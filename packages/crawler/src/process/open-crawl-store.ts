// Opens the crawl store a process was configured with (SQLite by default, MongoDB with a URI) and initialises it.
import { resolve } from 'node:path';
import type { CrawlFault, StoreTarget } from '../options.js';
import { DEFAULT_SQLITE_PATH } from '../options.js';
import { STORE_FAULTS, type CrawlStore, type StoreFault } from '../store/store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { ProcessKind } from './entry-points.js';

export function storeFaults(faults: CrawlFault[]): StoreFault[] {
  return faults.filter((f): f is StoreFault => (STORE_FAULTS as readonly string[]).includes(f));
}

export async function openCrawlStore(target: StoreTarget, faults: CrawlFault[], _kind: ProcessKind | 'cli'): Promise<CrawlStore> {
  const store = new SqliteStore({ path: resolve(target.sqlitePath ?? DEFAULT_SQLITE_PATH), faults: storeFaults(faults) });
  await store.init();
  return store;
}
