// The crawler's own per-request lines counted per window of the server's timeline, so a run's log can be checked
// against what the server counted: Scrapy's `Crawled (STATUS) <GET …>` (one per response that reached the engine;
// retried responses are not logged so), Crawlee's `Processing URL` lines of our request handler (one per page
// handled). Stamps are read as UTC: the runner starts every crawler with TZ=UTC.

export interface LogWindows {
  /** Lines per window since the server's clock started (lines before it counted in window 0). */
  counts: number[];
  total: number;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const SCRAPY = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \[scrapy\.core\.engine\] DEBUG: Crawled \(\d+\)/;
const CRAWLEE_TEXT = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) +INFO +HttpCrawler: Processing http/;

/** Stamp of a per-request line of `crawler`'s log, in ms since the epoch, or undefined for other lines. */
export function requestLineTime(crawler: 'scrapy' | 'crawlee', line: string): number | undefined {
  if (crawler === 'scrapy') {
    const m = SCRAPY.exec(line);
    return m ? Date.parse(`${m[1].replace(' ', 'T')}Z`) : undefined;
  }
  if (line.startsWith('{')) {
    try {
      const rec = JSON.parse(line) as { time?: string; msg?: string };
      return rec.msg?.startsWith('Processing http') && rec.time ? Date.parse(rec.time) : undefined;
    } catch {
      return undefined;
    }
  }
  const m = CRAWLEE_TEXT.exec(line.replace(ANSI, ''));
  return m ? Date.parse(`${m[1].replace(' ', 'T')}Z`) : undefined;
}

export function countLogWindows(crawler: 'scrapy' | 'crawlee', text: string, clockStartMs: number, bucketSec: number): LogWindows {
  const counts: number[] = [];
  let total = 0;
  for (const line of text.split('\n')) {
    const t = requestLineTime(crawler, line);
    if (t === undefined) continue;
    const i = Math.max(0, Math.floor((t - clockStartMs) / (bucketSec * 1000)));
    while (counts.length <= i) counts.push(0);
    counts[i]++;
    total++;
  }
  return { counts, total };
}
