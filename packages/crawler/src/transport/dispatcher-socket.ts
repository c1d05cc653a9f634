// The dispatcher's end of the transport: a ZeroMQ ROUTER bound on tcp, one peer per supervisor (its routing id).
//
// `mandatory` makes a send to a peer that is gone (or was never there) fail with EHOSTUNREACH instead of being
// dropped silently, so the dispatcher can hand those URLs back to the frontier at once. `sendTimeout: 0` makes a
// send to a peer whose queue is full fail (EAGAIN) rather than block every other supervisor behind it.
import * as zmq from 'zeromq';
import { sendOrFalse } from './unroutable.js';
import { decodeSupervisorMessage, encodeMessage, type DispatcherMessage, type SupervisorMessage } from './protocol.js';

export interface InboundSupervisorMessage {
  peer: string;
  msg?: SupervisorMessage;
  /** Set when the frames could not be decoded (another protocol version, garbage). */
  error?: Error;
}

export class DispatcherSocket {
  private readonly router = new zmq.Router({ mandatory: true, handover: true, sendTimeout: 0, linger: 0 });

  /** Binds, e.g. `tcp://127.0.0.1:5555` or `tcp://127.0.0.1:*`; returns the endpoint actually bound. */
  async bind(endpoint: string): Promise<string> {
    await this.router.bind(endpoint);
    return this.router.lastEndpoint ?? endpoint;
  }

  async *messages(): AsyncGenerator<InboundSupervisorMessage> {
    try {
      for await (const [id, ...frames] of this.router) {
        const peer = id.toString('utf8');
        try {
          yield { peer, msg: decodeSupervisorMessage(frames) };
        } catch (error) {
          yield { peer, error: error as Error };
        }
      }
    } catch (err) {
      // Closing the socket ends the iteration with EAGAIN/ETERM: that is the normal way out.
      if (!this.router.closed) throw err;
    }
  }

  /** Sends; false when the peer cannot be reached now (gone, unknown or its queue is full). */
  trySend(peer: string, msg: DispatcherMessage): Promise<boolean> {
    return sendOrFalse(() => this.router.send([peer, ...encodeMessage(msg)]));
  }

  close(): void {
    if (!this.router.closed) this.router.close();
  }
}
