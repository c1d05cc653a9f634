// What the worker's per-URL pipeline needs from the crawling blocks, as narrow interfaces: the robots.txt gate,
// the politeness claim and the strategic log messages. Kept narrow so the pipeline reads as the steps it takes.
import type { RobotsPolicy } from '../robots/robots-policy.js';
import type { Politeness } from '../politeness/politeness.js';

export type RobotsGate = Pick<RobotsPolicy, 'check'>;
export type PolitenessGate = Pick<Politeness, 'claim'>;

/** The six strategic messages of DESIGN.md, word for word (the log analyzer counts them), and the retry line. */
export interface CrawlEvents {
  willBeCrawled(url: string): void;
  crawling(url: string): void;
  postponed(url: string): void;
  ignored(url: string): void;
  robotsUndetermined(url: string): void;
  couldNotRetrieve(url: string): void;
  /** Not one of the six: a transient failure sent the URL back to the frontier for attempt `attempt` of `of`. */
  willBeRetried(url: string, inMs: number, attempt: number, of: number, reason: string): void;
}
