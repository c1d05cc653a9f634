// What the worker's per-URL pipeline needs from the crawling blocks, as narrow interfaces: the robots.txt gate and
// the strategic log messages. Kept narrow so the pipeline reads as the steps it takes.

export type RobotsVerdict =
  | { verdict: 'allowed'; crawlDelayMs?: number }
  | { verdict: 'disallowed'; crawlDelayMs?: number }
  /** robots.txt could not be fetched (5xx, timeout, unreachable): RFC 9309 says assume complete disallow. */
  | { verdict: 'unknown' };

export interface RobotsGate {
  check(url: string): Promise<RobotsVerdict>;
}

/** The six strategic messages of DESIGN.md, word for word; the log analyzer counts them. */
export interface CrawlEvents {
  willBeCrawled(url: string): void;
  crawling(url: string): void;
  postponed(url: string): void;
  ignored(url: string): void;
  robotsUndetermined(url: string): void;
  couldNotRetrieve(url: string): void;
}
