// The supervisor's end of the transport: a ZeroMQ DEALER connected over tcp to the dispatcher's ROUTER,
// identified by the supervisor id (which is also the lease owner in the store).
//
// `immediate` keeps messages from queueing for a dispatcher that is not connected, and `sendTimeout: 0` makes such
// a send fail at once: the supervisor then knows the dispatcher is away and asks for work again when it is back,
// instead of a restarted dispatcher receiving a backlog of stale requests. ZeroMQ reconnects by itself.
import * as zmq from 'zeromq';
import { sendOrFalse } from './unroutable.js';
import { decodeDispatcherMessage, encodeMessage, type DispatcherMessage, type SupervisorMessage } from './protocol.js';

export interface SupervisorSocketOptions {
  /** Routing id: 1..255 bytes, unique per supervisor process. */
  id: string;
  /** How long close() waits to flush the last messages (bye, releases). Default 2000 ms. */
  lingerMs?: number;
}

export interface InboundDispatcherMessage {
  msg?: DispatcherMessage;
  error?: Error;
}

export class SupervisorSocket {
  private readonly dealer: zmq.Dealer;

  constructor(opts: SupervisorSocketOptions) {
    this.dealer = new zmq.Dealer({
      routingId: opts.id,
      immediate: true,
      sendTimeout: 0,
      linger: opts.lingerMs ?? 2000,
      reconnectInterval: 200,
      reconnectMaxInterval: 2000,
    });
  }

  connect(endpoint: string): void {
    this.dealer.connect(endpoint);
  }

  async *messages(): AsyncGenerator<InboundDispatcherMessage> {
    try {
      for await (const frames of this.dealer) {
        try {
          yield { msg: decodeDispatcherMessage(frames) };
        } catch (error) {
          yield { error: error as Error };
        }
      }
    } catch (err) {
      if (!this.dealer.closed) throw err;
    }
  }

  /** Sends; false when the dispatcher is not connected right now. */
  trySend(msg: SupervisorMessage): Promise<boolean> {
    return sendOrFalse(() => this.dealer.send(encodeMessage(msg)));
  }

  close(): void {
    if (!this.dealer.closed) this.dealer.close();
  }
}
