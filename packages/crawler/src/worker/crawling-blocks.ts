// Builds the crawling blocks a worker uses (fetcher behind the network policy, robots.txt policy, politeness
// claims, strategic log) from its configuration.
import type { Logger } from 'pino';
import type { CrawlStore } from '../store/store.js';
import { createFetcher, type Fetcher } from '../fetch/fetcher.js';
import { NetworkPolicy, parseResolveRule } from '../net/network-policy.js';
import { RobotsPolicy } from '../robots/robots-policy.js';
import { Politeness } from '../politeness/politeness.js';
import * as strategic from '../log/strategic.js';
import { STRATEGIC_LEVELS } from '../log/strategic.js';
import { openProcessLog } from '../process/process-log.js';
import type { CrawlEvents } from './crawl-ports.js';
import type { WorkerProcessConfig } from './worker-config.js';

export interface CrawlingBlocks {
  log: Logger;
  fetcher: Fetcher;
  robots: RobotsPolicy;
  politeness: Politeness;
  events: CrawlEvents;
}

function strategicEvents(log: Logger): CrawlEvents {
  const events = {} as CrawlEvents;
  for (const key of Object.keys(STRATEGIC_LEVELS) as (keyof typeof STRATEGIC_LEVELS)[]) {
    const level = STRATEGIC_LEVELS[key];
    const text = strategic[key];
    events[key] = (url: string) => log[level](text(url));
  }
  return events;
}

export function createCrawlingBlocks(config: WorkerProcessConfig, store: CrawlStore): CrawlingBlocks {
  const log = openProcessLog(config.name, 'worker', config);
  const policy = new NetworkPolicy({ allowPrivate: config.allowPrivate, resolve: config.resolve.map(parseResolveRule) });
  const fetcher = createFetcher({ policy });
  return {
    log,
    fetcher,
    robots: new RobotsPolicy({ store, fetcher, noCache: config.faults.includes('robots-no-cache') }),
    politeness: new Politeness({ store, delayMs: config.delayMs }),
    events: strategicEvents(log),
  };
}
