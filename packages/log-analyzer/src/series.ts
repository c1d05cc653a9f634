// What to count: named series, each a substring, a regular expression or a log level. The defaults are the
// crawler's strategic messages (word for word in DESIGN.md).
import { LogInputError } from './errors.js';

export interface SeriesPattern {
  /** Name shown in charts, tables, JSON and CSV. */
  name: string;
  /** Count lines containing this text (case-sensitive, bytes). */
  substring?: string;
  /** Count lines matching this regular expression (JavaScript syntax; a string is compiled with no flags). */
  regex?: string | RegExp;
  /** Count records of this level (DEBUG, INFO, WARNING, ERROR…; pino numbers or names; 4xx/5xx in access logs). */
  level?: string;
  /**
   * What a match means. `count` (default): one event. `gauge`: the regex's first capture group is a number,
   * averaged per bucket (queue length, memory). `counter`: the capture is a running total (Scrapy's `Crawled 1200
   * pages`), differenced into a rate per bucket, per group. Gauges and counters need `regex`.
   */
  kind?: SeriesKind;
  /** What the reader should know about how the numbers were made; printed under its chart and in the JSON. */
  note?: string;
  /**
   * A counter that is 0 when the crawler starts (its own statistics): in a log that begins with the crawler's
   * start, the first statistics line's total is the first interval's increase instead of being dropped.
   */
  zeroAtStart?: boolean;
  /**
   * For a count series that looks at a line's syntax rather than its message (a logger name in a text line, a JSON
   * key): the LogsQL filter that selects the same records in a log engine, where the message is a field of its own
   * (`name:crawl_diag*`). Without it a log engine matches the pattern against the message.
   */
  engineFilter?: string;
}

export type SeriesKind = 'count' | 'gauge' | 'counter' | 'key';

/** The crawler's strategic lines: what a decaying crawl shows first. */
export const DEFAULT_SERIES: SeriesPattern[] = [
  { name: 'will be crawled', substring: 'will be crawled' },
  { name: 'crawling', substring: 'Crawling URL' },
  { name: 'postponed', substring: 'was postponed' },
  { name: 'ignored', substring: 'was ignored' },
  { name: 'robots undetermined', substring: 'Unable to determine if the URL' },
  { name: 'could not retrieve', substring: 'Could not retrieve content for URL' },
];

/** A series in the form that crosses a worker boundary (regexes as source + flags). */
export interface SeriesSpec {
  name: string;
  kind: SeriesKind;
  substring?: string;
  regex?: { source: string; flags: string };
  level?: string;
  engineFilter?: string;
}

export function toSeriesSpecs(patterns: SeriesPattern[]): SeriesSpec[] {
  const seen = new Set<string>();
  return patterns.map((p) => {
    const kinds = [p.substring, p.regex, p.level].filter((k) => k !== undefined && k !== '').length;
    if (kinds !== 1) throw new LogInputError(`series '${p.name}': give exactly one of a text, a regex or a level.`);
    if (seen.has(p.name)) throw new LogInputError(`two series are named '${p.name}'; name them apart with NAME=TEXT.`);
    seen.add(p.name);
    const kind = p.kind ?? 'count';
    if (kind !== 'count' && p.regex === undefined) {
      throw new LogInputError(`${kind} '${p.name}': give a regex whose first capture group is the number.`);
    }
    const engine = p.engineFilter ? { engineFilter: p.engineFilter } : {};
    if (p.regex === undefined) return { name: p.name, kind, substring: p.substring, level: p.level, ...engine };
    let re: RegExp;
    try {
      re = typeof p.regex === 'string' ? new RegExp(p.regex) : p.regex;
    } catch (err) {
      throw new LogInputError(`--regex ${String(p.regex)}: not a valid regular expression (${(err as Error).message}).`);
    }
    if (kind !== 'count' && new RegExp(`${re.source}|`).exec('')!.length < 2) {
      throw new LogInputError(`${kind} '${p.name}': the regex ${re.source} has no capture group for the ${kind === 'key' ? 'key' : 'number'}.`);
    }
    return { name: p.name, kind, regex: { source: re.source, flags: re.flags }, ...engine };
  });
}

/**
 * Parses a command-line series argument: `TEXT`, or `NAME=TEXT` when what precedes the first `=` is a plain name
 * (letters, digits, `_ . -`). A leading `=` keeps the rest as the text (`--line =status=500`).
 */
export function parseNamedArgument(arg: string): { name: string; value: string } {
  if (arg.startsWith('=')) return { name: arg.slice(1), value: arg.slice(1) };
  const m = /^([A-Za-z][\w.-]*)=(.+)$/s.exec(arg);
  if (m) return { name: m[1], value: m[2] };
  return { name: arg, value: arg };
}

/** Scrapy's LogStats line, `Crawled 1200 pages (at 310 pages/min), scraped 0 items (at 0 items/min)`, as counters. */
export const SCRAPY_SERIES: SeriesPattern[] = [
  { name: 'crawled (scrapy)', substring: '] DEBUG: Crawled (' },
  { name: 'pages (LogStats)', regex: 'Crawled (\\d+) pages \\(at', kind: 'counter' },
  { name: 'items (LogStats)', regex: 'scraped (\\d+) items \\(at', kind: 'counter' },
];

/**
 * Crawlee's own lines, for a Crawlee log read with no pattern (from crawlee v3 sources: packages/core/src/crawlers/
 * statistics.ts logs `calculate()` every 60 s; packages/basic-crawler/src/internals/basic-crawler.ts warns
 * `Reclaiming failed request back to the list or queue` on a retry and errors `Request failed and reached maximum
 * retries` on a failure). The statistics carry `requestsFinishedPerMinute`, but it is requestsFinished divided by the
 * minutes since the start: an average that hides decay. The rate comes from differencing the cumulative
 * `requestsTotal` (finished + failed; the periodic line has no requestsFinished) between lines instead, reset-aware.
 */
export const CRAWLEE_SERIES: SeriesPattern[] = [
  { name: 'retried (Crawlee)', substring: 'Reclaiming failed request back to the list or queue' },
  { name: 'failed (Crawlee)', substring: 'Request failed and reached maximum retries' },
  // A request handler's line per page, in the wording of Crawlee's own examples (`log.info(`Processing ${url}`)`,
  // prefixed with the crawler's name by its logger): a line per page keeps the rate at every resolution, where the
  // statistics lines give one value per interval.
  { name: 'processed (Crawlee handler)', regex: /\w*Crawler:(?:\x1b\[\d+m)? Processing:? https?:\/\/|"msg":"\w*Crawler: Processing:? https?:\/\// },
  {
    name: 'requests (Crawlee stats)',
    regex: '"requestsTotal":(\\d+)',
    kind: 'counter',
    zeroAtStart: true,
    note: "increase of Crawlee's cumulative requestsTotal (finished + failed) between statistics lines; its requestsFinishedPerMinute is an average since the start and hides decay",
  },
];

/** True when a Crawlee log's first line is its crawler starting: the log holds the run from its start. */
export function startsWithCrawleeStart(head: Buffer): boolean {
  const text = head.toString('latin1');
  const nl = text.indexOf('\n');
  return CRAWLEE_START.test(nl < 0 ? text : text.slice(0, nl));
}

const CRAWLEE_START = /\w*Crawler(?::\w+)*:(?:\x1b\[\d+m)? Starting the crawler\.|"msg":"Starting the crawler\."/;

/** True when a log's first bytes are Crawlee's (text or JSON logger): a crawler's prefixed lines or its statistics. */
export function looksLikeCrawlee(head: Buffer): boolean {
  return CRAWLEE_SIGNATURE.test(head.toString('latin1'));
}

const CRAWLEE_SIGNATURE = /\w*Crawler(?::\w+)*:(?:\x1b\[\d+m)? (?:Starting the crawler\.|\w*Crawler request statistics:)|"requestsTotal":\d+,"crawlerRuntimeMillis":/;
