// Messages between a supervisor and its worker processes over the Node IPC channel of `child_process.fork`.
//
// Why fork IPC rather than ZeroMQ ipc:// sockets: a worker's life is tied to its supervisor (same machine, parent
// and child), the OS tells the parent when the child exits (the 'exit' event carries the signal of a kill -9) and the
// child when the parent dies ('disconnect'), and there is no socket file, address or reconnection to manage.
import type { LeasedUrl } from '../store/store.js';
import type { UrlOutcome } from '../transport/protocol.js';

/** Supervisor → worker. */
export type ToWorker =
  | { type: 'crawl'; url: LeasedUrl }
  /** Release, directly in the store, every lease the owner holds (graceful stop of the supervisor). */
  | { type: 'release-leases'; owner: string }
  /** What the store says of the crawl (asked while the dispatcher cannot be reached: is the crawl over?). */
  | { type: 'crawl-state' }
  /** Exit after the current URL. */
  | { type: 'stop' };

/** Worker → supervisor. */
export type FromWorker =
  /** Store opened; ready for URLs. */
  | { type: 'ready' }
  | { type: 'result'; url: string; outcome: UrlOutcome; domainFreeAt?: number }
  /** The URL could not be handled because the store failed; it goes back to the frontier after a backoff. */
  | { type: 'error'; url: string; message: string }
  | { type: 'released'; owner: string; count: number }
  /**
   * URLs open (pending, leased) and finished (done, failed, ignored) in the store (`finished` only counted when none
   * is open); `error` when it could not tell.
   */
  | { type: 'crawl-state'; open: number; finished: number; error?: string };
