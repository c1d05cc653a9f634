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

/**
 * Logs every HTTP request the worker makes, robots.txt included, as the original crawler's urllib3 did
 * (`"GET /robots.txt HTTP/1.1" 200`): robots.txt requests per page are the evidence of robots.txt refetching,
 * and a wall-time profile cannot show it (the fetch is a network wait).
 */
export function withRequestLog(fetcher: Fetcher, log: Logger): Fetcher {
  const line = (url: string, out: { kind: string; status?: number }) => {
    let target = url;
    try {
      const u = new URL(url);
      target = `${u.pathname}${u.search}`;
    } catch {
      // Not a URL the fetcher could have fetched either; log it as given.
    }
    log.debug(`"GET ${target} HTTP/1.1" ${out.status ?? out.kind}`);
  };
  return {
    async fetchPage(url) {
      const out = await fetcher.fetchPage(url);
      line(url, out as { kind: string; status?: number });
      return out;
    },
    async fetchText(url, opts) {
      const out = await fetcher.fetchText(url, opts);
      line(url, out as { kind: string; status?: number });
      return out;
    },
    close: () => fetcher.close(),
  };
}

function strategicEvents(log: Logger): CrawlEvents {
  const events = {} as CrawlEvents;
  for (const key of Object.keys(STRATEGIC_LEVELS) as (keyof typeof STRATEGIC_LEVELS)[]) {
    const level = STRATEGIC_LEVELS[key];
    const text = strategic[key];
    events[key] = (url: string) => log[level](text(url));
  }
  events.willBeRetried = (url, inMs, attempt, of, reason) => log.warn(strategic.willBeRetried(url, inMs, attempt, of, reason));
  return events;
}

export function createCrawlingBlocks(config: WorkerProcessConfig, store: CrawlStore): CrawlingBlocks {
  const log = openProcessLog(config.name, 'worker', config, config.owner);
  const policy = new NetworkPolicy({ allowPrivate: config.allowPrivate, resolve: config.resolve.map(parseResolveRule) });
  const fetcher = withRequestLog(createFetcher({ policy }), log);
  return {
    log,
    fetcher,
    // An unreachable robots.txt is kept (as "disallow all") only until the URL's retry comes, so the retry asks again.
    robots: new RobotsPolicy({ store, fetcher, noCache: config.faults.includes('robots-no-cache'), unreachableTtlMs: config.retryDelayMs }),
    politeness: new Politeness({ store, delayMs: config.delayMs }),
    events: strategicEvents(log),
  };
}
