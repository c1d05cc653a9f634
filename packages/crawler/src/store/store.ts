// The crawler's storage interface: seeds and frontier, crawled pages, robots.txt cache and per-domain politeness.
// Two implementations (MongoStore, SqliteStore) pass one contract test suite (packages/crawler/test/store-contract).

/** Where a URL is in its life. */
export type UrlState = 'pending' | 'leased' | 'done' | 'failed' | 'ignored';

/** A URL to add to the frontier. */
export interface NewUrl {
  url: string;
  /** Host name (lower case) the URL belongs to; politeness and robots are per domain. */
  domain: string;
  depth: number;
  /** The page the link was found on, if any. */
  discoveredFrom?: string;
}

/** A URL handed to a process, held until `leaseExpiresAt`; after that it may be handed out again. */
export interface LeasedUrl {
  url: string;
  domain: string;
  depth: number;
  leaseOwner: string;
  leaseExpiresAt: number;
  /** How many times it has been leased before (a URL that keeps killing workers is eventually failed). */
  attempts: number;
}

export interface LeaseRequest {
  /** Who holds the lease: `supervisor-id/worker-id`, or any stable process id. */
  owner: string;
  limit: number;
  leaseMs: number;
  /** Clock in ms since the epoch; tests pass it, processes use Date.now(). */
  now: number;
  /**
   * When given, only URLs of these domains are leased and at most one URL per domain (politeness-aware dispatch).
   * When absent, any URL whose not-before time has come.
   */
  domainsFree?: boolean;
}

export interface StoredPage {
  url: string;
  finalUrl: string;
  status: number;
  contentType: string;
  html: string;
  fetchedAt: number;
  fetchMs: number;
  /** Who fetched it (process id), for diagnosis. */
  fetchedBy: string;
}

export interface RobotsEntry {
  domain: string;
  /** HTTP status of the robots.txt fetch, or 0 when unreachable. */
  status: number;
  body: string;
  fetchedAt: number;
  expiresAt: number;
}

/** Result of trying to claim a domain for one fetch under its politeness delay. */
export type DomainClaim = { granted: true } | { granted: false; notBefore: number };

export interface DomainStats {
  domain: string;
  pending: number;
  leased: number;
  done: number;
  failed: number;
  ignored: number;
  pages: number;
}

export interface CrawlStats {
  pages: number;
  pending: number;
  leased: number;
  done: number;
  failed: number;
  ignored: number;
  domains: DomainStats[];
}

/** Fault switches that reproduce real causes of slow or decaying crawls (see DESIGN.md); off by default. */
export type StoreFault = 'unindexed-frontier' | 'dedup-scan';

export interface StoreOptions {
  faults?: StoreFault[];
}

export interface CrawlStore {
  /** Creates tables/collections and indexes; idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Adds URLs not seen before (deduplicated on the normalised URL); returns how many were new. */
  addUrls(urls: NewUrl[], now: number): Promise<number>;
  /** Leases up to `limit` URLs that are pending (not-before passed) or whose lease expired. Atomic across processes. */
  leaseUrls(req: LeaseRequest): Promise<LeasedUrl[]>;
  /** Extends leases the owner still holds (heartbeat). Returns how many were extended. */
  renewLeases(owner: string, urls: string[], until: number): Promise<number>;
  /** Puts a leased URL back as pending with a not-before time (politeness postponement). */
  postponeUrl(url: string, owner: string, notBefore: number): Promise<void>;
  /** Ends a URL: done (page stored), failed (could not retrieve) or ignored (robots, filters). */
  finishUrl(url: string, owner: string, state: 'done' | 'failed' | 'ignored', detail?: string): Promise<void>;
  /** Releases every lease an owner holds (graceful stop); the URLs become pending again. Returns how many. */
  releaseLeases(owner: string): Promise<number>;

  /** Stores a page; storing the same URL twice keeps one page (upsert). */
  savePage(page: StoredPage): Promise<void>;
  /** Whether a URL has been seen (in the frontier in any state). */
  hasUrl(url: string): Promise<boolean>;

  getRobots(domain: string): Promise<RobotsEntry | undefined>;
  putRobots(entry: RobotsEntry): Promise<void>;
  /** Atomically claims a domain for one fetch if its last fetch was at least `delayMs` ago. */
  claimDomain(domain: string, now: number, delayMs: number): Promise<DomainClaim>;

  stats(): Promise<CrawlStats>;
}
