// One worker process: opens the store and the crawling blocks, then crawls the URLs its supervisor hands it, one
// at a time, and answers with each outcome. Stops after the current URL when asked; exits at once when its
// supervisor is gone (the supervisor's leases are then released by the dispatcher or expire).
import type { Logger } from 'pino';
import type { CrawlStore } from '../store/store.js';
import type { Fetcher } from '../fetch/fetcher.js';
import { openCrawlStore } from '../process/open-crawl-store.js';
import { closeProcessLog } from '../process/process-log.js';
import { StoreTimeLog } from '../process/store-time-log.js';
import type { FromWorker, ToWorker } from './ipc.js';
import type { WorkerProcessConfig } from './worker-config.js';
import { crawlUrl, type CrawlUrlContext } from './crawl-url.js';
import { createCrawlingBlocks } from './crawling-blocks.js';

export interface WorkerChannel {
  send(msg: FromWorker): void;
  onMessage(handler: (msg: ToWorker) => void): void;
}

export async function runWorker(config: WorkerProcessConfig, channel: WorkerChannel): Promise<void> {
  // Listen at once: a 'stop' sent while the store is still opening must not be lost.
  const early: ToWorker[] = [];
  let handle: (msg: ToWorker) => void = (msg) => early.push(msg);
  channel.onMessage((msg) => handle(msg));

  // Every store call of the worker (robots.txt cache and politeness claims included) is timed and logged per window.
  const storeTime = new StoreTimeLog({ strict: false });
  const store: CrawlStore = await openCrawlStore(config.store, config.faults, 'worker', storeTime.sink);
  const blocks = createCrawlingBlocks(config, store);
  const log: Logger = blocks.log;
  storeTime.attach(log);
  const fetcher: Fetcher = blocks.fetcher;
  const ctx: CrawlUrlContext = {
    store,
    fetcher,
    robots: blocks.robots,
    politeness: blocks.politeness,
    events: blocks.events,
    fetchedBy: config.name,
    maxDepth: config.maxDepth,
    allowedDomains: config.allowedDomains,
    retry: { retries: config.retries, retryDelayMs: config.retryDelayMs, maxRetryAfterMs: config.maxRetryAfterMs },
  };

  let stopRequested = false;
  let busy: Promise<void> = Promise.resolve();
  const finished = new Promise<void>((resolve) => {
    handle = (msg) => {
      switch (msg.type) {
        case 'crawl':
          busy = busy.then(async () => {
            try {
              channel.send({ type: 'result', url: msg.url.url, ...(await crawlUrl(ctx, msg.url)) });
            } catch (err) {
              // The store failed (database away after the driver's own retries): the URL goes back to the frontier.
              log.warn({ url: msg.url.url, err: (err as Error).message }, 'Store failure while crawling; URL handed back.');
              channel.send({ type: 'error', url: msg.url.url, message: (err as Error).message });
            }
          });
          break;
        case 'release-leases':
          void store.releaseLeases(msg.owner).then(
            (count) => channel.send({ type: 'released', owner: msg.owner, count }),
            (err) => log.warn({ err: (err as Error).message }, 'Could not release leases in the store.'),
          );
          break;
        case 'crawl-state':
          // The cheap summary first; the per-domain stats (a scan of every URL and page) only once nothing is open.
          void (async () => {
            const summary = await store.frontierSummary(Date.now());
            const open = summary.pending + summary.leased;
            if (open > 0) return { open, finished: 0 };
            const st = await store.stats();
            return { open: st.pending + st.leased, finished: st.done + st.failed + st.ignored };
          })().then(
            (state) => channel.send({ type: 'crawl-state', ...state }),
            (err) => channel.send({ type: 'crawl-state', open: 0, finished: 0, error: (err as Error).message }),
          );
          break;
        case 'stop':
          if (!stopRequested) {
            stopRequested = true;
            void busy.then(resolve);
          }
          break;
      }
    };
    for (const msg of early.splice(0)) handle(msg);
  });
  if (!stopRequested) channel.send({ type: 'ready' });
  await finished;
  await fetcher.close();
  await store.close();
  storeTime.stop();
  await closeProcessLog(log);
}
