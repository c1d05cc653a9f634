// What the doctor knows about each crawler beyond its log lines (those are the log analyzer's crawl signals):
// which of its process kinds hand out work and which fetch, which frames of its code mean the frontier query, the
// dedup check and robots.txt handling, and which libraries are its database clients. The rules read these, so a
// rule says "the frontier query" for our crawler and "a database call at pipelines.py:31" for Scrapy without
// knowing either.
import { CRAWLER_LOGS, type CrawlerKind, type CrawlerLogs } from '@crawl-diag/log-analyzer';
import { NODE_DB_CLIENTS, PYTHON_DB_CLIENTS, type DbClient } from './db-clients.js';

export interface CrawlerProfile {
  kind: CrawlerKind | 'unknown';
  label: string;
  /** How its logs are read (the analyzer's table); undefined for an unknown crawler. */
  logs?: CrawlerLogs;
  /** The process kind that hands URLs to the fetchers, when the crawler has a separate one. */
  dispatcherKind?: string;
  /** Frames (matched against `function (file:line)`) by what they stand for in the crawler's own code. */
  frames: { frontier?: RegExp; dedup?: RegExp; robots?: RegExp };
  dbClients: DbClient[];
  /**
   * The crawler's own hooks where a program stores what it crawled, when its architecture has them (Scrapy's item
   * pipelines): time in them counts as store time even when the profile cannot see the database call inside (a
   * C extension running on CPU, as sqlite3 does when it scans a table).
   */
  storeHooks?: { frame: RegExp; label: string };
  /**
   * Whether the crawler limits each domain by default (a delay, a per-domain concurrency). One that does crawls a
   * narrowed frontier's few domains up to that limit, which a crawl bound by its total concurrency early had not
   * reached; one that does not (Crawlee: sameDomainDelaySecs 0) can crawl one site as hard as forty.
   */
  perDomainLimit: boolean;
  /** What to add to the crawler's logs so a slower web shows in them, when they do not carry request times. */
  latencyHint?: string;
  /**
   * The crawler logs every URL its per-domain limit holds back (the original Python crawler's `was postponed`): with
   * none in the judged window that limit never held the crawl back, whatever the domains did.
   */
  logsEveryHeldBackUrl?: boolean;
  /**
   * Its failed fetches are logged without the status or error that failed them (the original Python crawler's
   * `Could not retrieve content for URL '…'`, for a 429, a 503 or a timeout alike): failures per page are then the
   * only sign of the sites refusing.
   */
  failuresWithoutStatus?: boolean;
  /** What to add to the crawler's logs so each page's URL (its domain) shows in them, when they have none. */
  urlHint?: string;
  /** How the crawler's per-domain limit is set (a delay, a per-domain concurrency), for the findings' text. */
  perDomainLimitNote?: string;
}

/** Our crawler: the dispatcher leases from the frontier, workers check dedup and robots.txt (DESIGN.md). */
const CRAWL_DIAG: CrawlerProfile = {
  kind: 'crawl-diag',
  label: CRAWLER_LOGS['crawl-diag'].label,
  logs: CRAWLER_LOGS['crawl-diag'],
  dispatcherKind: 'dispatcher',
  frames: { frontier: /leaseUrls|lease[A-Z]\w*|frontier/i, dedup: /addUrls|pageSeen|dedup/i, robots: /robots/i },
  dbClients: NODE_DB_CLIENTS,
  perDomainLimitNote: 'a per-domain delay (--delay)',
  perDomainLimit: true,
};

/** The original Python crawler (the story's): strategic lines, a MongoDB frontier read through pymongo. */
const PYTHON: CrawlerProfile = {
  kind: 'python',
  label: CRAWLER_LOGS.python.label,
  logs: CRAWLER_LOGS.python,
  frames: { frontier: /frontier|next_url|get_url|pending|lease/i, dedup: /seen|dedup|visited/i, robots: /robot/i },
  dbClients: PYTHON_DB_CLIENTS,
  perDomainLimitNote: 'its politeness delay per domain (URLs postponed)',
  perDomainLimit: true,
  logsEveryHeldBackUrl: true,
  failuresWithoutStatus: true,
};

/** Scrapy: the scheduler's queue is the frontier, the dupefilter the dedup check; item pipelines write the store. */
const SCRAPY: CrawlerProfile = {
  kind: 'scrapy',
  label: CRAWLER_LOGS.scrapy.label,
  logs: CRAWLER_LOGS.scrapy,
  frames: { frontier: /scrapy[/\\]core[/\\]scheduler|next_request/, dedup: /dupefilter|request_seen/, robots: /robotstxt/i },
  dbClients: PYTHON_DB_CLIENTS,
  // ITEM_PIPELINES classes' process_item (the program's, not Scrapy's own): Scrapy's place for storing items.
  storeHooks: { frame: /(?:^|\.)process_item$/, label: 'Scrapy item pipeline' },
  perDomainLimitNote: 'CONCURRENT_REQUESTS_PER_DOMAIN (8 by default) and DOWNLOAD_DELAY',
  perDomainLimit: true,
  urlHint: "Scrapy logs each page's URL and each 429/503 answer only at DEBUG (LOG_LEVEL=DEBUG, its default): at INFO its log has LogStats totals, not the domains",
  latencyHint: "Scrapy's log carries no request times: two profiles of the crawler, early and late (crawl-diag flame --pid), tell a crawler that slows from a web that slows, whose profile is waiting on the network",
};

/** Crawlee: the request queue is the frontier (and its dedup, by unique key). */
const CRAWLEE: CrawlerProfile = {
  kind: 'crawlee',
  label: CRAWLER_LOGS.crawlee.label,
  logs: CRAWLER_LOGS.crawlee,
  frames: { frontier: /fetchNextRequest|RequestQueue|request_queue/, dedup: /addRequests?|uniqueKey/, robots: /[Rr]obots/ },
  dbClients: NODE_DB_CLIENTS,
  urlHint: "Crawlee's statistics carry no URLs: log each request's URL in the request handler (log.info(`Processing ${request.url}`), as Crawlee's examples do) so the domains show",
  perDomainLimitNote: 'sameDomainDelaySecs, 0 by default (basic-crawler.ts)',
  perDomainLimit: false,
};

const UNKNOWN: CrawlerProfile = {
  kind: 'unknown',
  label: 'the crawler',
  frames: {},
  dbClients: [...PYTHON_DB_CLIENTS, ...NODE_DB_CLIENTS],
  perDomainLimit: false,
};

export const CRAWLER_PROFILES: Record<CrawlerKind | 'unknown', CrawlerProfile> = {
  'crawl-diag': CRAWL_DIAG,
  python: PYTHON,
  scrapy: SCRAPY,
  crawlee: CRAWLEE,
  'access-log': { ...UNKNOWN, kind: 'access-log', label: CRAWLER_LOGS['access-log'].label, logs: CRAWLER_LOGS['access-log'] },
  unknown: UNKNOWN,
};

export function crawlerProfile(kind: CrawlerKind | 'unknown' | undefined): CrawlerProfile {
  return CRAWLER_PROFILES[kind ?? 'unknown'];
}
