// @crawl-diag/log-analyzer: paths -> source -> scanner -> bucketer -> analysis -> renderer.
export type { LogsReport, SeriesReport, GroupSeries, FileSummary } from './report.js';
export type { Trend, Verdict, ChangePoint, CountSeries } from './analysis/types.js';
export { analyzeTrend } from './analysis/trend.js';
export * from './analysis/index.js';
