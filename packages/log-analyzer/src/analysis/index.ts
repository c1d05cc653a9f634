// The analysis stage: trend verdicts, change points, per-group findings, ratios, gauges, USL fit, run comparison.
export type { Trend, Verdict, ChangePoint, CountSeries } from './types.js';
export { analyzeTrend, analyzeValueTrend, detectableDecline, fullBuckets, TREND_DEFAULTS, MAX_TREND_POINTS, STATISTICS_DETECTABLE_DECLINE, DETECTION_POWER, type TrendOptions } from './trend.js';
export { mannKendall, mannKendallS, mannKendallVariance, hamedRaoFactor, ar1Factor, type MannKendallResult, type MannKendallOptions } from './mann-kendall.js';
export { theilSen, type TheilSenLine } from './theil-sen.js';
export { detectChangePoints, pelt, poissonCost, estimateDispersion, type ChangePointOptions, type SegmentCost } from './changepoints.js';
export { analyzeGroups, type GroupAnalysisOptions, type GroupFinding, type GroupFindings, type StoppedGroup } from './groups.js';
export { seededRandom, type Random } from './random.js';
export { laplaceTrendTest, type LaplaceResult } from './laplace.js';
export { ratioSeries, analyzeRatio, type RatioAnalysis } from './ratio.js';
export { gaugeBuckets, counterToRate, type GaugeSample, type GaugeGrid } from './gauges.js';
export { isotonicFit } from './isotonic.js';
export { fitUsl, fitParameters, uslThroughput, uslPeak, type UslFit, type UslOptions, type UslParameters, type UslPoint } from './usl.js';
export { compareRuns, type Comparison, type CompareOptions, type DecayWithNodes, type RunComparison, type RunInput } from './compare.js';
export { renderComparison } from './compare-render.js';
