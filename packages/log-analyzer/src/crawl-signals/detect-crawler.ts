// Which crawler wrote a set of logs, from what the logs hold: the files' detected formats and which crawler's lines
// were counted. An operator's `--crawler` wins; the detection then only warns when the logs disagree.
import { LogInputError } from '../errors.js';
import type { LogsReport } from '../report.js';
import { CRAWLER_KINDS, CRAWLER_LOGS, SIGNAL, type CrawlerKind } from './crawler-logs.js';

export interface CrawlerDetection {
  crawler: CrawlerKind | 'unknown';
  /** `given`: the operator said so; `detected`: read from the logs. */
  from: 'given' | 'detected';
  /** Why, in words ("342 `Crawled (200)` lines"). */
  reason: string;
  warnings: string[];
}

const total = (report: LogsReport, name: string): number => {
  const s = report.series.find((x) => x.name === name);
  if (s) return s.total;
  const v = report.values?.find((x) => x.name === name);
  return v ? v.values.filter((x) => x !== null).length : 0;
};

/** The crawler whose lines are in the report, most specific first; `unknown` when none is. */
export function detectCrawler(report: LogsReport): Omit<CrawlerDetection, 'from' | 'warnings'> {
  const formats = new Set(report.files.map((f) => f.format));
  const scrapy = total(report, 'crawled (scrapy)') + total(report, 'pages (LogStats)');
  if (formats.has('scrapy') || scrapy > 0) return { crawler: 'scrapy', reason: `Scrapy's log layout${scrapy ? ` and ${scrapy} of its page lines` : ''}` };
  const crawlee = total(report, 'requests (Crawlee stats)') + total(report, 'retried (Crawlee)');
  if (formats.has('crawlee') || crawlee > 0) return { crawler: 'crawlee', reason: `Crawlee's ${crawlee ? 'statistics lines' : 'log layout'}` };
  const crawling = total(report, 'crawling');
  const accepted = total(report, 'will be crawled');
  const own = total(report, SIGNAL.ownLines);
  if (own > 0 && crawling + accepted > 0) return { crawler: 'crawl-diag', reason: `${crawling} "Crawling URL" lines from crawl_diag loggers` };
  if (crawling + accepted > 0) return { crawler: 'python', reason: `${accepted} "will be crawled" lines from other loggers (the original crawler's format)` };
  if (formats.size > 0 && [...formats].every((f) => f === 'access-log') && total(report, 'requests') > 0) {
    return { crawler: 'access-log', reason: 'only access logs' };
  }
  return { crawler: 'unknown', reason: "no crawler's page lines" };
}

/** The operator's choice checked against the logs, or the detection. */
export function resolveCrawler(report: LogsReport, given?: string): CrawlerDetection {
  const detected = detectCrawler(report);
  if (given === undefined) return { ...detected, from: 'detected', warnings: [] };
  if (!(CRAWLER_KINDS as readonly string[]).includes(given)) {
    throw new LogInputError(`--crawler ${given}: not a crawler the doctor knows; give one of ${CRAWLER_KINDS.join(', ')}`);
  }
  const crawler = given as CrawlerKind;
  const warnings: string[] = [];
  const hasRate = CRAWLER_LOGS[crawler].rateSeries.some((n) => total(report, n) > 0);
  if (!hasRate) {
    warnings.push(
      `--crawler ${crawler}: these logs have none of ${CRAWLER_LOGS[crawler].label}'s page lines (${CRAWLER_LOGS[crawler].rateSeries.map((n) => `'${n}'`).join(', ')})` +
        (detected.crawler !== 'unknown' ? `; they look like ${CRAWLER_LOGS[detected.crawler].label}'s (${detected.reason})` : ''),
    );
  }
  return { crawler, from: 'given', reason: 'given with --crawler', warnings };
}
