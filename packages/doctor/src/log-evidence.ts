// Log evidence for the doctor: the crawl rate's trend over the judged window (start-up and shutdown left out), the
// postponed/crawled ratio early and late, the robots-undetermined share, robots.txt requests per page when an access
// log is among the inputs, per-group verdicts and groups that stopped. All of it through the log analyzer.
import {
  analyzeGroups,
  analyzeLogs,
  analyzeTrend,
  analyzeValueTrend,
  DEFAULT_SERIES,
  detectChangePoints,
  type LogsReport,
  type SeriesPattern,
  type SeriesReport,
  type StoppedGroup,
  type Trend,
} from '@crawl-diag/log-analyzer';

/** Extra series the doctor counts besides the crawler's strategic lines. */
export const DOCTOR_SERIES: SeriesPattern[] = [
  ...DEFAULT_SERIES,
  // Supervisors log this when the dispatcher ends the crawl: what follows is shutdown, not throughput.
  { name: 'crawl end', substring: 'The dispatcher ends the crawl' },
  // Web server access logs (when given): robots.txt requests against page requests.
  { name: 'robots.txt requests', regex: /"GET [^" ]*\/robots\.txt/ },
  { name: 'requests', regex: /"GET / },
];

export interface LogEvidenceOptions {
  paths: string[];
  /** Bucket size in ms, or 'auto' (the analyzer's 30–120 buckets). */
  bucketMs?: number | 'auto';
  /** `--group-by` of the analyzer (default: one group per file). */
  groupBy?: string;
  /** Seconds after the first crawled page left out of the judgement (start-up). Default: min(15 s, a quarter of the run). */
  warmupSec?: number;
}

export interface LogEvidence {
  report: LogsReport;
  /** The series the rate is read from: `crawling`, or `will be crawled` when no fetch lines exist. */
  rateSeries: string;
  /** Judged bucket range [from, to) in the report's grid. */
  window: { from: number; to: number };
  rate: Trend & { perSecEarly: number; perSecLate: number };
  /** Postponed per crawled page, mean of the first and last third of the window, and its trend. */
  postponed: { early: number | null; late: number | null; trend: Trend } | null;
  /** `robots undetermined` lines per `will be crawled` line over the window. */
  robotsUndeterminedShare: number | null;
  /**
   * From request lines (the workers' own, or an access log): robots.txt requests per page request over the judged
   * window (`perPage`; null with fewer than 20 page requests there, too few to judge, as for the rate), over the whole
   * log (`perPageAll`), and the
   * robots.txt share of requests in the first and last third of the log.
   */
  robotsRequests: { perPage: number | null; perPageAll: number; shareEarly: number | null; shareLate: number | null } | null;
  /** Per group (node, process) of the rate series: its verdict, total and change points (per-bucket means). */
  groups: Array<{ group: string; trend: Trend; total: number; changePoints: Array<{ at: string; before: number; after: number }> }>;
  stopped: StoppedGroup[];
}

/** Fewest page requests in the judged window to judge robots.txt requests per page (the analyzer's event minimum). */
const MIN_PAGE_REQUESTS = 20;

const sum = (a: readonly number[]) => a.reduce((s, x) => s + x, 0);
function meanOf(values: Array<number | null>): number | null {
  const v = values.filter((x): x is number => x !== null);
  return v.length ? sum(v) / v.length : null;
}

export function seriesNamed(report: LogsReport, name: string): SeriesReport | undefined {
  return report.series.find((s) => s.name === name);
}

export async function gatherLogEvidence(o: LogEvidenceOptions): Promise<LogEvidence> {
  const report = await analyzeLogs({ paths: o.paths, bucketMs: o.bucketMs ?? 'auto', groupBy: o.groupBy, series: DOCTOR_SERIES });
  return logEvidenceFromReport(report, o.warmupSec);
}

export function logEvidenceFromReport(report: LogsReport, warmupSec?: number): LogEvidence {
  const bucketMs = report.bucketMs;
  const crawling = seriesNamed(report, 'crawling');
  const accepted = seriesNamed(report, 'will be crawled');
  const rateSeries = crawling && crawling.total > 0 ? crawling : accepted && accepted.total > 0 ? accepted : crawling ?? report.series[0];
  const counts = rateSeries.counts;
  const first = Math.max(0, counts.findIndex((c) => c > 0));
  let to = (report.lastBucketCoverage ?? 1) < 1 ? counts.length - 1 : counts.length;
  const end = seriesNamed(report, 'crawl end')?.counts.findIndex((c) => c > 0) ?? -1;
  if (end > first) to = Math.min(to, end);
  const spanSec = ((to - first) * bucketMs) / 1000;
  const warm = warmupSec ?? Math.min(15, spanSec / 4);
  // +1: the first bucket with a page is partial (the first page arrives mid-bucket).
  const from = Math.min(first + 1 + Math.ceil((warm * 1000) / bucketMs), Math.max(first, to - 1));
  const window = { from, to };
  const part = counts.slice(from, to);
  const third = Math.max(1, Math.floor(part.length / 3));
  const perSec = (c: number[]) => (c.length ? (sum(c) / c.length) * (1000 / bucketMs) : 0);
  const rate = { ...analyzeTrend({ counts: part, bucketMs }), perSecEarly: perSec(part.slice(0, third)), perSecLate: perSec(part.slice(-third)) };

  const postponedSeries = seriesNamed(report, 'postponed');
  let postponed: LogEvidence['postponed'] = null;
  if (postponedSeries && postponedSeries.total > 0) {
    const ratio = part.map((c, i) => (c > 0 ? postponedSeries.counts[from + i] / c : null));
    postponed = { early: meanOf(ratio.slice(0, third)), late: meanOf(ratio.slice(-third)), trend: analyzeValueTrend(ratio, bucketMs) };
  }

  const undetermined = seriesNamed(report, 'robots undetermined');
  const acceptedInWindow = accepted ? sum(accepted.counts.slice(from, to)) : 0;
  const robotsUndeterminedShare = undetermined && acceptedInWindow > 0 ? sum(undetermined.counts.slice(from, to)) / acceptedInWindow : null;

  let robotsRequests: LogEvidence['robotsRequests'] = null;
  const robots = seriesNamed(report, 'robots.txt requests');
  const requests = seriesNamed(report, 'requests');
  if (robots && requests && requests.total > 0) {
    const pages = requests.total - robots.total;
    const share = (a: number, b: number) => {
      const r = sum(requests.counts.slice(a, b));
      return r > 0 ? sum(robots.counts.slice(a, b)) / r : null;
    };
    const n = requests.counts.length;
    const t = Math.max(1, Math.floor(n / 3));
    // Judged over the same window as the rate: every crawl fetches each host's robots.txt once when it first meets
    // the host, so a short or slow start (40 hosts' index pages first) has one robots.txt per page without any fault.
    const inWindow = sum(requests.counts.slice(from, to));
    const robotsInWindow = sum(robots.counts.slice(from, to));
    const perPageAll = robots.total / Math.max(1, pages);
    const pagesInWindow = inWindow - robotsInWindow;
    const perPage = pagesInWindow >= MIN_PAGE_REQUESTS ? robotsInWindow / pagesInWindow : null;
    robotsRequests = { perPage, perPageAll, shareEarly: share(0, t), shareLate: share(n - t, n) };
  }

  const groupCounts: Record<string, number[]> = {};
  for (const [g, s] of Object.entries(rateSeries.groups)) if (s.total > 0) groupCounts[g] = s.counts;
  const gf = Object.keys(groupCounts).length
    ? analyzeGroups(groupCounts, {
        bucketMs,
        startMs: Date.parse(report.start),
        firstBucketCoverage: report.firstBucketCoverage,
        lastBucketCoverage: report.lastBucketCoverage,
      })
    : undefined;
  // A group silent only after the crawl's own end did not stop: the crawl ended.
  const stopped = (gf?.stopped ?? []).filter((s) => end < 0 || s.lastEventBucket < end - 1);
  return {
    report,
    rateSeries: rateSeries.name,
    window,
    rate,
    postponed,
    robotsUndeterminedShare,
    robotsRequests,
    groups: (gf?.groups ?? []).map((g) => ({ group: g.group, trend: g.trend, total: g.total, changePoints: groupChangePoints(report, groupCounts[g.group]) })),
    stopped,
  };
}

/** Change points of one group's counts, located as the analyzer locates a whole series' (same detector, same grid). */
function groupChangePoints(report: LogsReport, counts: number[]): Array<{ at: string; before: number; after: number }> {
  const start = Date.parse(report.start);
  return detectChangePoints({
    counts,
    bucketMs: report.bucketMs,
    firstBucketCoverage: report.firstBucketCoverage,
    lastBucketCoverage: report.lastBucketCoverage,
  }).map((cp) => ({ at: new Date(start + cp.index * report.bucketMs).toISOString(), before: cp.before, after: cp.after }));
}
