// Text the `crawl` commands print: the progress line, the final summary and the `crawl status` table.
import type { CrawlStats } from '../store/store.js';
import type { DispatcherProgress } from '../dispatcher/dispatcher.js';

/** Formats progress; `previous` (the last progress seen) gives the recent rate next to the run's average. */
export function progressLine(p: DispatcherProgress, previous?: DispatcherProgress): string {
  const secs = p.elapsedMs / 1000;
  const avg = secs > 0 ? p.done / secs : 0;
  let recent = avg;
  if (previous && p.elapsedMs > previous.elapsedMs) recent = ((p.done - previous.done) * 1000) / (p.elapsedMs - previous.elapsedMs);
  return (
    `crawl: ${p.done} pages in ${secs.toFixed(1)} s, ${recent.toFixed(1)} pages/s now (${avg.toFixed(1)} average); ` +
    `${p.failed} failed, ${p.ignored} ignored, ${p.postponed} postponed, ${p.retried} retried; ${p.inflight} in flight, ${p.supervisors} supervisor(s)`
  );
}

export function summaryLine(reason: string, elapsedMs: number, stats: CrawlStats, pagesAtStart: number): string {
  const secs = elapsedMs / 1000;
  const pages = stats.pages - pagesAtStart;
  return (
    `crawl finished (${reason}) in ${secs.toFixed(1)} s: ${pages} new pages (${(secs > 0 ? pages / secs : 0).toFixed(1)} pages/s). ` +
    `Store: ${stats.pages} pages, ${stats.pending} pending, ${stats.leased} leased, ${stats.done} done, ` +
    `${stats.failed} failed, ${stats.ignored} ignored${stats.retrying > 0 ? `, ${stats.retrying} waiting for a retry` : ''}.`
  );
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export function statusText(location: string, stats: CrawlStats): string {
  // `retrying`: of the pending URLs, those waiting for another attempt after a transient failure.
  const head = ['domain', 'pages', 'pending', 'retrying', 'leased', 'done', 'failed', 'ignored', 'postponed'];
  const row = (name: string, s: Omit<CrawlStats, 'domains'>) =>
    [name, s.pages, s.pending, s.retrying, s.leased, s.done, s.failed, s.ignored, s.postponements].map(String);
  const rows = [head, ...stats.domains.map((d) => row(d.domain, d)), row('(all)', stats)];
  return `crawl store: ${location}\n${table(rows)}\n`;
}
