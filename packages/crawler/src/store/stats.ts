// Crawl statistics shared by both stores: totals computed from per-domain counts.
import type { CrawlStats, DomainStats } from './store.js';

/** Totals over the per-domain rows ; sorts the domains by name. */
export function summarise(domains: DomainStats[]): CrawlStats {
  const total: CrawlStats = { pages: 0, pending: 0, leased: 0, done: 0, failed: 0, ignored: 0, postponements: 0, domains };
  for (const d of domains) {
    total.pages += d.pages;
    total.pending += d.pending;
    total.leased += d.leased;
    total.done += d.done;
    total.failed += d.failed;
    total.ignored += d.ignored;
    total.postponements += d.postponements;
  }
  domains.sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  return total;
}
