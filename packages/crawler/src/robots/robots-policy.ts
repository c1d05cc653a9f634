// robots.txt for every URL a worker is about to fetch: fetched once per domain through the fetcher, cached in the
// store with an expiry (shared by all processes), and in process memory, parsed; see robots-rules.ts for RFC 9309.
import type { Fetcher } from '../fetch/fetcher.js';
import { domainOf, robotsTxtUrlOf } from '../fetch/url.js';
import type { CrawlStore, RobotsEntry } from '../store/store.js';
import { isUnreachableStatus, parseRobots, verdictOf, type RobotsVerdict } from './robots-rules.js';

export interface RobotsPolicyOptions {
  store: Pick<CrawlStore, 'getRobots' | 'putRobots'>;
  fetcher: Pick<Fetcher, 'fetchText'>;
  /** Product token matched against `User-agent:` lines. Default `crawl-diag`. */
  userAgent?: string;
  /** How long a fetched robots.txt is used (RFC 9309 2.4: SHOULD NOT exceed 24 h). Default 24 h. */
  ttlMs?: number;
  /** How long an unreachable robots.txt (5xx, 429, timeout) is taken as "complete disallow" before trying again. Default 10 min. */
  unreachableTtlMs?: number;
  /** Bytes of robots.txt read and parsed (RFC 9309 2.5: at least 500 KiB). Default 512 000. */
  maxBytes?: number;
  /** Fault `robots-no-cache`: fetch robots.txt again for every URL (no store, no memory cache). Default false. */
  noCache?: boolean;
  /** Parsed robots.txt files kept in process memory. Default 1000. */
  memoryEntries?: number;
  /** Clock (ms since the epoch). Default Date.now. */
  now?: () => number;
}

export interface RobotsCheck {
  verdict: RobotsVerdict;
  /** Whether this check fetched robots.txt (false: store or memory cache). */
  fetched: boolean;
}

type ParsedRobots = ReturnType<typeof parseRobots>;

export class RobotsPolicy {
  private readonly store: RobotsPolicyOptions['store'];
  private readonly fetcher: RobotsPolicyOptions['fetcher'];
  private readonly userAgent: string;
  private readonly ttlMs: number;
  private readonly unreachableTtlMs: number;
  private readonly maxBytes: number;
  private readonly noCache: boolean;
  private readonly memoryEntries: number;
  private readonly now: () => number;
  /** Entries by domain, with their parsed bodies by robots URL (http and https of one host share an entry). */
  private readonly memory = new Map<string, { entry: RobotsEntry; parsed: Map<string, ParsedRobots> }>();
  /** The last 2xx/4xx entry per domain, kept past expiry: used while a refresh finds the server unreachable. */
  private readonly lastGood = new Map<string, RobotsEntry>();
  private readonly inFlight = new Map<string, Promise<RobotsEntry>>();
  private fetchCount = 0;

  constructor(opts: RobotsPolicyOptions) {
    this.store = opts.store;
    this.fetcher = opts.fetcher;
    this.userAgent = opts.userAgent ?? 'crawl-diag';
    this.ttlMs = opts.ttlMs ?? 24 * 60 * 60 * 1000;
    this.unreachableTtlMs = opts.unreachableTtlMs ?? 10 * 60 * 1000;
    this.maxBytes = opts.maxBytes ?? 512_000;
    this.noCache = opts.noCache ?? false;
    this.memoryEntries = opts.memoryEntries ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  /** robots.txt fetches this policy made (for diagnosis and tests). */
  get fetches(): number {
    return this.fetchCount;
  }

  /** Whether `url` may be fetched, with the domain's Crawl-delay when robots.txt gives one. */
  async check(url: string): Promise<RobotsVerdict> {
    return (await this.checkDetailed(url)).verdict;
  }

  /** Like check, and says whether robots.txt was fetched for it. */
  async checkDetailed(url: string): Promise<RobotsCheck> {
    const domain = domainOf(url);
    const robotsUrl = robotsTxtUrlOf(url);
    const now = this.now();
    if (this.noCache) {
      const entry = await this.fetchEntry(domain, robotsUrl, now);
      return { verdict: this.verdictFor(entry, url, robotsUrl, undefined), fetched: true };
    }
    const cached = this.memory.get(domain);
    if (cached && cached.entry.expiresAt > now) return { verdict: this.verdictFor(cached.entry, url, robotsUrl, cached.parsed), fetched: false };

    const stored = await this.store.getRobots(domain, now);
    if (stored && stored.expiresAt > now) {
      const slot = this.remember(stored);
      return { verdict: this.verdictFor(stored, url, robotsUrl, slot.parsed), fetched: false };
    }
    // One fetch per domain at a time in this process; concurrent checks wait for it.
    let pending = this.inFlight.get(domain);
    let fetched = false;
    if (!pending) {
      fetched = true;
      pending = this.refresh(domain, robotsUrl, now).finally(() => this.inFlight.delete(domain));
      this.inFlight.set(domain, pending);
    }
    const entry = await pending;
    const slot = this.memory.get(domain);
    return { verdict: this.verdictFor(entry, url, robotsUrl, slot?.entry === entry ? slot.parsed : undefined), fetched };
  }

  private async refresh(domain: string, robotsUrl: string, now: number): Promise<RobotsEntry> {
    let entry = await this.fetchEntry(domain, robotsUrl, now);
    const previous = this.lastGood.get(domain);
    if (isUnreachableStatus(entry.status) && previous) {
      // RFC 9309 2.4: while robots.txt is unreachable, the last copy fetched may be used.
      entry = { ...previous, expiresAt: now + this.unreachableTtlMs };
    }
    await this.store.putRobots(entry);
    this.remember(entry);
    return entry;
  }

  private async fetchEntry(domain: string, robotsUrl: string, now: number): Promise<RobotsEntry> {
    this.fetchCount++;
    const out = await this.fetcher.fetchText(robotsUrl, { maxBytes: this.maxBytes });
    const fetchedAt = this.now();
    const good = (status: number, body: string): RobotsEntry => ({ domain, status, body, fetchedAt, expiresAt: now + this.ttlMs });
    const bad = (status: number, why: string): RobotsEntry => ({ domain, status, body: why, fetchedAt, expiresAt: now + this.unreachableTtlMs });
    switch (out.kind) {
      case 'text':
        return good(out.status, out.body);
      case 'http-error':
        return isUnreachableStatus(out.status) ? bad(out.status, '') : good(out.status, '');
      case 'too-many-redirects':
        // Stored as 300: "redirect limit reached", which robots-rules.ts treats as unavailable (allow all).
        return good(300, '');
      case 'too-large':
        // fetchText cuts at the limit instead; kept for completeness of the union.
        return bad(0, 'robots.txt too large');
      case 'blocked':
        return bad(0, `robots.txt blocked: ${out.reason}`);
      case 'network-error':
        return bad(0, out.timeout ? `robots.txt timed out (${out.timeout})` : `robots.txt unreachable: ${out.code}`);
    }
  }

  private remember(entry: RobotsEntry): { entry: RobotsEntry; parsed: Map<string, ParsedRobots> } {
    const current = this.memory.get(entry.domain);
    if (current && current.entry.fetchedAt === entry.fetchedAt && current.entry.expiresAt === entry.expiresAt) return current;
    const slot = { entry, parsed: current && current.entry.fetchedAt === entry.fetchedAt ? current.parsed : new Map<string, ParsedRobots>() };
    this.memory.delete(entry.domain);
    this.memory.set(entry.domain, slot);
    if (this.memory.size > this.memoryEntries) this.memory.delete(this.memory.keys().next().value as string);
    if (!isUnreachableStatus(entry.status)) {
      this.lastGood.delete(entry.domain);
      this.lastGood.set(entry.domain, entry);
      if (this.lastGood.size > this.memoryEntries) this.lastGood.delete(this.lastGood.keys().next().value as string);
    }
    return slot;
  }

  private verdictFor(entry: RobotsEntry, url: string, robotsUrl: string, parsedByUrl: Map<string, ParsedRobots> | undefined): RobotsVerdict {
    let parsed: ParsedRobots | undefined;
    if (entry.status >= 200 && entry.status <= 299) {
      parsed = parsedByUrl?.get(robotsUrl);
      if (!parsed) {
        parsed = parseRobots(robotsUrl, entry.body);
        parsedByUrl?.set(robotsUrl, parsed);
      }
    }
    return verdictOf(entry, url, this.userAgent, parsed);
  }
}
