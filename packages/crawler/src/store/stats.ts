// Crawl statistics shared by both stores: per-domain counts in, totals and the per-domain table out.
import type { CrawlStats, DomainStats, UrlState } from './store.js';

/** URLs of one domain in one state, and the postponements they had. */
export interface StateCount {
  domain: string;
  state: UrlState;
  urls: number;
  postponements: number;
  /** Of these URLs, the pending ones waiting for a retry (0 for other states). */
  retrying?: number;
}

/** Pages stored for one domain. */
export interface PageCount {
  domain: string;
  pages: number;
}

/** Builds the status table: one row per domain (sorted by name) and the totals over them. */
export function crawlStats(states: Iterable<StateCount>, pages: Iterable<PageCount>): CrawlStats {
  const byDomain = new Map<string, DomainStats>();
  const row = (domain: string): DomainStats => {
    let d = byDomain.get(domain);
    if (!d) {
      d = { domain, pending: 0, leased: 0, done: 0, failed: 0, ignored: 0, pages: 0, postponements: 0, retrying: 0 };
      byDomain.set(domain, d);
    }
    return d;
  };
  for (const s of states) {
    const d = row(s.domain);
    d[s.state] += s.urls;
    d.postponements += s.postponements;
    d.retrying += s.retrying ?? 0;
  }
  for (const p of pages) row(p.domain).pages += p.pages;
  const domains = [...byDomain.values()].sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  const total: CrawlStats = { pages: 0, pending: 0, leased: 0, done: 0, failed: 0, ignored: 0, postponements: 0, retrying: 0, domains };
  for (const d of domains) {
    total.pages += d.pages;
    total.pending += d.pending;
    total.leased += d.leased;
    total.done += d.done;
    total.failed += d.failed;
    total.ignored += d.ignored;
    total.postponements += d.postponements;
    total.retrying += d.retrying;
  }
  return total;
}
