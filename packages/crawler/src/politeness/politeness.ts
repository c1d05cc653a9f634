// Per-domain politeness across every process: one fetch per domain per delay, enforced by an atomic claim on the
// domain in the store. The delay is robots.txt's Crawl-delay when there is one, else `delayMs`.
import type { CrawlStore, DomainClaim, DomainSlot } from '../store/store.js';

export interface PolitenessOptions {
  store: Pick<CrawlStore, 'claimDomain'>;
  /** Delay between two fetches of one domain when robots.txt gives no Crawl-delay (`--delay`). Default 1000 ms. */
  delayMs?: number;
  /** Crawl-delay values above this are capped (a Crawl-delay of hours would stall a domain for good). Default 60 000 ms. */
  maxCrawlDelayMs?: number;
}

export type PolitenessDecision =
  | { kind: 'granted'; domain: string; delayMs: number }
  /** The domain is not free yet: postpone the URL until `notBefore` (ms since the epoch). */
  | { kind: 'postponed'; domain: string; delayMs: number; notBefore: number };

/** The delay that applies to a domain: Crawl-delay (capped) when robots.txt gives one, else the default. */
export function effectiveDelayMs(defaultDelayMs: number, crawlDelayMs: number | undefined, maxCrawlDelayMs: number): number {
  if (crawlDelayMs === undefined || !Number.isFinite(crawlDelayMs) || crawlDelayMs < 0) return defaultDelayMs;
  return Math.min(crawlDelayMs, maxCrawlDelayMs);
}

/** Turns the store's answer into a decision. */
export function decisionOf(domain: string, delayMs: number, claim: DomainClaim): PolitenessDecision {
  return claim.granted ? { kind: 'granted', domain, delayMs } : { kind: 'postponed', domain, delayMs, notBefore: claim.notBefore };
}

export class Politeness {
  readonly delayMs: number;
  readonly maxCrawlDelayMs: number;
  private readonly store: PolitenessOptions['store'];

  constructor(opts: PolitenessOptions) {
    this.store = opts.store;
    this.delayMs = opts.delayMs ?? 1000;
    this.maxCrawlDelayMs = opts.maxCrawlDelayMs ?? 60_000;
    if (!Number.isFinite(this.delayMs) || this.delayMs < 0) throw new RangeError(`delayMs must be a non-negative number, got ${this.delayMs}`);
  }

  /**
   * Claims `domain` for one fetch at `now`; `crawlDelayMs` is robots.txt's Crawl-delay for it, if any; `seen` the
   * domain's slot as the leasing process saw it (a hint for the store).
   */
  async claim(domain: string, now: number, crawlDelayMs?: number, seen?: DomainSlot): Promise<PolitenessDecision> {
    const delayMs = effectiveDelayMs(this.delayMs, crawlDelayMs, this.maxCrawlDelayMs);
    return decisionOf(domain, delayMs, await this.store.claimDomain(domain, now, delayMs, seen));
  }
}
