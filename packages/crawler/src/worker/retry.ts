// Which failed fetches are worth another try, and when: transient failures (the connection refused, reset or timed
// out, DNS not answering, 5xx and 429 answers) go back to the frontier with a not-before time that doubles with
// each attempt, a bounded number of times, as Scrapy's RetryMiddleware (RETRY_TIMES, RETRY_HTTP_CODES) and
// Heritrix (max-retries, retry-delay) do. Everything else (4xx, too large, blocked, redirect loops) is final.
// A 429 or 503 that says when to come back (Retry-After) is retried then, up to a cap, instead of on the backoff.
// Every wait is spread by a random factor (jitter), so URLs that failed together (a server restarting, a network
// cut) do not all come back in the same second; the retry is leased like any URL, so politeness still holds.
import type { FetchFailure } from '../fetch/fetch-outcome.js';

export interface FetchRetryOptions {
  /** Tries after the first one. 0: every failure is final. */
  retries: number;
  /** Wait before the first retry; each later one waits twice as long as the one before. */
  retryDelayMs: number;
  /** Longest Retry-After (on 429 and 503) that is followed; a longer one is cut to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_FETCH_RETRY: FetchRetryOptions = { retries: 3, retryDelayMs: 2000, maxRetryAfterMs: 60_000 };

/**
 * The backoff's spread: its wait is multiplied by a factor drawn from [1 - JITTER, 1 + JITTER] ("equal jitter" around
 * the doubling). A Retry-After wait is only ever lengthened, by up to JITTER of it: the server said "not before".
 */
export const RETRY_JITTER = 0.25;

/** Statuses whose Retry-After is followed (RFC 6585 section 4, RFC 9110 section 15.6.4). */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

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

export interface RetryWait {
  /** How long from now the next attempt may start. */
  inMs: number;
  /** The server's Retry-After when it set the wait (with the cap when it applied), for the log line and the store. */
  because?: string;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * How long to wait before the attempt after `failedAttempt` (1-based): the Retry-After of a 429 or 503 when it had one
 * (at most maxRetryAfterMs), else retryDelayMs doubling with each attempt; either spread by RETRY_JITTER.
 * `random` returns [0, 1) (tests pass their own).
 */
export function retryWait(opts: FetchRetryOptions, failedAttempt: number, failure?: FetchFailure, random: () => number = Math.random): RetryWait {
  if (failure?.kind === 'http-error' && failure.retryAfterMs !== undefined && RETRY_AFTER_STATUSES.has(failure.status)) {
    const asked = failure.retryAfterMs;
    const wait = Math.min(asked, opts.maxRetryAfterMs);
    const because = asked > opts.maxRetryAfterMs ? `Retry-After ${seconds(asked)}, cut to ${seconds(wait)}` : `Retry-After ${seconds(asked)}`;
    return { inMs: Math.round(wait * (1 + RETRY_JITTER * random())), because };
  }
  const backoff = opts.retryDelayMs * 2 ** Math.max(0, failedAttempt - 1);
  return { inMs: Math.round(backoff * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random())) };
}

/** Whether the URL gets another attempt after its attempt number `failedAttempt` failed transiently. */
export function mayRetry(opts: FetchRetryOptions, failedAttempt: number): boolean {
  return failedAttempt <= opts.retries;
}
