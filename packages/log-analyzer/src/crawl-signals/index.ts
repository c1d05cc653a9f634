// Crawl signals: which crawler wrote the logs, its crawl rate, the judged window, and the ratios that name causes.
export { CRAWLER_KINDS, CRAWLER_LOGS, CRAWL_SERIES, SIGNAL, SIGNAL_SERIES, type CrawlerKind, type CrawlerLogs } from './crawler-logs.js';
export { detectCrawler, resolveCrawler, type CrawlerDetection } from './detect-crawler.js';
export { domainSignal, domainSpread, type DomainSignal, type DomainSpread } from './domains.js';
export { crawlSignals, judgedWindow, rateTrend, type CrawlSignals, type CrawlSignalsOptions, type GroupSignal, type RateSignal, type RatioSignal } from './crawl-signals.js';
export { analyzeCrawl, type AnalyzeCrawlOptions } from './analyze-crawl.js';
