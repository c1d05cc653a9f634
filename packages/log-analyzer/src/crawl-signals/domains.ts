// Domain concentration from the pages' URLs: per bucket, how many distinct domains were fetched and the effective
// number of domains, 1 / Σ shareᵢ² (the inverse Simpson index: 40 domains fetched evenly count 40; one domain
// with 90% of the pages and 39 with the rest count about 1.2). A frontier drained of all but a few large sites
// shows it falling: per-domain politeness then caps the whole crawl at (effective domains) / (delay per domain).
// The index is estimated without small-sample bias, Σ nᵢ(nᵢ − 1) / (N(N − 1)) for Σ shareᵢ², so a bucket with few
// pages (a slow crawl) does not look concentrated for that reason alone; early and late are pooled over a third
// of the judged window each.
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
  /** Pooled over the first and the last third of the judged window. */
  early: DomainSpread;
  late: DomainSpread;
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

function pool(buckets: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of buckets) for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** Domain concentration over the judged window [from, to) of a key series; null when it holds too few pages. */
export function domainSignal(keys: KeySeriesReport, window: { from: number; to: number }, bucketMs: number): DomainSignal | null {
  const part = keys.perBucket.slice(window.from, window.to);
  const pages = part.reduce((s, b) => s + Object.values(b).reduce((a, n) => a + n, 0), 0);
  if (part.length < 3 || pages < 20) return null;
  const third = Math.max(1, Math.floor(part.length / 3));
  const perBucket = keys.perBucket.map(domainSpread);
  return {
    series: keys.name,
    perBucket,
    early: domainSpread(pool(part.slice(0, third))),
    late: domainSpread(pool(part.slice(-third))),
    effectiveTrend: analyzeValueTrend(perBucket.slice(window.from, window.to).map((s) => s.effective), bucketMs),
  };
}
