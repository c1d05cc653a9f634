// How a cached robots.txt fetch result turns into a verdict for a URL, per RFC 9309 (pure, no I/O):
// - 2xx: the rules apply (parsed with robots-parser; the longest match wins, Allow wins ties);
// - 3xx stored: the redirect limit (5) was hit, and RFC 9309 2.3.1.2 lets the crawler treat the file as unavailable;
// - 4xx ("unavailable", 2.3.1.3): everything is allowed, except 429 Too Many Requests, which is treated as an
//   unreachable server like 5xx (that is what it says, and what large crawlers do);
// - 5xx, 429 and status 0 (timeout, refused, DNS failure: "unreachable", 2.3.1.4): complete disallow, verdict
//   'unknown' until the entry expires and robots.txt is tried again.
import robotsParserModule from 'robots-parser';
import type { RobotsEntry } from '../store/store.js';

export type RobotsVerdict =
  | { verdict: 'allowed'; crawlDelayMs?: number }
  | { verdict: 'disallowed'; crawlDelayMs?: number }
  /** robots.txt could not be fetched: treat as disallowed now and ask again at `retryAt` (ms since the epoch). */
  | { verdict: 'unknown'; reason: string; retryAt: number };

/** Whether a stored status means the server could not be reached (5xx, 429, or 0 for no response). */
export function isUnreachableStatus(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

// robots-parser is CommonJS (`module.exports = fn`) but its types say `export default fn`. Under NodeNext the default
// import is module.exports, the function itself, at run time, while TypeScript types it as the module namespace.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

type ParsedRobots = ReturnType<typeof robotsParser>;

/** Parses a stored 2xx robots.txt for the given robots URL (scheme, host and port must be those of the page). */
export function parseRobots(robotsUrl: string, body: string): ParsedRobots {
  return robotsParser(robotsUrl, body);
}

/** The verdict of a cached entry for a URL; `parsed` is the entry's parsed body when it is a 2xx. */
export function verdictOf(entry: RobotsEntry, url: string, userAgent: string, parsed: ParsedRobots | undefined): RobotsVerdict {
  if (isUnreachableStatus(entry.status)) {
    const why = entry.status === 0 ? (entry.body || 'robots.txt unreachable') : `robots.txt answered HTTP ${entry.status}`;
    return { verdict: 'unknown', reason: why, retryAt: entry.expiresAt };
  }
  if (entry.status < 200 || entry.status > 299 || !parsed) return { verdict: 'allowed' };
  // robots.txt itself is always allowed (RFC 9309 2.2.2).
  if (new URL(url).pathname === '/robots.txt') return { verdict: 'allowed' };
  const delaySeconds = parsed.getCrawlDelay(userAgent);
  const crawlDelayMs = typeof delaySeconds === 'number' && Number.isFinite(delaySeconds) && delaySeconds > 0 ? Math.round(delaySeconds * 1000) : undefined;
  const allowed = parsed.isAllowed(url, userAgent) !== false;
  const verdict = allowed ? 'allowed' : 'disallowed';
  return crawlDelayMs === undefined ? { verdict } : { verdict, crawlDelayMs };
}

export interface UndeterminedOptions {
  /** How many times the URL was already postponed because robots.txt was unreachable. */
  attempts: number;
  /** When robots.txt will be tried again (RobotsVerdict.retryAt). */
  retryAt: number;
  /** Postponements before giving up and ignoring the URL. Default 2. */
  maxRetries?: number;
}

/**
 * What a worker does with a URL whose robots.txt is unreachable, as RFC 9309 2.3.1.4 says: complete disallow for
 * now (never fetch it), and try again later: postpone it until robots.txt is fetched again, `maxRetries` times,
 * then ignore it (the original crawler ignored it at once).
 */
export function decideUndetermined(opts: UndeterminedOptions): { action: 'postpone'; notBefore: number } | { action: 'ignore' } {
  return opts.attempts < (opts.maxRetries ?? 2) ? { action: 'postpone', notBefore: opts.retryAt } : { action: 'ignore' };
}
