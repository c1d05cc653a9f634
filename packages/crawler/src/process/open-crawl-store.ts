// Opens the crawl store a process was configured with (its --mongo/--sqlite target) and initialises it.
import { resolve } from 'node:path';
import type { CrawlFault, StoreTarget } from '../options.js';
import type { CrawlStore } from '../store/store.js';
import { openStore } from '../store/open-store.js';
import { timedStore, type StoreCallSink } from '../store/timed-store.js';
import type { ProcessKind } from './entry-points.js';

export class StoreTargetError extends Error {
  readonly exitCode = 2;
  override readonly name = 'StoreTargetError';
}

/**
 * `timing`: when given, every store call of the returned store is timed into it (see store/timed-store.ts; the
 * dispatcher and workers log the sums as "Store time" lines). Default: not timed.
 */
export async function openCrawlStore(
  target: StoreTarget,
  faults: readonly CrawlFault[],
  _kind: ProcessKind | 'cli',
  timing?: StoreCallSink,
): Promise<CrawlStore> {
  const store = await openUntimed(target, faults);
  return timing ? timedStore(store, timing) : store;
}

function openUntimed(target: StoreTarget, faults: readonly CrawlFault[]): Promise<CrawlStore> {
  if (target.mongoUri !== undefined) {
    return openStore({ mongo: target.mongoUri, mongoPoliteness: target.mongoPolitenessUri, faults });
  }
  if (target.sqlitePath === undefined) throw new StoreTargetError('no store given: pass --sqlite PATH or --mongo URI');
  return openStore({ sqlite: resolve(target.sqlitePath), faults });
}
