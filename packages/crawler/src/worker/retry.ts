// Which failed fetches are worth another try, and when: transient failures (the connection refused, reset or timed
// out, DNS not answering, 5xx and 429 answers) go back to the frontier with a not-before time that doubles with
// each attempt, a bounded number of times, as Scrapy's RetryMiddleware (RETRY_TIMES, RETRY_HTTP_CODES) and
// Heritrix (max-retries, retry-delay) do. Everything else (4xx, too large, blocked, redirect loops) is final.
import type { FetchFailure } from '../fetch/fetch-outcome.js';

export interface FetchRetryOptions {
  /** Tries after the first one. 0: every failure is final. */
  retries: number;
  /** Wait before the first retry; each later one waits twice as long as the one before. */
  retryDelayMs: number;
}

export const DEFAULT_FETCH_RETRY: FetchRetryOptions = { retries: 3, retryDelayMs: 2000 };

/** Statuses worth another try: the server is overloaded, restarting or rate-limiting (Scrapy's list plus 5xx). */
function transientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EAI_AGAIN: 'DNS lookup failed',
  ENOTFOUND: 'DNS lookup failed',
};

/** Why a failure is transient, in words for the log line; undefined when it is final. */
export function transientReason(failure: FetchFailure): string | undefined {
  switch (failure.kind) {
    case 'network-error':
      if (failure.timeout) return `timed out (${failure.timeout})`;
      return NETWORK_REASONS[failure.code] ?? `network error ${failure.code}`;
    case 'http-error':
      return transientStatus(failure.status) ? `HTTP ${failure.status}` : undefined;
    default:
      return undefined;
  }
}

/** How long to wait before the attempt after `failedAttempt` (1-based): retryDelayMs, then doubling. */
export function retryDelay(opts: FetchRetryOptions, failedAttempt: number): number {
  return opts.retryDelayMs * 2 ** Math.max(0, failedAttempt - 1);
}

/** Whether the URL gets another attempt after its attempt number `failedAttempt` failed transiently. */
export function mayRetry(opts: FetchRetryOptions, failedAttempt: number): boolean {
  return failedAttempt <= opts.retries;
}
