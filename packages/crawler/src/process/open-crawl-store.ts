// Opens the crawl store a process was configured with (its --mongo/--sqlite target) and initialises it.
import { resolve } from 'node:path';
import type { CrawlFault, StoreTarget } from '../options.js';
import type { CrawlStore } from '../store/store.js';
import { openStore } from '../store/open-store.js';
import type { ProcessKind } from './entry-points.js';

export class StoreTargetError extends Error {
  readonly exitCode = 2;
  override readonly name = 'StoreTargetError';
}

export async function openCrawlStore(target: StoreTarget, faults: readonly CrawlFault[], _kind: ProcessKind | 'cli'): Promise<CrawlStore> {
  if (target.mongoUri !== undefined) {
    return openStore({ mongo: target.mongoUri, mongoPoliteness: target.mongoPolitenessUri, faults });
  }
  if (target.sqlitePath === undefined) throw new StoreTargetError('no store given: pass --sqlite PATH or --mongo URI');
  return openStore({ sqlite: resolve(target.sqlitePath), faults });
}
