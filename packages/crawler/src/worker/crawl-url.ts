// One URL through the worker: filters, robots.txt, the domain's politeness slot, fetch, store the page and the new
// links, finish the URL. Every outcome is written to the store here (the worker must store pages and links anyway),
// under the lease owner the URL was handed out with; the supervisor only relays the outcome for progress.
import type { CrawlStore, LeasedUrl, NewUrl } from '../store/store.js';
import type { Fetcher } from '../fetch/fetcher.js';
import { extractLinks } from '../fetch/links.js';
import { domainOf } from '../fetch/url.js';
import type { UrlOutcome } from '../transport/protocol.js';
import type { CrawlEvents, PolitenessGate, RobotsGate } from './crawl-ports.js';
import type { FetchFailure } from '../fetch/fetch-outcome.js';
import { mayRetry, retryWait, transientReason, type FetchRetryOptions } from './retry.js';

export interface CrawlUrlContext {
  store: CrawlStore;
  fetcher: Fetcher;
  robots: RobotsGate;
  politeness: PolitenessGate;
  events: CrawlEvents;
  /** Who fetched (page `fetchedBy`), e.g. the worker's name. */
  fetchedBy: string;
  maxDepth: number;
  /** Empty: any domain. */
  allowedDomains: string[];
  /** Transient failures (fetch or robots.txt) go back to the frontier this many times before they are final. */
  retry: FetchRetryOptions;
}

export function domainAllowed(domain: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  return allowed.some((a) => domain === a || domain.endsWith(`.${a}`));
}

export interface CrawlUrlResult {
  outcome: UrlOutcome;
  /** When the URL's domain may be fetched again (its politeness slot was claimed for this fetch). */
  domainFreeAt?: number;
}

export async function crawlUrl(ctx: CrawlUrlContext, leased: LeasedUrl): Promise<CrawlUrlResult> {
  const { store, events } = ctx;
  const { url, domain, leaseOwner: owner } = leased;
  let domainFreeAt: number | undefined;
  const ignore = async (detail: string): Promise<CrawlUrlResult> => {
    events.ignored(url);
    await store.finishUrl(url, owner, 'ignored', detail);
    return { outcome: 'ignored', domainFreeAt };
  };
  /** Back to the frontier for a later attempt, when attempts are left; undefined when this one was the last. */
  const retry = async (reason: string, failure?: FetchFailure): Promise<CrawlUrlResult | undefined> => {
    if (!mayRetry(ctx.retry, leased.attempts)) return undefined;
    const { inMs, because } = retryWait(ctx.retry, leased.attempts, failure);
    const why = because ? `${reason} (${because})` : reason;
    if (!(await store.retryUrl(url, owner, Date.now() + inMs, why))) return { outcome: 'retried', domainFreeAt };
    events.willBeRetried(url, inMs, leased.attempts + 1, ctx.retry.retries + 1, why);
    return { outcome: 'retried', domainFreeAt };
  };
  const attemptsNote = leased.attempts > 1 ? ` (after ${leased.attempts} attempts)` : '';

  // Seeds are checked here; discovered links were filtered before they entered the frontier.
  if (!domainAllowed(domain, ctx.allowedDomains)) return ignore('domain not allowed');
  if (leased.depth > ctx.maxDepth) return ignore('deeper than --max-depth');

  const robots = await ctx.robots.check(url);
  if (robots.verdict === 'unknown') {
    // RFC 9309 2.3.1.4: unreachable robots.txt means complete disallow. Ignored at once, as the original crawler
    // did: postponing until robots.txt is retried (minutes later) would hold `crawl local` open that long, and the
    // frontier entry does not count robots postponements to give up after a few.
    // Unreachable robots.txt is usually a server restarting or a network cut: the URL is tried again (robots.txt
    // with it) a few times before it is ignored.
    events.robotsUndetermined(url);
    return (await retry(`robots.txt undetermined: ${robots.reason}`)) ?? ignore(`robots.txt undetermined: ${robots.reason}${attemptsNote}`);
  }
  if (robots.verdict === 'disallowed') return ignore('disallowed by robots.txt');

  const claim = await ctx.politeness.claim(domain, Date.now(), robots.crawlDelayMs, leased.domainSlot);
  if (claim.kind === 'postponed') {
    await store.postponeUrl(url, owner, claim.notBefore);
    events.postponed(url);
    return { outcome: 'postponed' };
  }

  domainFreeAt = Date.now() + claim.delayMs;
  events.willBeCrawled(url);
  events.crawling(url);
  const result = await ctx.fetcher.fetchPage(url);
  if (result.kind === 'not-html') return ignore(`not HTML (${result.contentType})`);
  if (result.kind === 'blocked') return ignore(`blocked: ${result.reason}`);
  if (result.kind !== 'page') {
    events.couldNotRetrieve(url);
    const detail = result.kind === 'network-error' ? `${result.code}: ${result.message}` : 'status' in result ? `${result.kind} ${result.status}` : result.kind;
    const reason = transientReason(result);
    const retried = reason === undefined ? undefined : await retry(reason, result);
    if (retried) return retried;
    await store.finishUrl(url, owner, 'failed', `${detail}${attemptsNote}`);
    return { outcome: 'failed', domainFreeAt };
  }

  const now = Date.now();
  await store.savePage({
    url,
    finalUrl: result.finalUrl,
    status: result.status,
    contentType: result.contentType,
    html: result.html,
    fetchedAt: now,
    fetchMs: result.fetchMs,
    fetchedBy: ctx.fetchedBy,
  });
  if (leased.depth < ctx.maxDepth) {
    const links: NewUrl[] = [];
    for (const link of extractLinks(result.html, result.finalUrl).links) {
      const linkDomain = domainOf(link);
      if (domainAllowed(linkDomain, ctx.allowedDomains)) links.push({ url: link, domain: linkDomain, depth: leased.depth + 1, discoveredFrom: url });
    }
    if (links.length > 0) await store.addUrls(links, now);
  }
  await store.finishUrl(url, owner, 'done');
  return { outcome: 'done', domainFreeAt };
}
