// Retrying MongoDB operations through short outages (a server restarted, a failover, a dropped connection):
// exponential backoff for up to `retryForMs`, then a StoreUnavailableError that names the server.
import {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { StoreUnavailableError } from './errors.js';

export interface RetryPolicy {
  /** Give up after this long. Default 60 000 ms. */
  retryForMs: number;
  /** First wait; doubles up to `maxDelayMs`. Default 100 ms. */
  initialDelayMs: number;
  /** Default 2 000 ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retryForMs: 60_000, initialDelayMs: 100, maxDelayMs: 2_000 };

/** Errors that mean "the server is not reachable right now", as opposed to a bad request. */
export function isTransientMongoError(err: unknown, depth = 0): boolean {
  if (depth > 3) return false;
  // After a failed first connection the driver closes its topology for good: withRetry then opens a new client
  // (reconnect). A client closed on purpose is caught by withRetry's isClosed before this matters.
  if (err instanceof MongoTopologyClosedError) return true;
  // A bulk write (insertMany, bulkWrite) that failed for a driver reason wraps that error as its errorResponse.
  const wrapped = (err as { errorResponse?: unknown } | null)?.errorResponse;
  if (wrapped instanceof Error && wrapped !== err && isTransientMongoError(wrapped, depth + 1)) return true;
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError) return true;
  if (err instanceof MongoNotConnectedError) return true;
  if (err instanceof MongoError) {
    // Pool cleared, primary stepped down, server shutting down: the driver labels these as safe to retry.
    if (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('ResetPool')) return true;
    if (err.name === 'MongoPoolClearedError') return true;
    const code = (err as MongoError & { code?: number }).code;
    // ShutdownInProgress, InterruptedAtShutdown, NotWritablePrimary, PrimarySteppedDown, HostUnreachable, …
    if (code !== undefined && [6, 7, 89, 91, 189, 10107, 11600, 11602, 13435, 13436].includes(Number(code))) return true;
  }
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` until it succeeds, retrying transient errors with backoff. Each retry runs `fn` again from the start,
 * so `fn` must be safe to repeat (the store's operations are written that way: inserts tolerate duplicate keys,
 * updates set absolute values or are guarded by claims).
 */
export async function withRetry<T>(
  location: string,
  operation: string,
  policy: RetryPolicy,
  fn: () => Promise<T>,
  /** True once the store was closed on purpose: stop retrying then. */
  isClosed: () => boolean = () => false,
  /** Called before the next try when the driver closed its topology (it will not reconnect by itself). */
  reconnect: () => Promise<void> = async () => {},
): Promise<T> {
  const started = Date.now();
  let delay = policy.initialDelayMs;
  // The error that says most about why: "Topology is closed" only repeats that an earlier attempt failed.
  let telling: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientMongoError(err) || isClosed()) throw err;
      if (!(err instanceof MongoTopologyClosedError) || telling === undefined) telling = err;
      const waited = Date.now() - started;
      if (waited + delay > policy.retryForMs) throw new StoreUnavailableError(location, operation, policy.retryForMs, telling);
      await sleep(delay);
      delay = Math.min(delay * 2, policy.maxDelayMs);
      if (err instanceof MongoTopologyClosedError) await reconnect();
    }
  }
}
