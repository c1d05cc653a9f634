// The real-crawler scenarios: what the simulated web does over a run (its behaviour, scaled to the run's length so a
// 30 s test run shows the same shape as a 150 s fixture), how the crawlers are set for it, and what a correct
// analysis of the crawler's logs concludes (the expected verdict and, for the cause scenarios, the cause).
//
// A closed-loop crawler fetches concurrency / latency pages per second, so every verdict scenario is a latency
// profile: slowing = latency rising linearly to 3.5× (rate −71%); step = latency doubling once at half time (rate
// −50%); transient-decline = a start-up ramp (latency 3× → 1× over the first 12%) then latency rising to 2.5×.
// `constant` and `steady` are the same server: the first is the verdict scenarios' control, the second the causes'.
import type { ServerBehaviour, SimWebOptions } from '@crawl-diag/simweb';

export const SCENARIO_NAMES = ['slowing', 'constant', 'step', 'transient-decline', 'rising-429', 'concentration', 'unindexed-store', 'steady'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Causes named the way the doctor's findings are checked: the web pushes back, domain concentration, store-bound workers. */
export type ExpectedCause = 'rate-limited' | 'domain-concentration' | 'store-bound';

export interface CrawlerSettings {
  /** Requests in flight at most (Scrapy CONCURRENT_REQUESTS, Crawlee maxConcurrency, crawl-diag/python workers). */
  concurrency: number;
  /** Requests in flight per site at most (Scrapy CONCURRENT_REQUESTS_PER_DOMAIN). */
  perDomain: number;
  /** Delay between two requests to one site, seconds (Scrapy DOWNLOAD_DELAY, Crawlee sameDomainDelaySecs, crawl-diag --delay). */
  domainDelaySec: number;
  /** The crawler writes every page to an unindexed SQLite table (Scrapy pipeline, Crawlee request handler). */
  unindexedStore: boolean;
}

export interface RealScenario {
  name: ScenarioName;
  kind: 'verdict' | 'cause';
  /** One line: what the server (or the crawler's store) does. */
  about: string;
  web: SimWebOptions;
  crawler: CrawlerSettings;
  expected: { verdict: 'decay' | 'steady'; cause: ExpectedCause | null };
}

/**
 * Every page answers in 250 ms (+0–50 ms): about 29 pages/s for 8 requests in flight. At 100 ms (80 pages/s ideal)
 * Scrapy and Crawlee were CPU-bound on this shared 2-core machine (load 15–19: 40 and 15 pages/s), so a server that
 * doubled its latency cut their rate by only 20%; at 250 ms the server is what limits them, as on the real web.
 */
const LATENCY = { fixedMs: 250, jitterMs: 50 };

/**
 * The web of the verdict scenarios: 40 sites of at least 1000 pages, every index a seed, so no site runs dry and a
 * per-site limit never binds; robots.txt always answers at once (no slow, failing or Crawl-delay variants), so the
 * rate follows the server's latency alone.
 */
function wideWeb(behaviour: ServerBehaviour, pageBytes = 2048): SimWebOptions {
  return {
    seed: 11,
    sites: 40,
    largeSites: 40,
    seedSites: 40,
    maxPagesPerSite: 100_000,
    minPagesPerSite: 1000,
    linksPerPage: 10,
    robotsMix: { 'allow-all': 1, disallow: 1, 'not-found': 1, 'crawl-delay': 0, 'server-error': 0, slow: 0, hang: 0 },
    latency: { large: LATENCY, small: LATENCY },
    pageBytes,
    behaviour,
  };
}

const CLOSED_LOOP: CrawlerSettings = { concurrency: 8, perDomain: 8, domainDelaySec: 0, unindexedStore: false };

export function realScenario(name: ScenarioName, durationSec: number): RealScenario {
  const d = durationSec;
  switch (name) {
    case 'slowing':
      return {
        name, kind: 'verdict',
        about: 'latency rises linearly from 1× to 3.5× (250 → 875 ms) over the run: the rate falls smoothly by ~71%',
        web: wideWeb({ latencyFactor: [[0, 1], [d, 3.5]] }),
        crawler: CLOSED_LOOP,
        expected: { verdict: 'decay', cause: null },
      };
    case 'constant':
      return {
        name, kind: 'verdict',
        about: 'latency constant at 250 ms: the rate stays where the crawler puts it',
        web: wideWeb({}),
        crawler: CLOSED_LOOP,
        expected: { verdict: 'steady', cause: null },
      };
    case 'step':
      return {
        name, kind: 'verdict',
        about: 'latency doubles once at half time (capacity halves): the rate drops by ~50% and stays there',
        web: wideWeb({ latencyFactor: [[0, 1], [d / 2, 1], [d / 2, 2]] }),
        crawler: CLOSED_LOOP,
        expected: { verdict: 'decay', cause: null },
      };
    case 'transient-decline':
      return {
        name, kind: 'verdict',
        about: 'a start-up ramp (latency 3× → 1× over the first 12% of the run), then latency rising to 2.5×: the rate climbs, then falls by ~60%',
        web: wideWeb({ latencyFactor: [[0, 3], [0.12 * d, 1], [d, 2.5]] }),
        crawler: CLOSED_LOOP,
        expected: { verdict: 'decay', cause: null },
      };
    case 'rising-429':
      return {
        name, kind: 'cause',
        about: 'the server refuses a share of page requests rising linearly from 0 (first 10% of the run) to 60% (3 × 429 : 1 × 503, Retry-After: 1); latency constant',
        web: wideWeb({ errorShare: [[0, 0], [0.1 * d, 0], [d, 0.6]], errorStatuses: [429, 429, 429, 503], retryAfterSec: 1 }),
        crawler: CLOSED_LOOP,
        expected: { verdict: 'decay', cause: 'rate-limited' },
      };
    case 'concentration': {
      // One huge site and 40 small ones of 3 to 0.4·d pages (linear in rank; 3–60 at 150 s, 1230 pages in all).
      // Polite crawling (one request at a time per site, 1 s apart: ~0.8 pages/s per site) makes the number of
      // sites with pages left the limit: as the small sites run dry one after another the rate falls towards the
      // huge site's 0.8 pages/s. Every host has its own registrable domain (www.…-sim.test): Crawlee keys its
      // per-site delay on it, and `*.sim.test` hosts would all be one site to it.
      const small = Array.from({ length: 40 }, (_, i) => Math.max(3, Math.round(((40 - i) / 40) * 0.4 * d)));
      return {
        name, kind: 'cause',
        about: 'one site of 100 000 pages and 40 small sites that run dry one after another; the crawler is polite (one request at a time per site, 1 s apart), so the rate falls with the number of sites left',
        web: {
          ...wideWeb({}),
          sites: 41,
          largeSites: 41,
          seedSites: 41,
          sitePages: [100_000, ...small],
        },
        crawler: { concurrency: 8, perDomain: 1, domainDelaySec: 1, unindexedStore: false },
        expected: { verdict: 'decay', cause: 'domain-concentration' },
      };
    }
    case 'unindexed-store':
      return {
        name, kind: 'cause',
        about: 'server constant (250 ms, 64 KB pages, 100 links a page); the crawler writes each page to a SQLite table with no index and first checks it for a duplicate url or body, so every write scans the whole table, bodies included (the Python crawler: its unindexed frontier table)',
        // 64 KB pages: at 32 KB the check took a third of Crawlee's time by the end of a run but did not yet
        // limit it; real pages are 30–100 KB.
        // 100 links a page (as on the real web and the bench's own web): the Python crawler's frontier table grows
        // by tens of rows per page, fast enough to slow its unindexed pick within a run.
        web: { ...wideWeb({}, 65_536), linksPerPage: 100 },
        crawler: { ...CLOSED_LOOP, unindexedStore: true },
        expected: { verdict: 'decay', cause: 'store-bound' },
      };
    case 'steady':
      return {
        name, kind: 'cause',
        about: 'control: server constant (250 ms), no refusals, 40 large sites, the crawler stores nothing',
        web: wideWeb({}),
        crawler: CLOSED_LOOP,
        expected: { verdict: 'steady', cause: null },
      };
  }
}

/**
 * What a correct analysis of `crawler`'s logs concludes on `scenario`: the scenario's expectation for every crawler.
 * The hand-written Python crawler's frontier is an unindexed table that only grows (its README), but on the 10
 * links a page of these webs it stays small within a run (a flat 8 pages/s against a constant server in 150 s);
 * only `unindexed-store`, with 100 links a page, grows it fast enough to bind, and there its cause is the store too.
 */
export function expectedFor(_crawler: string, scenario: RealScenario): RealScenario['expected'] {
  return scenario.expected;
}
