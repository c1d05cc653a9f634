// @crawl-diag/log-analyzer: paths -> source -> scanner -> bucketer -> analysis -> renderer.
// A library first: each stage is exported on its own; `analyzeLogs` runs them all.
export type { LogsReport, SeriesReport, GroupSeries, GroupShare, FileSummary, GroupSpan, ValueSeriesReport, KeySeriesReport, CrawlRateReport } from './report.js';
export { bucketWarnings } from './report.js';
export type { Trend, Verdict, ChangePoint, CountSeries } from './analysis/types.js';
export { analyzeTrend } from './analysis/trend.js';

export { analyzeLogs, THREADS_ABOVE_BYTES, type AnalyzeOptions } from './analyze.js';
export { followLogs, type FollowOptions, type FollowSession } from './follow.js';
export { LogInputError } from './errors.js';
export { CRAWLEE_SERIES, DEFAULT_SERIES, SCRAPY_SERIES, looksLikeCrawlee, parseNamedArgument, toSeriesSpecs, type SeriesPattern, type SeriesSpec, type SeriesKind } from './series.js';

// source
export { expandPaths } from './source/expand-paths.js';
export type { LogInput } from './source/log-input.js';
export { readFileRange, readStream, gunzipFile, isGzip, type LinesConsumer } from './source/read-bytes.js';
export { readFileHead, looksBinary } from './source/read-head.js';
export { groupForPath, parseGroupBy, type GroupBy } from './source/group-name.js';
export {
  analyzeVictoriaLogs,
  isVictoriaLogsPath,
  parseTimeBound,
  parseVictoriaLogsPath,
  seriesFilter,
  type VictoriaLogsReadOptions,
  type VictoriaLogsTarget,
} from './source/victorialogs-source.js';

// formats
export type { LogFormat, FormatName, FormatContext } from './formats/types.js';
export { createFormat, DETECTABLE_FORMATS } from './formats/registry.js';
export { detectFormat } from './formats/detect-format.js';
export { NaiveTimeConverter } from './formats/timezone.js';
export { compileTimeFormat } from './formats/custom-time-format.js';

// scanner
export { LineScanner, type LineScannerOptions } from './scanner/line-scanner.js';
export { EventCounts, type EventCountsData, type GroupCounts } from './scanner/event-counts.js';
export { scanUnit, type ScanUnit, type UnitResult } from './scanner/scan-unit.js';
export { runScanUnits, workerScriptPath } from './scanner/worker-pool.js';

// bucketer
export { parseBucket, autoBucketMs, formatBucket } from './bucketer/bucket-size.js';
export { makeGrid, bucketCounts, edgeCoverage, type BucketGrid } from './bucketer/bucket-grid.js';
export { buildReport, type ReportInput } from './build-report.js';

// renderers
export { renderTerminal, type TerminalOptions } from './render/terminal.js';
export { renderCsv } from './render/csv.js';
export { progressBar, type ProgressBar } from './render/progress-bar.js';
export { edgeRates, type EdgeRates } from './render/rates.js';

// analysis (trend, change points, groups, ratios, gauges, USL, run comparison)
export * from './analysis/index.js';

// crawl signals (which crawler, its rate, the judged window, the ratios that name causes)
export * from './crawl-signals/index.js';
