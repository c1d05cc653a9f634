// An http.Agent that sends every connection to one loopback address and port, whatever the host name: how the
// Crawlee side of the bench reaches the simulated web (the crawl-diag side uses `--resolve *=127.0.0.1:PORT`).
// Connecting to an IP literal skips name resolution entirely, so nothing can leave loopback through it.
import { Agent, type AgentOptions } from 'node:http';
import { createConnection, type Socket } from 'node:net';

export class LoopbackAgent extends Agent {
  constructor(
    private readonly address: string,
    private readonly port: number,
    opts: AgentOptions = {},
  ) {
    super({ keepAlive: true, ...opts });
    if (!address.startsWith('127.') && address !== '::1') throw new RangeError(`LoopbackAgent only connects to loopback, not ${address}`);
  }

  // Node's Agent calls createConnection(options, callback); the callback form is what keep-alive pooling uses.
  override createConnection(_opts: unknown, callback?: (err: Error | null, socket: Socket) => void): Socket {
    const socket = createConnection({ host: this.address, port: this.port });
    if (callback) socket.once('connect', () => callback(null, socket));
    return socket;
  }
}
