// The dispatcher ⇄ supervisor transport over real ZeroMQ tcp sockets on loopback: framing, routing by supervisor
// id, and the ROUTER's `mandatory` behaviour (an unroutable send is reported, not dropped silently).
import { afterEach, describe, expect, it } from 'vitest';
import { DispatcherSocket } from '../src/transport/dispatcher-socket.js';
import { SupervisorSocket } from '../src/transport/supervisor-socket.js';
import {
  PROTOCOL_TAG,
  ProtocolError,
  decodeDispatcherMessage,
  decodeSupervisorMessage,
  encodeMessage,
  type SupervisorMessage,
} from '../src/transport/protocol.js';
import { waitUntil } from './crawl-harness.js';

const frames = (parts: string[]) => parts.map((p) => Buffer.from(p));

describe('protocol framing', () => {
  it('round-trips every message as two frames: protocol tag and JSON body', () => {
    const msg: SupervisorMessage = { type: 'ready', credits: 3 };
    const wire = encodeMessage(msg);
    expect(wire[0]).toBe(PROTOCOL_TAG);
    expect(decodeSupervisorMessage(frames(wire))).toEqual(msg);
    expect(decodeDispatcherMessage(frames(encodeMessage({ type: 'shutdown', reason: 'max pages reached' })))).toEqual({
      type: 'shutdown',
      reason: 'max pages reached',
    });
  });

  it('refuses another protocol version, a body that is not JSON, and a message type of the other side', () => {
    expect(() => decodeSupervisorMessage(frames(['crawl-diag/crawl@0', '{"type":"ready","credits":1}']))).toThrow(/speaks 'crawl-diag\/crawl@0'/);
    expect(() => decodeSupervisorMessage(frames([PROTOCOL_TAG, '{oops']))).toThrow(ProtocolError);
    expect(() => decodeSupervisorMessage(frames(encodeMessage({ type: 'heartbeat', dispatcher: 'run-1' })).slice(0, 1))).toThrow(/expected 2 frames/);
    expect(() => decodeDispatcherMessage(frames(encodeMessage({ type: 'ready', credits: 1 })))).toThrow(/unknown message type 'ready'/);
  });
});

describe('sockets over tcp', () => {
  const open: { close(): void }[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  it('routes by supervisor id both ways, and reports a send to an unknown or departed supervisor as unroutable', async () => {
    const router = new DispatcherSocket();
    open.push(router);
    const endpoint = await router.bind('tcp://127.0.0.1:*');
    expect(endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);

    const received: { peer: string; type?: string }[] = [];
    void (async () => {
      for await (const m of router.messages()) received.push({ peer: m.peer, type: m.msg?.type });
    })();

    const sup = new SupervisorSocket({ id: 'sup-a', lingerMs: 0 });
    open.push(sup);
    sup.connect(endpoint);
    await waitUntil('the connection', () => sup.trySend({ type: 'hello', workers: 2, pid: 1, host: 'h' }));
    await waitUntil('the hello', () => received.length > 0);
    expect(received[0]).toEqual({ peer: 'sup-a', type: 'hello' });

    const got: string[] = [];
    void (async () => {
      for await (const m of sup.messages()) got.push(m.msg?.type ?? 'error');
    })();
    expect(await router.trySend('sup-a', { type: 'heartbeat', dispatcher: 'run-1' })).toBe(true);
    await waitUntil('the heartbeat', () => got.includes('heartbeat'));

    // Never connected: ROUTER_MANDATORY reports it instead of dropping the message.
    expect(await router.trySend('nobody', { type: 'heartbeat', dispatcher: 'run-1' })).toBe(false);
    // Gone: once its connection is closed, sends to it fail too.
    sup.close();
    await waitUntil('sends to fail', async () => !(await router.trySend('sup-a', { type: 'heartbeat', dispatcher: 'run-1' })));
  });

  it('a supervisor with no dispatcher listening cannot send (no backlog for a dispatcher that is away)', async () => {
    const sup = new SupervisorSocket({ id: 'sup-b', lingerMs: 0 });
    open.push(sup);
    sup.connect('tcp://127.0.0.1:1'); // nothing listens on port 1
    expect(await sup.trySend({ type: 'ready', credits: 1 })).toBe(false);
  });
});
