// The dispatcher ⇄ supervisor message protocol: what each side may say, and how a message is framed on the wire.
//
// Every ZeroMQ message is two frames: the protocol tag (so a peer speaking another version is refused, not
// misread) and one JSON body. JSON rather than a binary codec: messages are small (a handful of URLs), and
// ZeroMQ already gives message boundaries; the cost is far below one HTTP fetch.
import type { LeasedUrl } from '../store/store.js';

export const PROTOCOL_TAG = 'crawl-diag/crawl@1';

/**
 * What a worker did with a URL; the worker has already written it to the store. `retried`: a transient failure put
 * it back in the frontier for a later attempt.
 */
export type UrlOutcome = 'done' | 'failed' | 'ignored' | 'postponed' | 'retried';

/** Supervisor → dispatcher. */
export type SupervisorMessage =
  /** First words after (re)connecting: who it is and how many workers it runs. */
  | { type: 'hello'; workers: number; pid: number; host: string }
  /**
   * Credit-based dispatch: "send me up to `credits` more URLs" (workers are free for them). With `received` (the
   * URLs it has received from this dispatcher run so far), the credits are all it is still waiting for, as of
   * that count: the dispatcher replaces its count with credits − (URLs it sent − received), which stays exact
   * while URLs are on the way. Sent when requests seem lost (a dropped connection).
   */
  | { type: 'ready'; credits: number; received?: number }
  /** Liveness, plus what the supervisor holds, so a restarted dispatcher can rebuild its view. */
  | { type: 'heartbeat'; busy: number; queued: number; workers: number }
  /** Extend the leases of URLs still queued or in progress. */
  | { type: 'renew'; urls: string[] }
  /** A worker finished a URL; `domainFreeAt`: when its domain may be fetched again (politeness). */
  | { type: 'result'; url: string; outcome: UrlOutcome; domainFreeAt?: number }
  /** URLs handed back uncrawled (worker crash, graceful stop); pending again after `delayMs`. */
  | { type: 'release'; urls: string[]; delayMs: number }
  /** Graceful goodbye: everything it held has been finished or released. */
  | { type: 'bye' };

/**
 * Dispatcher → supervisor. `dispatcher` is the id of the dispatcher's run (new at every start): a supervisor that
 * sees it change knows the credits it asked for died with the previous run and asks again, even when the restart
 * was quicker than its heartbeat liveness window.
 */
export type DispatcherMessage =
  /** URLs leased to the supervisor (the lease owner is the supervisor id) for `leaseMs`. */
  | { type: 'work'; dispatcher: string; leaseMs: number; urls: LeasedUrl[] }
  | { type: 'heartbeat'; dispatcher: string }
  /** The crawl is over (frontier exhausted, --max-pages or --duration): stop gracefully. */
  | { type: 'shutdown'; reason: string };

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function encodeMessage(msg: SupervisorMessage | DispatcherMessage): [string, string] {
  return [PROTOCOL_TAG, JSON.stringify(msg)];
}

const supervisorTypes = new Set(['hello', 'ready', 'heartbeat', 'renew', 'result', 'release', 'bye']);
const dispatcherTypes = new Set(['work', 'heartbeat', 'shutdown']);

function decode(frames: Buffer[], allowed: Set<string>): { type: string } {
  if (frames.length !== 2) throw new ProtocolError(`expected 2 frames, got ${frames.length}`);
  const tag = frames[0].toString('utf8');
  if (tag !== PROTOCOL_TAG) throw new ProtocolError(`peer speaks '${tag}', expected '${PROTOCOL_TAG}'`);
  let body: unknown;
  try {
    body = JSON.parse(frames[1].toString('utf8'));
  } catch {
    throw new ProtocolError('message body is not JSON');
  }
  const type = (body as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !allowed.has(type)) throw new ProtocolError(`unknown message type '${String(type)}'`);
  return body as { type: string };
}

export function decodeSupervisorMessage(frames: Buffer[]): SupervisorMessage {
  return decode(frames, supervisorTypes) as SupervisorMessage;
}

export function decodeDispatcherMessage(frames: Buffer[]): DispatcherMessage {
  return decode(frames, dispatcherTypes) as DispatcherMessage;
}
