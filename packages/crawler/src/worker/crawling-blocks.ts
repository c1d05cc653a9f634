// Builds the crawling blocks a worker uses (fetcher behind the network policy, robots.txt gate, strategic log)
// from its configuration.
import type { Logger } from 'pino';
import robotsParserModule from 'robots-parser';
import type { CrawlStore } from '../store/store.js';
import { createFetcher, DEFAULT_USER_AGENT, type Fetcher } from '../fetch/fetcher.js';
import { domainOf, robotsTxtUrlOf } from '../fetch/url.js';
import { NetworkPolicy, parseResolveRule } from '../net/network-policy.js';
import { openProcessLog } from '../process/process-log.js';
import * as strategic from '../log/strategic.js';
import { STRATEGIC_LEVELS } from '../log/strategic.js';
import type { CrawlEvents, RobotsGate, RobotsVerdict } from './crawl-ports.js';
import type { WorkerProcessConfig } from './worker-config.js';

export interface CrawlingBlocks {
  log: Logger;
  fetcher: Fetcher;
  robots: RobotsGate;
  events: CrawlEvents;
}

// robots-parser is CommonJS with `export default` typings; under NodeNext the default import is the function itself.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

const ROBOTS_TTL_MS = 24 * 3600_000;

function robotsGate(store: CrawlStore, fetcher: Fetcher, noCache: boolean): RobotsGate {
  return {
    async check(url: string): Promise<RobotsVerdict> {
      const domain = domainOf(url);
      let entry = noCache ? undefined : await store.getRobots(domain);
      if (!entry) {
        const res = await fetcher.fetchText(robotsTxtUrlOf(url));
        const now = Date.now();
        const status = 'status' in res ? res.status : 0;
        entry = { domain, status, body: res.kind === 'text' ? res.body : '', fetchedAt: now, expiresAt: now + ROBOTS_TTL_MS };
        if (!noCache) await store.putRobots(entry);
      }
      if (entry.status === 0 || entry.status >= 500) return { verdict: 'unknown' };
      if (entry.status >= 400) return { verdict: 'allowed' };
      const robots = robotsParser(robotsTxtUrlOf(url), entry.body);
      const delay = robots.getCrawlDelay('crawl-diag');
      const crawlDelayMs = delay === undefined ? undefined : delay * 1000;
      return robots.isDisallowed(url, 'crawl-diag') ? { verdict: 'disallowed', crawlDelayMs } : { verdict: 'allowed', crawlDelayMs };
    },
  };
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
  const fetcher = createFetcher({ policy, userAgent: DEFAULT_USER_AGENT });
  return { log, fetcher, robots: robotsGate(store, fetcher, config.faults.includes('robots-no-cache')), events: strategicEvents(log) };
}
