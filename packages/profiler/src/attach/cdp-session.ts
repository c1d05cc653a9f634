// A minimal Chrome DevTools Protocol client over the `ws` package: request/response by id, events, and the
// sub-sessions of worker threads (NodeWorker domain messages tunnelled through the main session).
// chrome-remote-interface would add a dependency for ~100 lines we need, and it has no NodeWorker tunnelling.
import { createRequire } from 'node:module';
import type WebSocketType from 'ws';

// `ws` is CommonJS: required, not imported. An ESM import of it runs Node's CommonJS export scan (cjs-module-lexer)
// and the package's ESM wrapper, ~50 ms of CPU on this machine before `crawl-diag flame --pid` can send its
// first message; require() loads the same module in about a third of that. It is required on first use, not when
// this module loads, so that an attach can load it while the target is still opening its inspector (loadWebSocket).
type WebSocket = WebSocketType;
let WebSocketClass: typeof WebSocketType | undefined;

/** Loads the WebSocket client now (synchronously, 10-50 ms of CPU) rather than at the first connect. */
export function loadWebSocket(): typeof WebSocketType {
  WebSocketClass ??= createRequire(import.meta.url)('ws') as typeof WebSocketType;
  return WebSocketClass;
}

type Listener = (params: Record<string, unknown>) => void;

/** Thrown for calls pending or made after the connection went away (target exited, inspector closed). */
export class CdpClosedError extends Error {
  constructor(what: string) {
    super(`${what}: the inspector connection closed`);
    this.name = 'CdpClosedError';
  }
}

interface Pending {
  method: string;
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

/** One CDP session: the main target of a connection, or a worker thread reached through it. */
export class CdpSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private closedReason: string | undefined;

  constructor(private readonly transport: (message: string) => void) {}

  get isClosed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Sends a method call; rejects on protocol errors, on close, and after `timeoutMs` (default: none). */
  send<T = Record<string, unknown>>(method: string, params: object = {}, timeoutMs?: number): Promise<T> {
    if (this.closedReason !== undefined) return Promise.reject(new CdpClosedError(method));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { method, resolve: resolve as (v: Record<string, unknown>) => void, reject };
      if (timeoutMs !== undefined) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new Error(`${method}: no answer from the inspector within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.pending.set(id, entry);
      try {
        this.transport(JSON.stringify({ id, method, params }));
      } catch (err) {
        this.pending.delete(id);
        if (entry.timer) clearTimeout(entry.timer);
        reject(err as Error);
      }
    });
  }

  on(event: string, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Feeds one raw protocol message received for this session. */
  dispatch(raw: string): void {
    let msg: { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string } };
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (msg.id !== undefined) {
      const entry = this.pending.get(msg.id);
      if (!entry) return;
      this.pending.delete(msg.id);
      if (entry.timer) clearTimeout(entry.timer);
      if (msg.error) entry.reject(new Error(`${entry.method}: ${msg.error.message}`));
      else entry.resolve(msg.result ?? {});
    } else if (msg.method) {
      for (const l of this.listeners.get(msg.method) ?? []) l(msg.params ?? {});
    }
  }

  markClosed(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [, entry] of this.pending) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(new CdpClosedError(entry.method));
    }
    this.pending.clear();
    for (const l of this.listeners.get('$closed') ?? []) l({ reason });
  }
}

/** A WebSocket connection to one inspector target, with its main session and worker sub-sessions. */
export class CdpConnection {
  readonly main: CdpSession;
  private readonly workers = new Map<string, CdpSession>();
  /** Resolves when the socket is closed, by either side. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: WebSocket) {
    this.main = new CdpSession((m) => socket.send(m));
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.main.markClosed('socket closed');
        for (const w of this.workers.values()) w.markClosed('socket closed');
        resolve();
      });
    });
    socket.on('message', (data) => this.main.dispatch(data.toString()));
    this.main.on('NodeWorker.receivedMessageFromWorker', (p) => {
      this.workers.get(String(p.sessionId))?.dispatch(String(p.message));
    });
    this.main.on('NodeWorker.detachedFromWorker', (p) => {
      this.workers.get(String(p.sessionId))?.markClosed('worker exited');
    });
  }

  static connect(url: string, timeoutMs = 5000): Promise<CdpConnection> {
    return new Promise((resolve, reject) => {
      // perMessageDeflate off: the inspector does not negotiate it, and it only costs CPU on loopback.
      const WebSocket = loadWebSocket();
      const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs, maxPayload: 1 << 30 });
      socket.once('open', () => {
        // Errors after the handshake end in 'close', which fails every pending call; nothing else to do.
        socket.on('error', () => undefined);
        resolve(new CdpConnection(socket));
      });
      socket.once('error', (err) => reject(err));
    });
  }

  /** A session for a worker thread attached with NodeWorker.enable (its `sessionId` from attachedToWorker). */
  workerSession(sessionId: string): CdpSession {
    let session = this.workers.get(sessionId);
    if (!session) {
      session = new CdpSession((message) => {
        this.main.send('NodeWorker.sendMessageToWorker', { sessionId, message }).catch(() => undefined);
      });
      this.workers.set(sessionId, session);
    }
    return session;
  }

  close(): void {
    this.socket.close();
  }

  /** Drops the socket without the close handshake (when the other side may never answer). */
  terminate(): void {
    this.socket.terminate();
  }
}
