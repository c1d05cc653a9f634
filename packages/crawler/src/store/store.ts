// The crawler's storage interface: seeds and frontier, crawled pages, robots.txt cache and per-domain politeness.
// Two implementations (MongoStore, SqliteStore) pass one contract test suite (packages/crawler/test/store-contract).
//
// Semantics every caller may rely on (both implementations, checked by the contract suite):
// - A URL is identified by its string exactly as given: callers normalise first (lower-case host, no fragment, …).
// - Frontier rows are never deleted: a URL moves pending → leased → done | failed | ignored, or back to pending
//   (postponed, released, lease expired). "Nothing is lost" means every added URL ends in a final state or is
//   still pending/leased.
// - Times are ms since the epoch, always passed in by the caller (`now`), so tests control the clock and every
//   process on a machine agrees through the store rather than through shared memory.
// - A lease is owned by an opaque `owner` string; operations that change a leased URL (renew, postpone, finish)
//   only act when the URL's current lease owner is that owner, and return whether they did.
// - Stores are safe to share between processes: any number of processes may open the same SQLite file or the
//   same MongoDB databases at once; leaseUrls and claimDomain are atomic across all of them.
// - When the database is unreachable, operations retry with backoff and then throw StoreUnavailableError
//   (see ./errors.ts), which carries `exitCode`.

/** Where a URL is in its life. `done`, `failed` and `ignored` are final. */
export type UrlState = 'pending' | 'leased' | 'done' | 'failed' | 'ignored';

/** A URL to add to the frontier. */
export interface NewUrl {
  /** The normalised URL; deduplication compares this string exactly. */
  url: string;
  /** Host name (lower case) the URL belongs to; politeness and robots are per domain. */
  domain: string;
  depth: number;
  /** The page the link was found on, if any. */
  discoveredFrom?: string;
  /** Earliest time it may be leased; default: the `now` passed to addUrls. */
  notBefore?: number;
}

/** A domain's politeness slot as a process saw it: its generation (claims so far) and its next-free time. */
export interface DomainSlot {
  gen: number;
  freeAt: number;
}

/** A URL handed to a process, held until `leaseExpiresAt`; after that it may be handed out again. */
export interface LeasedUrl {
  url: string;
  domain: string;
  depth: number;
  discoveredFrom?: string;
  leaseOwner: string;
  leaseExpiresAt: number;
  /**
   * How many times the URL has been leased for a fetch, counting this lease (1 on the first lease).
   * A postponement does not count (postponeUrl gives the attempt back), so a dispatcher can fail a URL whose
   * attempts keep growing: its fetches keep dying with the process that holds them.
   */
  attempts: number;
  /**
   * Its domain's politeness slot as the leasing process saw it (domainsFree leases of a store that keeps slots in
   * generations: MongoStore). Only a hint for `claimDomain`, which saves a read with it when it is current and
   * ignores it when it is not; never needed for correctness.
   */
  domainSlot?: DomainSlot;
}

export interface LeaseRequest {
  /** Who holds the lease: `supervisor-id/worker-id`, or any stable process id. */
  owner: string;
  /** At most this many URLs are returned (fewer when fewer are ready). */
  limit: number;
  /** Lease length; the URL may be handed out again after `now + leaseMs` unless renewed. */
  leaseMs: number;
  /** Clock in ms since the epoch; tests pass it, processes use Date.now(). */
  now: number;
  /**
   * Politeness-aware dispatch (what the healthy dispatcher uses). When true:
   * - at most one URL per domain is returned,
   * - only domains whose politeness slot is free (`claimDomain`'s next-free time has passed) are considered,
   * - and only domains with no URL currently held under a domainsFree lease (the domain is marked busy until that
   *   URL is finished, postponed, released or its lease expires),
   * - domains are taken in order of how long they have been free (least recently claimed first), so one call
   *   spreads the URLs over many domains and workers rarely have to postpone.
   * When false or absent: any pending URL whose not-before time has come, oldest first, regardless of domain
   * (the `politeness-blind` fault is the dispatcher calling it this way).
   */
  domainsFree?: boolean;
  /**
   * Order of the URLs when `domainsFree` is off. `due` (default): oldest due first. `url`: frontier order, the order
   * of the frontier's key (the URL), resuming after the last URL this store object handed out and wrapping around at
   * the end, like paging through a collection by its key. URLs sort by host, so this hands out a domain's due URLs
   * together: the `politeness-blind` dispatcher's habit (`domain-order` in the bench). Both stores honour it
   * (MongoStore from its frontier view; under the unindexed-frontier fault, which has no view, it leases oldest first).
   */
  frontierOrder?: 'due' | 'url';
}

/** What the store knows about one URL (for status, tests and diagnosis). */
export interface FrontierEntry {
  url: string;
  domain: string;
  depth: number;
  discoveredFrom?: string;
  state: UrlState;
  /** Pending: earliest lease time. Leased: lease expiry. Final states: when it was finished. */
  dueAt: number;
  leaseOwner?: string;
  attempts: number;
  /** How many times it was postponed (politeness). */
  postponements: number;
  /**
   * Why it failed or was ignored, as given to finishUrl; while pending or leased, why its last attempt failed
   * (set by retryUrl), so a URL awaiting a retry is one that is open and has a detail.
   */
  detail?: string;
  addedAt: number;
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

/** A cheap summary for the dispatcher's loop (is the crawl over? when is the next URL due?). */
export interface FrontierSummary {
  /** Pending URLs (ready or not yet due). */
  pending: number;
  /** Pending URLs whose not-before time has come. */
  ready: number;
  /** Leased URLs (including leases that have expired but were not handed out again yet). */
  leased: number;
  /** Earliest not-before among pending URLs that are not ready yet; undefined when none. */
  nextDueAt?: number;
}

export interface DomainStats {
  domain: string;
  pending: number;
  leased: number;
  done: number;
  failed: number;
  ignored: number;
  pages: number;
  postponements: number;
  /** Pending URLs waiting for a retry after a transient failure (see retryUrl). */
  retrying: number;
}

export interface CrawlStats {
  pages: number;
  pending: number;
  leased: number;
  done: number;
  failed: number;
  ignored: number;
  /** Total postponements over all URLs (politeness contention shows here). */
  postponements: number;
  /** Pending URLs waiting for a retry after a transient failure (counted in `pending` too). */
  retrying: number;
  /** Sorted by domain name. */
  domains: DomainStats[];
}

/** Fault switches that reproduce real causes of slow or decaying crawls (see DESIGN.md); off by default. */
export type StoreFault = 'unindexed-frontier' | 'dedup-scan';

/** Store-side fault switches; the crawler's other faults (politeness-blind, robots-no-cache) are not the store's. */
export const STORE_FAULTS: readonly StoreFault[] = ['unindexed-frontier', 'dedup-scan'];

export interface StoreOptions {
  /**
   * - `unindexed-frontier`: leaseUrls' frontier query does not use an index (it scans every frontier row), so the
   *   dispatcher slows as the frontier grows.
   * - `dedup-scan`: addUrls first asks "was this URL crawled?" by scanning the stored pages instead of using the
   *   unique index, so adding links slows as pages accumulate. Results stay correct.
   * Default: none.
   */
  faults?: StoreFault[];
}

export interface CrawlStore {
  /** Human-readable location (file path or URI without credentials), for logs and errors. */
  readonly location: string;

  /** Creates tables/collections and indexes; idempotent, safe to run from many processes at once. */
  init(): Promise<void>;
  /** Closes connections; idempotent. */
  close(): Promise<void>;

  /**
   * Adds URLs not seen before (in any state) as pending; returns how many were new. Duplicates inside the batch
   * count once. Safe against concurrent adders: a URL added by two processes at once is stored once.
   */
  addUrls(urls: NewUrl[], now: number): Promise<number>;
  /**
   * Leases up to `limit` URLs: pending URLs whose not-before time has come and leased URLs whose lease expired.
   * Atomic across processes: a URL is never held by two unexpired leases. Each lease increments `attempts`.
   */
  leaseUrls(req: LeaseRequest): Promise<LeasedUrl[]>;
  /** Extends to `until` the leases among `urls` that `owner` still holds (heartbeat). Returns how many. */
  renewLeases(owner: string, urls: string[], until: number): Promise<number>;
  /**
   * Puts a URL the owner holds back as pending, not to be leased before `notBefore` (politeness postponement).
   * Gives back the attempt its lease counted. Returns false (and changes nothing) when the owner does not hold it.
   */
  postponeUrl(url: string, owner: string, notBefore: number): Promise<boolean>;
  /**
   * Puts a URL the owner holds back as pending after a transient failure (connection error, timeout, 5xx, 429),
   * not to be leased before `notBefore`, with `reason` kept as its detail. Unlike a postponement the attempt counts,
   * so the caller can give up after a bounded number of them (`LeasedUrl.attempts`). Returns false (and changes
   * nothing) when the owner does not hold it.
   */
  retryUrl(url: string, owner: string, notBefore: number, reason: string): Promise<boolean>;
  /**
   * Ends a URL: done (page stored), failed (could not retrieve) or ignored (robots, filters).
   * Acts when the URL is not final and `owner` is its last lease owner (also after the lease expired, as long as
   * nobody else leased it since). Returns whether it did.
   */
  finishUrl(url: string, owner: string, state: 'done' | 'failed' | 'ignored', detail?: string): Promise<boolean>;
  /**
   * Releases every lease an owner holds (graceful stop); the URLs become pending, due at `now` (default Date.now()),
   * and the attempt their lease counted is given back. Returns how many.
   */
  releaseLeases(owner: string, now?: number): Promise<number>;

  /**
   * Stores a page. Exactly one page is kept per URL: the first one stored wins and later saves for the same
   * URL change nothing and return false.
   */
  savePage(page: StoredPage): Promise<boolean>;
  getPage(url: string): Promise<StoredPage | undefined>;
  /** Whether a URL has been seen (in the frontier in any state). */
  hasUrl(url: string): Promise<boolean>;
  getUrl(url: string): Promise<FrontierEntry | undefined>;

  /** The cached robots.txt of a domain; undefined when absent or expired at `now` (default: Date.now()). */
  getRobots(domain: string, now?: number): Promise<RobotsEntry | undefined>;
  /** Stores (replaces) a domain's robots.txt entry. */
  putRobots(entry: RobotsEntry): Promise<void>;
  /**
   * Atomically claims a domain for one fetch. Each domain has a next-free time (initially 0). When it has passed
   * (`<= now`), the claim is granted and the next-free time becomes `now + delayMs`; otherwise it is refused and
   * `notBefore` is the next-free time. Of two racers for a free domain exactly one is granted.
   * `seen`: the slot as the caller last saw it (LeasedUrl.domainSlot), a hint a store may use to save a read.
   */
  claimDomain(domain: string, now: number, delayMs: number, seen?: DomainSlot): Promise<DomainClaim>;

  frontierSummary(now: number): Promise<FrontierSummary>;
  stats(): Promise<CrawlStats>;
}
