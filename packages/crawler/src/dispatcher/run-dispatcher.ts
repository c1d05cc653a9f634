// One dispatcher process from start to end: open the store, add the seeds, bind the ROUTER, run until the crawl
// is over or a signal arrives, close everything. Used by `crawl-diag crawl dispatcher` and by `crawl local`.
import type { DispatcherOptions } from '../options.js';
import { openCrawlStore } from '../process/open-crawl-store.js';
import { closeProcessLog, openProcessLog } from '../process/process-log.js';
import { seedUrls } from '../process/seeds.js';
import { StoreTimeLog } from '../process/store-time-log.js';
import { DispatcherSocket } from '../transport/dispatcher-socket.js';
import { Dispatcher, type DispatcherExitReason, type DispatcherProgress } from './dispatcher.js';

export interface RunDispatcherHooks {
  /** Called once the socket is bound, with the endpoint actually bound (a `*` port resolved). */
  onBound?: (endpoint: string) => void;
  onProgress?: (p: DispatcherProgress) => void;
}

export class BindError extends Error {
  readonly exitCode = 2;
  override readonly name = 'BindError';
}

export async function runDispatcher(opts: DispatcherOptions, hooks: RunDispatcherHooks = {}): Promise<DispatcherExitReason> {
  const log = openProcessLog('dispatcher', 'dispatcher', opts);
  const seeds = seedUrls(opts.seeds);
  // Client-side store time, logged per window: on a remote store the dispatcher's profile shows only waiting.
  const storeTime = new StoreTimeLog();
  const store = await openCrawlStore(opts.store, opts.faults, 'dispatcher', storeTime.sink);
  storeTime.attach(log);
  const socket = new DispatcherSocket();
  try {
    if (seeds.length > 0) {
      const added = await store.addUrls(seeds, Date.now());
      log.info({ seeds: seeds.length, added }, `${added} new seed URL(s) added to the frontier.`);
    }
    let endpoint: string;
    try {
      endpoint = await socket.bind(opts.bind);
    } catch (err) {
      throw new BindError(`cannot bind ${opts.bind} (${(err as Error).message}); pick another --bind address or port`);
    }
    log.info({ endpoint, store: store.location }, `Dispatcher listening on ${endpoint}.`);
    hooks.onBound?.(endpoint);
    const dispatcher = new Dispatcher({ store, socket, log, opts, onProgress: hooks.onProgress, progressMs: opts.progressMs });
    const onSignal = () => dispatcher.stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await dispatcher.run();
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } finally {
    socket.close();
    await store.close();
    storeTime.stop();
    await closeProcessLog(log);
  }
}
