// Types shared by the analysis stage: trend verdicts and change points over bucketed counts.

export type Verdict = 'decay' | 'steady' | 'growth' | 'insufficient-data';

export interface Trend {
  verdict: Verdict;
  /** Change in rate from the start of the run to its end: -0.42 means 42% slower. Null when not computable. */
  relativeChange: number | null;
  /** Two-sided p-value of the trend test; null for insufficient data. */
  pValue: number | null;
  /** Trend size in events per bucket-rate unit per hour (Theil-Sen slope scaled to per-hour rate change). */
  slopePerHour: number | null;
  /**
   * Buckets at the start left out of the judged window as a start-up ramp (the rate rising to its peak before it
   * falls). Absent when nothing was cut.
   */
  warmupBuckets?: number;
  /**
   * True when the test was significant and large but the run went back against its direction for a sustained
   * stretch: a wandering rate, called `steady`. Absent otherwise.
   */
  wandering?: boolean;
  /**
   * True when the verdict comes from a single sustained step that stands far above the noise (the rank test alone
   * was not significant: `pValue` may then be ≥ 0.01). Absent otherwise.
   */
  sustainedShift?: boolean;
  /**
   * The bucket size (ms) the trend was judged on, when finer than the report's: a series counted line by line (a
   * line per page) keeps its own resolution where the report's buckets follow slower statistics lines.
   * `warmupBuckets` and `slopePerHour` are then in those buckets. Absent when it is the report's bucket.
   */
  judgedBucketMs?: number;
  /**
   * Values read off statistics lines, when not `decay` or `growth`: the smallest linear decline over the run (share
   * of its mean level) the test would call with 80% probability at its alpha, given the run's length and noise.
   * Above 0.2 the verdict is `insufficient-data`: the run could not have shown the declines that matter.
   */
  detectableDecline?: number;
  /**
   * With `detectableDecline`: the smallest step drop at mid-run (share of the mean level) the test would call with
   * 80% probability; null when no step of any size could reach the test's alpha (a dozen points). Either above 0.2
   * makes the verdict `insufficient-data`.
   */
  detectableStep?: number | null;
  /**
   * Values read off statistics lines: `insufficient-data` because the run's own size (`relativeChange`, 20% or more
   * either way) says it moved as much as the declines that matter, and no route of the test confirmed it.
   */
  unconfirmed?: boolean;
}

export interface ChangePoint {
  /** Index of the first bucket after the change. */
  index: number;
  /** Mean count per bucket before and after. */
  before: number;
  after: number;
}

/** What the analysis needs to know about a series of bucket counts. */
export interface CountSeries {
  counts: number[];
  bucketMs: number;
  /**
   * Fraction of the first and last bucket actually covered by the input (0..1]. Partial edge buckets must not
   * create a false trend; the analysis scales or drops them.
   */
  firstBucketCoverage?: number;
  lastBucketCoverage?: number;
}
