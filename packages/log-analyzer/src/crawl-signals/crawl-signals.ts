// Crawl signals: from a logs report, the crawl rate an operator means (the crawler's own page lines, found by
// crawler), the window worth judging (start-up and shutdown left out), the rate's verdict there, and the ratios
// that name causes (postponed per page, retries and 429/503 answers per attempt, timeouts, give-ups, robots.txt
// requests per page), domain concentration, Scrapy's memory gauge, per-group verdicts and groups that stopped.
// `logs compare`, the bench and the doctor all read the crawl through this one module.
import { analyzeGroups, type StoppedGroup } from '../analysis/groups.js';
import { detectChangePoints } from '../analysis/changepoints.js';
import { analyzeTrend, analyzeValueTrend } from '../analysis/trend.js';
import type { Trend } from '../analysis/types.js';
import type { LogsReport } from '../report.js';
import { CRAWLER_LOGS, SIGNAL, type CrawlerKind } from './crawler-logs.js';
import { resolveCrawler } from './detect-crawler.js';
import { domainSignal, type DomainSignal } from './domains.js';

export interface CrawlSignalsOptions {
  /** The crawler, when the operator knows better than the detection: `scrapy`, `crawlee`, `python`, `crawl-diag`. */
  crawler?: string;
  /** Seconds after the first page left out of the judgement (start-up). Default: min(15 s, a quarter of the run). */
  warmupSec?: number;
  /** The rate series by name, instead of the crawler's (as `logs compare --series`). */
  rateSeries?: string;
}

/** One ratio of two per-bucket series over the judged window. */
export interface RatioSignal {
  name: string;
  numerator: string;
  denominator: string;
  /** Per bucket of the report's grid; null where the denominator is 0. */
  perBucket: Array<number | null>;
  /** Mean of the per-bucket ratios in the first and last third of the window. */
  early: number | null;
  late: number | null;
  /** Σ numerator / Σ denominator over the first and last third (a bucket with a tiny denominator weighs little). */
  earlyPooled: number | null;
  latePooled: number | null;
  /** Σ numerator / Σ denominator over the window; null with a zero denominator. */
  overall: number | null;
  numeratorTotal: number;
  denominatorTotal: number;
  trend: Trend;
}

export interface RateSignal extends Trend {
  /** The series the rate is read from. */
  series: string;
  /** `count`: a line per page; `counter`: a running total differenced (Scrapy LogStats, Crawlee statistics). */
  kind: 'count' | 'counter';
  /** Pages per bucket on the report's grid (0 where a counter had no reading yet). */
  perBucket: number[];
  /** The same per group (node, process). */
  groups: Record<string, number[]>;
  /** Mean pages per second in the first and last third of the window, and over all of it. */
  perSecEarly: number;
  perSecLate: number;
  perSec: number;
  /** Pages in the window. */
  pages: number;
}

/** The verdict part of the rate (its trend's fields), without the series it was read from. */
export function rateTrend(rate: RateSignal): Trend {
  const { series: _series, kind: _kind, perBucket: _perBucket, groups: _groups, perSecEarly: _early, perSecLate: _late, perSec: _perSec, pages: _pages, ...trend } = rate;
  return trend;
}

export interface GroupSignal {
  group: string;
  /** Over the judged window. */
  trend: Trend;
  /** Over the whole log (as the analyzer's group findings judge it). */
  wholeTrend: Trend;
  total: number;
  /** Pages per second over the window. */
  perSec: number;
  changePoints: Array<{ at: string; before: number; after: number }>;
}

export interface CrawlSignals {
  crawler: CrawlerKind | 'unknown';
  crawlerFrom: 'given' | 'detected';
  crawlerReason: string;
  bucketMs: number;
  /** ISO start of the report's first bucket. */
  start: string;
  /** Judged bucket range [from, to) on the report's grid, and its times. */
  window: { from: number; to: number; fromAt: string; toAt: string };
  rate: RateSignal;
  postponedPerPage: RatioSignal | null;
  /** Retried attempts per page. */
  retriesPerPage: RatioSignal | null;
  /** 429 and 503 answers per attempt (pages + retries, or request lines where the log has them). */
  pushbackShare: RatioSignal | null;
  timeoutsPerPage: RatioSignal | null;
  /** Requests given up (retries exhausted, content not retrieved) per page. */
  gaveUpPerPage: RatioSignal | null;
  /** Requests given up after 429/503 answers to every attempt, per page (in Scrapy's log at LOG_LEVEL=INFO too). */
  gaveUpRefusedPerPage: RatioSignal | null;
  /** Mean time a request took (ms), per bucket, where the crawler logs it (Crawlee's statistics). */
  requestMs: RatioSignal | null;
  /** `robots undetermined` lines per `will be crawled` line over the window. */
  robotsUndeterminedShare: number | null;
  /**
   * From request lines (the crawler's own, or an access log): robots.txt requests per page request over the judged
   * window (`perPage`; null with fewer than 20 page requests there), over the whole log (`perPageAll`), and the
   * robots.txt share of requests in the first and last third of the log.
   */
  robotsRequests: { perPage: number | null; perPageAll: number; shareEarly: number | null; shareLate: number | null } | null;
  domains: DomainSignal | null;
  /** Scrapy's memusage gauge (MiB) over the window. */
  memory: { series: string; earlyMiB: number; lateMiB: number; relativeChange: number; trend: Trend } | null;
  groups: GroupSignal[];
  stopped: StoppedGroup[];
  warnings: string[];
}

/** Fewest page requests in the judged window to judge robots.txt requests per page (the analyzer's event minimum). */
const MIN_PAGE_REQUESTS = 20;
/** Crawlee's statistics counter of requests: the denominator of its request time, whatever the rate is read from. */
const CRAWLEE_STATS = 'requests (Crawlee stats)';

const sum = (a: ReadonlyArray<number | null>) => a.reduce<number>((s, x) => s + (x ?? 0), 0);
function meanOf(values: ReadonlyArray<number | null>): number | null {
  const v = values.filter((x): x is number => x !== null);
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
}

/** Per-bucket numbers of a count series or a counter's increases (null → 0), or undefined when absent. */
function perBucketOf(report: LogsReport, name: string): { counts: number[]; kind: 'count' | 'counter'; present: boolean; groups: Record<string, number[]> } | undefined {
  const s = report.series.find((x) => x.name === name);
  if (s) {
    return { counts: s.counts, kind: 'count', present: s.total > 0, groups: Object.fromEntries(Object.entries(s.groups).map(([g, x]) => [g, x.counts])) };
  }
  const v = report.values?.find((x) => x.name === name && x.kind === 'counter');
  if (!v) return undefined;
  const zero = (xs: Array<number | null>) => xs.map((x) => x ?? 0);
  return { counts: zero(v.values), kind: 'counter', present: v.values.some((x) => x !== null && x > 0), groups: Object.fromEntries(Object.entries(v.groups).map(([g, x]) => [g, zero(x.values)])) };
}

/** The buckets of a judged grid that lie wholly inside [fromMs, toMs). */
function judgedPart(judged: { bucketMs: number; startMs: number; counts: number[] }, fromMs: number, toMs: number): number[] {
  const from = Math.max(0, Math.ceil((fromMs - judged.startMs) / judged.bucketMs));
  const to = Math.min(judged.counts.length, Math.floor((toMs - judged.startMs) / judged.bucketMs));
  return judged.counts.slice(from, Math.max(from, to));
}

/** The judged window: from the first page plus the warm-up to the last full bucket or the crawl's end. */
export function judgedWindow(report: LogsReport, pages: number[], warmupSec?: number, knownTo?: number): { from: number; to: number; first: number; end: number } {
  const first = Math.max(0, pages.findIndex((c) => c > 0));
  let to = (report.lastBucketCoverage ?? 1) < 1 ? pages.length - 1 : pages.length;
  if (knownTo !== undefined && knownTo > first) to = Math.min(to, knownTo);
  const end = report.series.find((s) => s.name === SIGNAL.crawlEnd)?.counts.findIndex((c) => c > 0) ?? -1;
  if (end > first) to = Math.min(to, end);
  const spanSec = ((to - first) * report.bucketMs) / 1000;
  const warm = warmupSec ?? Math.min(15, spanSec / 4);
  // +1: the first bucket with a page is partial (the first page arrives mid-bucket).
  const from = Math.min(first + 1 + Math.ceil((warm * 1000) / report.bucketMs), Math.max(first, to - 1));
  return { from, to, first, end };
}

function ratio(
  name: string,
  numerator: { name: string; counts: readonly number[] },
  denominator: { name: string; counts: readonly number[] },
  window: { from: number; to: number },
  bucketMs: number,
): RatioSignal | null {
  const num = numerator.counts.slice(window.from, window.to);
  const den = denominator.counts.slice(window.from, window.to);
  const numeratorTotal = sum(num);
  const denominatorTotal = sum(den);
  if (numeratorTotal === 0 && sum(numerator.counts) === 0) return null;
  const perBucket = denominator.counts.map((d, i) => (d > 0 ? (numerator.counts[i] ?? 0) / d : null));
  const part = perBucket.slice(window.from, window.to);
  const third = Math.max(1, Math.floor(part.length / 3));
  const pooled = (a: number, b: number) => {
    const d = sum(den.slice(a, b));
    return d > 0 ? sum(num.slice(a, b)) / d : null;
  };
  return {
    name,
    earlyPooled: pooled(0, third),
    latePooled: pooled(part.length - third, part.length),
    numerator: numerator.name,
    denominator: denominator.name,
    perBucket,
    early: meanOf(part.slice(0, third)),
    late: meanOf(part.slice(-third)),
    overall: denominatorTotal > 0 ? numeratorTotal / denominatorTotal : null,
    numeratorTotal,
    denominatorTotal,
    trend: analyzeValueTrend(part, bucketMs),
  };
}

export function crawlSignals(report: LogsReport, options: CrawlSignalsOptions = {}): CrawlSignals {
  const detection = resolveCrawler(report, options.crawler);
  const warnings = [...detection.warnings];
  const logs = detection.crawler === 'unknown' ? undefined : CRAWLER_LOGS[detection.crawler];
  const bucketMs = report.bucketMs;
  const count = (name: string) => perBucketOf(report, name);

  // The rate: the crawler's page series with data; else any count series with lines (a log of something else).
  const wanted = options.rateSeries ? [options.rateSeries] : (logs?.rateSeries ?? []);
  let rateName = wanted.find((n) => count(n)?.present);
  if (options.rateSeries && !rateName) rateName = count(options.rateSeries) ? options.rateSeries : undefined;
  if (!rateName && logs && !options.rateSeries) {
    // The crawler's own page series even when empty: a crawl that fetched nothing has a rate of zero, not the rate of
    // its error lines.
    rateName = logs.rateSeries.find((n) => count(n)) ?? logs.rateSeries[0];
    warnings.push(`no ${logs.label} page lines (${logs.rateSeries.join(', ')}) in these logs`);
  }
  if (!rateName) rateName = report.series.find((s) => s.total > 0)?.name ?? report.series[0]?.name;
  let pages = count(rateName!) ?? { counts: new Array<number>(report.buckets).fill(0), kind: 'count' as const, present: false, groups: {} };
  let judged = pages.kind === 'count' ? report.series.find((s) => s.name === rateName)?.judged : undefined;
  // Failed fetches out of a fetch-line rate (when they are more than 1% of it): pages, not attempts.
  const failed = !options.rateSeries && logs?.failedFetchSeries && (logs.fetchLineSeries ?? logs.rateSeries.slice(0, 1)).includes(rateName!) ? count(logs.failedFetchSeries) : undefined;
  if (failed && pages.kind === 'count' && sum(failed.counts) >= 0.01 * sum(pages.counts)) {
    const minus = (a: number[], b: number[] | undefined) => a.map((x, i) => Math.max(0, x - (b?.[i] ?? 0)));
    const failedJudged = report.series.find((s) => s.name === logs!.failedFetchSeries)?.judged;
    judged = judged && failedJudged && failedJudged.bucketMs === judged.bucketMs && failedJudged.startMs === judged.startMs
      ? { ...judged, counts: minus(judged.counts, failedJudged.counts) }
      : undefined;
    rateName = `${rateName} − ${logs!.failedFetchSeries}`;
    pages = { ...pages, counts: minus(pages.counts, failed.counts), groups: Object.fromEntries(Object.entries(pages.groups).map(([g, c]) => [g, minus(c, failed.groups[g])])) };
  }
  // A counter is known only up to its last reading: buckets after it are unknown, not zero.
  const rateValues = pages.kind === 'counter' ? report.values!.find((v) => v.name === rateName)!.values : undefined;
  const lastReading = rateValues ? rateValues.findLastIndex((v) => v !== null) : -1;
  const w = judgedWindow(report, pages.counts, options.warmupSec, rateValues ? lastReading + 1 : undefined);
  const window = { from: w.from, to: w.to };
  const part = pages.counts.slice(w.from, w.to);
  const third = Math.max(1, Math.floor(part.length / 3));
  const perSec = (c: number[], ms = bucketMs) => (c.length ? (sum(c) / c.length) * (1000 / ms) : 0);
  // A rate read from a line per page, where the report's buckets follow slower statistics lines: judged, over the
  // same window, on the finer grid the analyzer judged its page series on (a 2-minute Scrapy log has 9 buckets of
  // 10 s in its window, too few for a verdict, but a line per page at every resolution).
  const fine = judged && judged.bucketMs < bucketMs ? judgedPart(judged, Date.parse(report.start) + w.from * bucketMs, Date.parse(report.start) + w.to * bucketMs) : null;
  const finePart = fine && fine.length >= 3 ? fine : null;
  const fineThird = finePart ? Math.max(1, Math.floor(finePart.length / 3)) : 0;
  const trend: Trend =
    finePart
      ? { ...analyzeTrend({ counts: finePart, bucketMs: judged!.bucketMs }), judgedBucketMs: judged!.bucketMs }
      : pages.kind === 'count'
      ? analyzeTrend({ counts: part, bucketMs })
      : analyzeValueTrend(
          part.map((x, i) => (rateValues![w.from + i] === null ? null : x)),
          bucketMs,
        );
  const rate: RateSignal = {
    ...trend,
    series: rateName!,
    kind: pages.kind,
    perBucket: pages.counts,
    groups: pages.groups,
    perSecEarly: finePart ? perSec(finePart.slice(0, fineThird), judged!.bucketMs) : perSec(part.slice(0, third)),
    perSecLate: finePart ? perSec(finePart.slice(-fineThird), judged!.bucketMs) : perSec(part.slice(-third)),
    perSec: perSec(part),
    pages: sum(part),
  };
  const pageSeries = { name: rateName!, counts: pages.counts };

  const named = (name: string) => {
    const c = count(name);
    return c ? { name, counts: c.counts } : undefined;
  };
  const retries = named(SIGNAL.retries);
  const requests = named(SIGNAL.requests);
  const useRequests = (logs?.attemptsFromRequests ?? true) && requests !== undefined && sum(requests.counts) > 0;
  const attempts = useRequests
    ? { name: SIGNAL.requests, counts: requests!.counts }
    : { name: `${rateName} + ${SIGNAL.retries}`, counts: pages.counts.map((p, i) => p + (retries?.counts[i] ?? 0)) };
  const pushback = named(SIGNAL.pushback);
  const postponed = logs?.postponedSeries ? named(logs.postponedSeries) : undefined;
  const timeouts = named(SIGNAL.timeouts);
  const gaveUp = named(SIGNAL.gaveUp);
  const gaveUpRefused = named(SIGNAL.gaveUpRefused);
  const requestTime = named(SIGNAL.requestTimeMs);
  const crawleeStats = count(CRAWLEE_STATS);

  const accepted = named('will be crawled');
  const undetermined = named('robots undetermined');
  const acceptedInWindow = accepted ? sum(accepted.counts.slice(w.from, w.to)) : 0;
  const robotsUndeterminedShare = undetermined && acceptedInWindow > 0 ? sum(undetermined.counts.slice(w.from, w.to)) / acceptedInWindow : null;

  let robotsRequests: CrawlSignals['robotsRequests'] = null;
  const robots = named(SIGNAL.robotsRequests);
  if (robots && requests && sum(requests.counts) > 0) {
    const totalRobots = sum(robots.counts);
    const pagesRequested = sum(requests.counts) - totalRobots;
    const n = requests.counts.length;
    const t = Math.max(1, Math.floor(n / 3));
    const share = (a: number, b: number) => {
      const r = sum(requests.counts.slice(a, b));
      return r > 0 ? sum(robots.counts.slice(a, b)) / r : null;
    };
    // Judged over the same window as the rate: every crawl fetches each host's robots.txt once when it first meets
    // the host, so a short or slow start (40 hosts' index pages first) has one robots.txt per page without any fault.
    const robotsInWindow = sum(robots.counts.slice(w.from, w.to));
    const pagesInWindow = sum(requests.counts.slice(w.from, w.to)) - robotsInWindow;
    robotsRequests = {
      perPage: pagesInWindow >= MIN_PAGE_REQUESTS ? robotsInWindow / pagesInWindow : null,
      perPageAll: totalRobots / Math.max(1, pagesRequested),
      shareEarly: share(0, t),
      shareLate: share(n - t, n),
    };
  }

  // The crawler's own page lines' domains; else whichever per-page lines the logs have (accepted URLs).
  const keys = report.keys?.find((k) => k.name === (logs?.domainSeries ?? SIGNAL.fetchedDomains) && k.total > 0) ?? report.keys?.find((k) => k.total > 0);
  const domains = keys ? domainSignal(keys, window, bucketMs) : null;

  let memory: CrawlSignals['memory'] = null;
  const mem = report.values?.find((v) => v.name === SIGNAL.memoryMiB);
  if (mem) {
    const inWindow = mem.values.slice(w.from, w.to);
    const [early, late] = [meanOf(inWindow.slice(0, third)), meanOf(inWindow.slice(-third))];
    if (early !== null && late !== null && early > 0) {
      memory = { series: mem.name, earlyMiB: early, lateMiB: late, relativeChange: (late - early) / early, trend: analyzeValueTrend(inWindow, bucketMs, { autocorrelationCorrection: false }) };
    }
  }

  const groupCounts: Record<string, number[]> = {};
  for (const [g, c] of Object.entries(pages.groups)) if (sum(c) > 0) groupCounts[g] = c;
  const startMs = Date.parse(report.start);
  const gf = Object.keys(groupCounts).length
    ? analyzeGroups(groupCounts, { bucketMs, startMs, firstBucketCoverage: report.firstBucketCoverage, lastBucketCoverage: report.lastBucketCoverage })
    : undefined;
  // A group silent only after the crawl's own end did not stop: the crawl ended.
  const stopped = (gf?.stopped ?? []).filter((s) => w.end < 0 || s.lastEventBucket < w.end - 1);
  const groups: GroupSignal[] = (gf?.groups ?? []).map((g) => ({
    group: g.group,
    trend: analyzeTrend({ counts: groupCounts[g.group].slice(w.from, w.to), bucketMs }),
    wholeTrend: g.trend,
    total: g.total,
    perSec: perSec(groupCounts[g.group].slice(w.from, w.to)),
    changePoints: detectChangePoints({ counts: groupCounts[g.group], bucketMs, firstBucketCoverage: report.firstBucketCoverage, lastBucketCoverage: report.lastBucketCoverage }).map((cp) => ({
      at: new Date(startMs + cp.index * bucketMs).toISOString(),
      before: cp.before,
      after: cp.after,
    })),
  }));

  const iso = (b: number) => new Date(startMs + b * bucketMs).toISOString();
  return {
    crawler: detection.crawler,
    crawlerFrom: detection.from,
    crawlerReason: detection.reason,
    bucketMs,
    start: report.start,
    window: { ...window, fromAt: iso(w.from), toAt: iso(w.to) },
    rate,
    postponedPerPage: postponed ? ratio('postponed per page', postponed, pageSeries, window, bucketMs) : null,
    retriesPerPage: retries ? ratio('retries per page', retries, pageSeries, window, bucketMs) : null,
    pushbackShare: pushback ? ratio('429/503 share of attempts', pushback, attempts, window, bucketMs) : null,
    timeoutsPerPage: timeouts ? ratio('timeouts per page', timeouts, pageSeries, window, bucketMs) : null,
    gaveUpPerPage: gaveUp ? ratio('given up per page', gaveUp, pageSeries, window, bucketMs) : null,
    gaveUpRefusedPerPage: gaveUpRefused ? ratio('given up on 429/503 per page', gaveUpRefused, pageSeries, window, bucketMs) : null,
    // Both from the statistics lines, whatever the rate is read from: time of the requests per request counted.
    requestMs: requestTime && crawleeStats?.present ? ratio('ms per request', requestTime, { name: CRAWLEE_STATS, counts: crawleeStats.counts }, window, bucketMs) : null,
    robotsUndeterminedShare,
    robotsRequests,
    domains,
    memory,
    groups,
    stopped,
    warnings,
  };
}
