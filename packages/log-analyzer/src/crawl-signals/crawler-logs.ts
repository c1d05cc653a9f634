// What each crawler's logs say and how: which lines mean a page was fetched, a request was retried, the web answered
// 429/503, a request timed out, and where a page's URL (its domain) sits in the line. One table per crawler, read by
// the crawl-signals stage; the patterns are scanned together in one pass whatever the crawler turns out to be.
// Messages were read from the crawlers' sources (Scrapy 2.19: core/engine.py via logformatter.CRAWLEDMSG,
// downloadermiddlewares/retry.py, extensions/logstats.py and memusage.py; Crawlee 3.x: basic-crawler.ts and
// http-crawler.ts; urllib3's connectionpool request lines; this project's crawler: DESIGN.md's strategic lines and
// the workers' `"GET /path HTTP/1.1" status` request lines).
import { CRAWLEE_SERIES, DEFAULT_SERIES, SCRAPY_SERIES, type SeriesPattern } from '../series.js';

/** Crawlers whose logs the signals know. `access-log`: a web server's or a proxy's access log alone. */
export type CrawlerKind = 'crawl-diag' | 'python' | 'scrapy' | 'crawlee' | 'access-log';

export const CRAWLER_KINDS: readonly CrawlerKind[] = ['crawl-diag', 'python', 'scrapy', 'crawlee', 'access-log'];

/** Names of the signal series, shared by every crawler (each series matches every crawler's form of the line). */
export const SIGNAL = {
  ownLines: 'crawl-diag logger lines',
  crawlEnd: 'crawl end',
  requests: 'requests',
  robotsRequests: 'robots.txt requests',
  pushback: 'answers 429/503',
  retries: 'retries',
  gaveUp: 'gave up',
  gaveUpRefused: 'gave up on 429/503',
  timeouts: 'timeouts',
  memoryMiB: 'memory (Scrapy memusage, MiB)',
  requestTimeMs: 'request time (Crawlee stats, ms)',
  // Counted by Crawlee's own table (CRAWLEE_SERIES): a request handler's line per page. Crawlee logs no line per
  // page itself, and its statistics come every 60 s by default (a 5-minute crawl has five).
  crawleeHandled: 'processed (Crawlee handler)',
  fetchedDomains: 'fetched, by domain',
  acceptedDomains: 'accepted, by domain',
} as const;

/** A host in a URL: up to the port, path, quote or bracket. */
const HOST = "https?://([^/:'\"<>\\s\\\\]+)";

/**
 * The signal series, each one pattern across crawlers (an alternation where the crawlers word it differently).
 * Scrapy's retried 429 shows only as `Retrying <GET …> (failed N times): 429 Unknown Status` (the retry middleware
 * turns the response into a new request before the engine logs `Crawled`); once retries are exhausted it is
 * `Gave up retrying …` and then `Crawled (429)`: counting `Retrying …: 429` and `Crawled (429)` counts each answer
 * once. Crawlee words a 429 `Request blocked - received 429 status code.` and a 5xx `503 - …` in its
 * `Reclaiming failed request back to the list or queue.` warning. Request lines (urllib3, this crawler's workers,
 * access logs) carry the status after the quoted request: `"GET /x HTTP/1.1" 429`.
 */
export const SIGNAL_SERIES: SeriesPattern[] = [
  // Our crawler's logger names (`crawl_diag.worker`): the original Python crawler writes the same strategic lines
  // under `crawlers.web.…`.
  // In a log engine the logger name is the record's `name` field (pino's, as `--log-to` ships it).
  // A substring, not a regex: `logs` counts it on every run to name the crawler, and a regex over every record costs
  // more than the whole scan of the plain substrings (a 300 MB log: 0.8 s → 1.35 s). Our log lines and pino records
  // carry the name (` - crawl_diag.worker - `, `"name":"crawl_diag.worker"`); another crawler's seldom do.
  { name: SIGNAL.ownLines, substring: 'crawl_diag', engineFilter: 'name:crawl_diag*' },
  // Supervisors log this when the dispatcher ends the crawl: what follows is shutdown, not throughput.
  { name: SIGNAL.crawlEnd, substring: 'The dispatcher ends the crawl' },
  { name: SIGNAL.requests, substring: '"GET ' },
  { name: SIGNAL.robotsRequests, regex: /"GET [^" ]*\/robots\.txt/ },
  {
    name: SIGNAL.pushback,
    regex: /Crawled \((?:429|503)\)|Retrying <[^>\n]*> \(failed \d+ times\): (?:429|503)\b|" (?:429|503)\b|received 429 status code|Reclaiming failed request back to the list or queue\. 503 - /,
  },
  { name: SIGNAL.retries, regex: /Retrying <|Reclaiming failed request back to the list or queue|Retrying \(Retry\(|' will be retried in / },
  { name: SIGNAL.gaveUp, regex: /Gave up retrying <|Request failed and reached maximum retries|Could not retrieve content for URL/ },
  // Requests given up because the site refused every attempt. Scrapy logs them at ERROR, so they are there at
  // LOG_LEVEL=INFO too, where its `Retrying` and `Crawled (429)` lines (DEBUG) are not; Crawlee's last failure.
  {
    name: SIGNAL.gaveUpRefused,
    regex: /Gave up retrying <[^>\n]*> \(failed \d+ times\): (?:429|503)\b|Request failed and reached maximum retries\. Error: (?:Request blocked - received 429|503 - )/,
  },
  { name: SIGNAL.timeouts, regex: /took longer than \d|[Tt]imeout ?Error|timed out/ },
  { name: SIGNAL.memoryMiB, regex: 'Peak memory usage is (\\d+)MiB', kind: 'gauge' },
  // Crawlee's cumulative request time: differenced and divided by requestsTotal's increase, the mean time a request
  // took in each interval (its requestAvgFinishedDurationMillis is an average since the start, like its rates).
  { name: SIGNAL.requestTimeMs, regex: '"requestTotalDurationMillis":(\\d+)', kind: 'counter' },
  // A page's domain: this crawler's `Crawling URL '…'`, Scrapy's `Crawled (200) <GET …>`, a Crawlee request
  // handler's `Processing URL` (the wording of Crawlee's own examples), a proxy's absolute-form request line.
  { name: SIGNAL.fetchedDomains, regex: new RegExp(`(?:Crawling URL '|Crawled \\(\\d+\\) <GET |Processing:? |"GET )${HOST}`), kind: 'key' },
  // The original Python crawler logs no fetch line; its accept line is where its pages are counted.
  { name: SIGNAL.acceptedDomains, regex: new RegExp(`The URL '${HOST}[^'\\n]*' will be crawled`), kind: 'key' },
];

/** How one crawler's pages, attempts and domains are read from the signal series. */
export interface CrawlerLogs {
  kind: CrawlerKind;
  /** In words, for people. */
  label: string;
  /** The crawl rate: the first of these (count or counter series) with data. */
  rateSeries: string[];
  /** Count series of retried attempts (added to pages to make attempts). */
  retrySeries: string;
  /** Attempts (the denominator of the 429/503 share): request lines when the log has them, else pages + retries. */
  attemptsFromRequests: boolean;
  /** Key series whose keys are the pages' domains. */
  domainSeries: string;
  /** Count series of URLs put off for politeness, when the crawler logs them. */
  postponedSeries?: string;
  /**
   * Fetch lines that ended in failure, for crawlers that log a fetch line before the answer (ours: `Crawling URL`,
   * then `Could not retrieve content` for a 429, a 5xx, a timeout): subtracted from the rate series, so a crawl whose
   * sites refuse more and more shows its pages falling, not its attempts holding.
   */
  failedFetchSeries?: string;
  /**
   * Which of `rateSeries` are such fetch lines (default: the first). The original multi-worker Python crawler logs
   * `will be crawled` just before it fetches and `Could not retrieve content` when the answer is a 429, a 5xx or an
   * error, so its accept line is a fetch line too; our crawler's `will be crawled` is not.
   */
  fetchLineSeries?: string[];
}

export const CRAWLER_LOGS: Record<CrawlerKind, CrawlerLogs> = {
  'crawl-diag': {
    kind: 'crawl-diag',
    label: "crawl-diag's crawler",
    rateSeries: ['crawling', 'will be crawled'],
    retrySeries: SIGNAL.retries,
    attemptsFromRequests: true,
    domainSeries: SIGNAL.fetchedDomains,
    postponedSeries: 'postponed',
    failedFetchSeries: 'could not retrieve',
  },
  python: {
    kind: 'python',
    label: 'a Python crawler (original log format)',
    // Its standalone crawler logs `Crawling URL` as it fetches; the multi-worker one only `will be crawled`.
    rateSeries: ['crawling', 'will be crawled'],
    retrySeries: SIGNAL.retries,
    attemptsFromRequests: true,
    domainSeries: SIGNAL.fetchedDomains,
    postponedSeries: 'postponed',
    failedFetchSeries: 'could not retrieve',
    fetchLineSeries: ['crawling', 'will be crawled'],
  },
  scrapy: {
    kind: 'scrapy',
    label: 'Scrapy',
    rateSeries: ['crawled (scrapy)', 'pages (LogStats)'],
    retrySeries: SIGNAL.retries,
    attemptsFromRequests: false,
    domainSeries: SIGNAL.fetchedDomains,
  },
  crawlee: {
    kind: 'crawlee',
    label: 'Crawlee',
    // The request handler's page lines where it logs them (a rate at any bucket size), else the statistics.
    rateSeries: [SIGNAL.crawleeHandled, 'requests (Crawlee stats)'],
    retrySeries: SIGNAL.retries,
    attemptsFromRequests: false,
    domainSeries: SIGNAL.fetchedDomains,
  },
  'access-log': {
    kind: 'access-log',
    label: 'an access log',
    rateSeries: [SIGNAL.requests],
    retrySeries: SIGNAL.retries,
    attemptsFromRequests: true,
    domainSeries: SIGNAL.fetchedDomains,
  },
};

/** Everything the signals read, in one scan: the crawlers' own lines (as `logs` counts them) plus the signals. */
// A signal series that a crawler's own table also counts (same name) is counted once, as that table has it.
/**
 * What the crawl rate and the crawler's detection read, beyond the series `logs` counts for the logs' formats
 * anyway: our loggers' lines, the crawl's end and request lines (substrings, cheap in the scan), and the named
 * crawler's page lines. The ratios, domains and gauges of the other signals need a regex per record and are counted
 * only where they are read (doctor, `logs compare`).
 */
export function crawlRateSeries(crawler?: CrawlerKind): SeriesPattern[] {
  const names = new Set<string>([SIGNAL.ownLines, SIGNAL.crawlEnd, SIGNAL.requests]);
  if (crawler) {
    const logs = CRAWLER_LOGS[crawler];
    for (const n of [...logs.rateSeries, ...(logs.failedFetchSeries ? [logs.failedFetchSeries] : [])]) names.add(n);
  }
  return CRAWL_SERIES.filter((p) => names.has(p.name));
}

export const CRAWL_SERIES: SeriesPattern[] = [...DEFAULT_SERIES, ...SCRAPY_SERIES, ...CRAWLEE_SERIES, ...SIGNAL_SERIES].filter(
  (p, i, all) => all.findIndex((q) => q.name === p.name) === i,
);
