// The ground truth: which URLs a correct crawler stores, found by a breadth-first walk of the graph from the seeds.
import type { SimGraph } from './site-graph.js';

export interface ReachabilityOptions {
  /**
   * Obey robots.txt: pages under /private/ on `disallow` hosts are not fetched, and nothing on hosts whose
   * robots.txt is unreachable (`server-error`, `hang`) is fetched (RFC 9309: assume complete disallow).
   */
  respectRobots: boolean;
  /** Deepest link depth fetched (seeds are depth 0). Default unlimited. */
  maxDepth?: number;
}

/**
 * Canonical URLs of the HTML pages (status 200) a correct crawler stores: reached from the seeds by links that are
 * not rel=nofollow, within maxDepth (shortest link distance), and allowed by robots.txt when respected. Broken links
 * and non-HTML resources are fetched by a crawler but not stored, so they are not in the set.
 */
export function reachableUrls(graph: SimGraph, opts: ReachabilityOptions): Set<string> {
  const maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY;
  const stored = new Set<string>();
  const seen = new Set<string>(graph.seeds);
  let frontier = [...graph.seeds];
  for (let depth = 0; frontier.length > 0 && depth <= maxDepth; depth++) {
    const next: string[] = [];
    for (const url of frontier) {
      const { hostname, pathname } = new URL(url);
      const site = graph.byHost.get(hostname);
      if (!site) continue;
      if (opts.respectRobots) {
        if (site.robots === 'server-error' || site.robots === 'hang') continue;
        if (site.robots === 'disallow' && pathname.startsWith('/private/')) continue;
      }
      const resource = graph.resource(site, pathname);
      if (!resource || resource.type !== 'html') continue;
      stored.add(url);
      for (const link of resource.links) {
        if (link.nofollow || seen.has(link.target)) continue;
        seen.add(link.target);
        next.push(link.target);
      }
    }
    frontier = next;
  }
  return stored;
}
