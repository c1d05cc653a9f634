// Options of the simulated web, with their defaults in one place.
import { validateBehaviour, type ServerBehaviour } from './behaviour.js';

/**
 * How a host answers `/robots.txt`:
 * - `allow-all`: 200, `Disallow:` (nothing disallowed);
 * - `disallow`: 200, `Disallow: /private/`;
 * - `crawl-delay`: 200, `Crawl-delay: <crawlDelaySeconds>` and nothing disallowed;
 * - `not-found`: 404 (RFC 9309: crawl everything);
 * - `server-error`: 500 (RFC 9309: unreachable, assume complete disallow);
 * - `slow`: 200 like allow-all, after `slowRobotsMs`;
 * - `hang`: never answers (the crawler's timeout decides; unreachable).
 */
export type RobotsVariant = 'allow-all' | 'disallow' | 'crawl-delay' | 'not-found' | 'server-error' | 'slow' | 'hang';

/** Latency added to every response of a host class: `fixedMs` plus a uniform random share of `jitterMs`. */
export interface Latency {
  fixedMs: number;
  jitterMs: number;
}

export interface SimWebOptions {
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /**
   * Address to listen on: loopback, or an address of 198.18.0.0/15 (the benchmarking range test hosts use inside
   * network namespaces, see test-support/netns.ts), never one that other machines could reach. Default 127.0.0.1.
   */
  listenHost?: string;
  /** Seed of the link graph: the same seed gives the same web. Default 1. */
  seed?: number;
  /** Number of sites (virtual hosts). Default 50. */
  sites?: number;
  /** The first `largeSites` sites (by size rank) are the "large" host class (latency class, `www.` names). Default 3. */
  largeSites?: number;
  /** Pages of the largest site; site of rank r has maxPagesPerSite / r^zipfExponent pages. Default 200. */
  maxPagesPerSite?: number;
  /** Fewest pages a site has (its index included). Default 3. */
  minPagesPerSite?: number;
  /** Skew of site sizes (Zipf-like). Default 1. */
  zipfExponent?: number;
  /** Random links per page, besides the tree links that make every page of a site reachable. Default 5. */
  linksPerPage?: number;
  /** Share of those random links that point to another site. Default 0.15. */
  crossSiteLinkRatio?: number;
  /** Each page of a site links to up to `fanout` child pages (a tree from the index). Default 4. */
  fanout?: number;
  /** Chance that a page carries a link to a missing page (404). Default 0.05. */
  brokenLinkRatio?: number;
  /** Chance that a page carries a link to a non-HTML resource (PDF or PNG). Default 0.05. */
  nonHtmlRatio?: number;
  /** Chance that a page carries a rel=nofollow link to a page linked from nowhere else. Default 0.05. */
  nofollowRatio?: number;
  /** Share of a site's pages that live under /private/ (disallowed by the `disallow` robots variant). Default 0.1. */
  privatePageRatio?: number;
  /** Relative weights of robots.txt variants across hosts. Default see DEFAULT_ROBOTS_MIX. */
  robotsMix?: Partial<Record<RobotsVariant, number>>;
  /** Fixed variants for given hosts (tests). */
  robotsOverrides?: Record<string, RobotsVariant>;
  /** Crawl-delay written by the `crawl-delay` variant, in seconds (fractions allowed). Default 1. */
  crawlDelaySeconds?: number;
  /** How long the `slow` variant takes to answer robots.txt. Default 1500 ms. */
  slowRobotsMs?: number;
  /** Latency per host class. Default large {fixedMs: 5, jitterMs: 5}, small {fixedMs: 20, jitterMs: 20}. */
  latency?: { large?: Latency; small?: Latency };
  /** Approximate size of an HTML page in bytes (filler text added). Default 2048. */
  pageBytes?: number;
  /** How many sites (largest first) have their index page as a seed. Default 1. */
  seedSites?: number;
  /** Requests kept in `requestLog` (counters keep counting past it). Default 100 000. */
  requestLogLimit?: number;
  /**
   * Pages of each site by size rank (index 0 = the largest), instead of the Zipf-like sizes: e.g. one huge site and
   * many small ones, for a web whose frontier ends up on a single site. Its length must equal `sites`.
   */
  sitePages?: number[];
  /** How the server changes over time (latency, refused requests, a concurrency limit). Default: never changes. */
  behaviour?: ServerBehaviour;
}

export const DEFAULT_ROBOTS_MIX: Readonly<Record<RobotsVariant, number>> = {
  'allow-all': 0.35,
  disallow: 0.25,
  'crawl-delay': 0.1,
  'not-found': 0.2,
  'server-error': 0.05,
  slow: 0.05,
  hang: 0,
};

export type ResolvedSimWebOptions = Required<Omit<SimWebOptions, 'robotsMix' | 'robotsOverrides' | 'latency' | 'sitePages'>> & {
  sitePages: number[] | undefined;
  robotsMix: Record<RobotsVariant, number>;
  robotsOverrides: Record<string, RobotsVariant>;
  latency: { large: Latency; small: Latency };
};

export function resolveOptions(opts: SimWebOptions = {}): ResolvedSimWebOptions {
  const resolved: ResolvedSimWebOptions = {
    port: opts.port ?? 0,
    listenHost: opts.listenHost ?? '127.0.0.1',
    seed: opts.seed ?? 1,
    sites: opts.sites ?? 50,
    largeSites: opts.largeSites ?? 3,
    maxPagesPerSite: opts.maxPagesPerSite ?? 200,
    minPagesPerSite: opts.minPagesPerSite ?? 3,
    zipfExponent: opts.zipfExponent ?? 1,
    linksPerPage: opts.linksPerPage ?? 5,
    crossSiteLinkRatio: opts.crossSiteLinkRatio ?? 0.15,
    fanout: opts.fanout ?? 4,
    brokenLinkRatio: opts.brokenLinkRatio ?? 0.05,
    nonHtmlRatio: opts.nonHtmlRatio ?? 0.05,
    nofollowRatio: opts.nofollowRatio ?? 0.05,
    privatePageRatio: opts.privatePageRatio ?? 0.1,
    robotsMix: { ...DEFAULT_ROBOTS_MIX, ...opts.robotsMix },
    robotsOverrides: { ...opts.robotsOverrides },
    crawlDelaySeconds: opts.crawlDelaySeconds ?? 1,
    slowRobotsMs: opts.slowRobotsMs ?? 1500,
    latency: {
      large: opts.latency?.large ?? { fixedMs: 5, jitterMs: 5 },
      small: opts.latency?.small ?? { fixedMs: 20, jitterMs: 20 },
    },
    pageBytes: opts.pageBytes ?? 2048,
    seedSites: opts.seedSites ?? 1,
    requestLogLimit: opts.requestLogLimit ?? 100_000,
    sitePages: opts.sitePages,
    behaviour: { ...opts.behaviour },
  };
  if (!Number.isInteger(resolved.sites) || resolved.sites < 1) throw new RangeError(`sites must be a positive integer, got ${resolved.sites}`);
  if (resolved.seedSites < 1 || resolved.seedSites > resolved.sites) throw new RangeError(`seedSites must be between 1 and sites (${resolved.sites})`);
  if (resolved.minPagesPerSite < 1) throw new RangeError('minPagesPerSite must be at least 1');
  if (resolved.sitePages && (resolved.sitePages.length !== resolved.sites || resolved.sitePages.some((n) => !Number.isInteger(n) || n < 1))) {
    throw new RangeError(`sitePages must list ${resolved.sites} whole numbers ≥ 1 (one per site), got ${resolved.sitePages.length} entries`);
  }
  validateBehaviour(resolved.behaviour);
  const testHost = /^198\.(18|19)\.\d{1,3}\.\d{1,3}$/.test(resolved.listenHost);
  if (!['127.0.0.1', '::1', 'localhost'].includes(resolved.listenHost) && !resolved.listenHost.startsWith('127.') && !testHost) {
    throw new RangeError(`the simulated web listens on loopback (or a 198.18.0.0/15 test host address) only, not ${resolved.listenHost}`);
  }
  return resolved;
}
