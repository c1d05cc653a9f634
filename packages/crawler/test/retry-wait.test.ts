// When a failed fetch is tried again: the Retry-After header in both of its forms, its cap, and the jitter of the
// backoff (pure functions; the crawl through a real server that sends Retry-After is in crawl-retry.test.ts).
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../src/fetch/retry-after.js';
import type { FetchFailure } from '../src/fetch/fetch-outcome.js';
import { RETRY_JITTER, retryWait } from '../src/worker/retry.js';

const NOW = Date.parse('2026-12-02T06:30:00.000Z');
const OPTS = { retries: 3, retryDelayMs: 2000, maxRetryAfterMs: 60_000 };

function refused(status: number, retryAfterMs?: number): FetchFailure {
  return { kind: 'http-error', url: 'http://a.test/', finalUrl: 'http://a.test/', fetchMs: 1, redirects: 0, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

describe('parseRetryAfter', () => {
  it('reads delay-seconds and all three HTTP-date forms', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Wed, 02 Dec 2026 06:30:05 GMT', NOW)).toBe(5000); // IMF-fixdate
    expect(parseRetryAfter('Wednesday, 02-Dec-26 06:31:00 GMT', NOW)).toBe(60_000); // obsolete RFC 850
    expect(parseRetryAfter('Wed Dec  2 06:30:10 2026', NOW)).toBe(10_000); // asctime, GMT whatever the local zone
  });

  it('gives 0 for a date already past, and nothing for what is neither form', () => {
    expect(parseRetryAfter('Wed, 02 Dec 2026 06:29:00 GMT', NOW)).toBe(0);
    for (const bad of [undefined, '', '-5', '1.5', '10s', 'soon', 'Wed, 99 Foo 2026 GMT']) expect(parseRetryAfter(bad, NOW), String(bad)).toBeUndefined();
  });
});

describe('retryWait', () => {
  it('follows Retry-After on 429 and 503, lengthened by at most the jitter, never shortened', () => {
    for (const status of [429, 503]) {
      expect(retryWait(OPTS, 1, refused(status, 5000), () => 0)).toEqual({ inMs: 5000, because: 'Retry-After 5 s' });
      expect(retryWait(OPTS, 3, refused(status, 5000), () => 0.999).inMs).toBe(Math.round(5000 * (1 + RETRY_JITTER * 0.999)));
    }
  });

  it('cuts a Retry-After longer than the cap and says so', () => {
    expect(retryWait(OPTS, 1, refused(429, 3_600_000), () => 0)).toEqual({ inMs: 60_000, because: 'Retry-After 3600 s, cut to 60 s' });
  });

  it('keeps the backoff for other statuses and failures without the header', () => {
    expect(retryWait(OPTS, 1, refused(500, 5000), () => 0.5)).toEqual({ inMs: 2000 });
    expect(retryWait(OPTS, 2, refused(429), () => 0.5)).toEqual({ inMs: 4000 });
    expect(retryWait(OPTS, 3, undefined, () => 0.5)).toEqual({ inMs: 8000 });
  });

  it('spreads the backoff over ±25% of the doubling', () => {
    expect(retryWait(OPTS, 2, undefined, () => 0).inMs).toBe(3000);
    expect(retryWait(OPTS, 2, undefined, () => 0.999_999).inMs).toBe(5000);
    const waits = Array.from({ length: 200 }, () => retryWait(OPTS, 1).inMs);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1500);
    expect(Math.max(...waits)).toBeLessThanOrEqual(2500);
    expect(new Set(waits).size).toBeGreaterThan(50); // spread, not one value
  });
});
