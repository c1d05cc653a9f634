// Domain concentration from the pages' URLs: per bucket, how many distinct domains were fetched and the effective
// number of domains, 1 / Σ shareᵢ² (the inverse Simpson index: 40 domains fetched evenly count 40; one domain
// with 90% of the pages and 39 with the rest count about 1.2). A frontier drained of all but a few large sites
// shows it falling: per-domain politeness then caps the whole crawl at (effective domains) / (delay per domain).
// Per bucket the index is estimated without small-sample bias, Σ nᵢ(nᵢ − 1) / (N(N − 1)) for Σ shareᵢ², so a bucket
// with few pages does not look concentrated for that reason alone. Early and late (a third of the judged window
// each) weigh every bucket alike: each domain's share is its mean share over the buckets with pages, so a crawl that
// collapses onto one site in its last seconds shows it, where pooling the pages would let the busy minutes before
// the collapse outvote it. (One bucket's few pages say little about the spread, but averaged over 20 buckets the
// shares are close; pooled per-bucket indices would instead measure how many domains fit in 2 s of crawling.)
import { analyzeValueTrend } from '../analysis/trend.js';
import type { Trend } from '../analysis/types.js';
import type { KeySeriesReport } from '../report.js';

export interface DomainSpread {
  /** Pages counted. */
  pages: number;
  /** Distinct domains among them. */
  distinct: number;
  /** 1 / Σ shareᵢ² (unbiased); null with fewer than 2 pages. */
  effective: number | null;
  /** The domain with the most pages and its share. */
  top: string | null;
  topShare: number | null;
}

export interface DomainSignal {
  /** The key series read (`fetched, by domain` or `accepted, by domain`). */
  series: string;
  perBucket: DomainSpread[];
  /** Over the first and the last third of the judged window, every bucket weighing alike (timeWeightedSpread). */
  early: DomainSpread;
  late: DomainSpread;
  /**
   * The same thirds with their pages pooled (each page weighing alike): the domains those pages came from, the
   * denominator of pages per second per domain (the pages of a third over the domains that served them).
   */
  earlyPooled: DomainSpread;
  latePooled: DomainSpread;
  /** Trend of the effective number per bucket over the judged window. */
  effectiveTrend: Trend;
}

/** Spread of one set of per-domain page counts. */
export function domainSpread(perDomain: Record<string, number>): DomainSpread {
  let pages = 0;
  let pairs = 0;
  let distinct = 0;
  let top: string | null = null;
  let topN = 0;
  for (const [domain, n] of Object.entries(perDomain)) {
    if (n <= 0) continue;
    pages += n;
    pairs += n * (n - 1);
    distinct++;
    if (n > topN) [top, topN] = [domain, n];
  }
  const simpson = pages >= 2 ? pairs / (pages * (pages - 1)) : null;
  // Every page from a different domain: Σ nᵢ(nᵢ−1) = 0, the index says "at least as many domains as pages".
  const effective = simpson === null ? null : simpson === 0 ? distinct : Math.min(distinct, 1 / simpson);
  return { pages, distinct, effective, top, topShare: pages > 0 ? topN / pages : null };
}

/** The spread over several buckets, each bucket weighing alike: domains' mean shares over the buckets with pages. */
export function timeWeightedSpread(buckets: ReadonlyArray<Record<string, number>>): DomainSpread {
  const share: Record<string, number> = {};
  const pages: Record<string, number> = {};
  let withPages = 0;
  for (const b of buckets) {
    let n = 0;
    for (const x of Object.values(b)) n += x;
    if (n === 0) continue;
    withPages++;
    for (const [k, x] of Object.entries(b)) {
      share[k] = (share[k] ?? 0) + x / n;
      pages[k] = (pages[k] ?? 0) + x;
    }
  }
  const pooled = domainSpread(pages);
  if (withPages === 0 || pooled.pages < 2) return pooled;
  let squares = 0;
  let top: string | null = null;
  let topShare = 0;
  for (const [k, x] of Object.entries(share)) {
    const m = x / withPages;
    squares += m * m;
    if (m > topShare) [top, topShare] = [k, m];
  }
  return { pages: pooled.pages, distinct: pooled.distinct, effective: Math.min(pooled.distinct, 1 / squares), top, topShare };
}

/** The spread of several buckets' pages taken together. */
function pooledSpread(buckets: ReadonlyArray<Record<string, number>>): DomainSpread {
  const pages: Record<string, number> = {};
  for (const b of buckets) for (const [k, x] of Object.entries(b)) pages[k] = (pages[k] ?? 0) + x;
  return domainSpread(pages);
}

/**
 * One domain however the log spells its host: host names are case-insensitive, and crawlers log the URL as the page
 * wrote its link (`http://WWW.EXAMPLE.TEST:80/…` and `http://www.example.test/…` are one site; the key is read up
 * to the port), so spellings counted apart would double the domains a crawl fetched.
 */
function foldHosts(bucket: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [host, n] of Object.entries(bucket)) {
    const k = host.toLowerCase().replace(/\.$/, '');
    out[k] = (out[k] ?? 0) + n;
  }
  return out;
}

/** Domain concentration over the judged window [from, to) of a key series; null when it holds too few pages. */
export function domainSignal(keys: KeySeriesReport, window: { from: number; to: number }, bucketMs: number): DomainSignal | null {
  const buckets = keys.perBucket.map(foldHosts);
  const part = buckets.slice(window.from, window.to);
  const pages = part.reduce((s, b) => s + Object.values(b).reduce((a, n) => a + n, 0), 0);
  if (part.length < 3 || pages < 20) return null;
  const third = Math.max(1, Math.floor(part.length / 3));
  const perBucket = buckets.map(domainSpread);
  return {
    series: keys.name,
    perBucket,
    early: timeWeightedSpread(part.slice(0, third)),
    late: timeWeightedSpread(part.slice(-third)),
    earlyPooled: pooledSpread(part.slice(0, third)),
    latePooled: pooledSpread(part.slice(-third)),
    effectiveTrend: analyzeValueTrend(perBucket.slice(window.from, window.to).map((s) => s.effective), bucketMs),
  };
}
