// The six strategic log messages, word for word as the original crawler wrote them (DESIGN.md); crawl-diag logs
// counts them over time. Levels are those of the original crawler's sample log.

/** `The URL '<url>' will be crawled.` (DEBUG) — a URL was accepted for fetching. */
export function willBeCrawled(url: string): string {
  return `The URL '${url}' will be crawled.`;
}

/** `Crawling URL '<url>'.` (DEBUG) — the fetch starts. */
export function crawling(url: string): string {
  return `Crawling URL '${url}'.`;
}

/** `The URL '<url>' was postponed.` (DEBUG) — its domain is not free yet under the politeness delay. */
export function postponed(url: string): string {
  return `The URL '${url}' was postponed.`;
}

/** `The URL '<url>' was ignored.` (DEBUG) — robots.txt, filters or limits. */
export function ignored(url: string): string {
  return `The URL '${url}' was ignored.`;
}

/** `Unable to determine if the URL '<url>' is allowed to be crawled.` (ERROR) — robots.txt unreachable. */
export function robotsUndetermined(url: string): string {
  return `Unable to determine if the URL '${url}' is allowed to be crawled.`;
}

/** `Could not retrieve content for URL '<url>'.` (ERROR) — the fetch failed. */
export function couldNotRetrieve(url: string): string {
  return `Could not retrieve content for URL '${url}'.`;
}

/**
 * `The URL '<url>' will be retried in <n> s (attempt <k> of <max>): <reason>.` (WARNING) — a transient failure
 * (connection refused, reset, timeout, 5xx, 429); the URL is back in the frontier until then.
 */
export function willBeRetried(url: string, inMs: number, attempt: number, of: number, reason: string): string {
  const secs = inMs / 1000;
  return `The URL '${url}' will be retried in ${Number.isInteger(secs) ? secs : secs.toFixed(1)} s (attempt ${attempt} of ${of}): ${reason}.`;
}

/** The level each strategic message is logged at, as in the original crawler. */
export const STRATEGIC_LEVELS = {
  willBeCrawled: 'debug',
  crawling: 'debug',
  postponed: 'debug',
  ignored: 'debug',
  robotsUndetermined: 'error',
  couldNotRetrieve: 'error',
} as const;
