// The dispatcher against a real SQLite store and real ZeroMQ sockets, with the test playing a supervisor: credits,
// lease ownership, politeness-aware dispatch (and its `politeness-blind` fault), releases, heartbeat loss and the
// end of the crawl.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Dispatcher, type DispatcherExitReason } from '../src/dispatcher/dispatcher.js';
import { DispatcherSocket } from '../src/transport/dispatcher-socket.js';
import { SupervisorSocket } from '../src/transport/supervisor-socket.js';
import type { DispatcherMessage } from '../src/transport/protocol.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { CrawlFault } from '../src/options.js';
import type { LeasedUrl, NewUrl } from '../src/store/store.js';
import { tempDir, waitUntil } from './crawl-harness.js';

const HEARTBEAT_MS = 50;
const LIVENESS_MS = 400;

interface Rig {
  store: SqliteStore;
  sup: SupervisorSocket;
  inbox: DispatcherMessage[];
  work(): LeasedUrl[];
  exit: Promise<DispatcherExitReason>;
  dispatcher: Dispatcher;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function urls(spec: [domain: string, count: number][]): NewUrl[] {
  return spec.flatMap(([domain, n]) => Array.from({ length: n }, (_, i) => ({ url: `http://${domain}/${i}`, domain, depth: 0 })));
}

async function rig(seed: NewUrl[], opts: { faults?: CrawlFault[]; maxPages?: number } = {}): Promise<Rig> {
  const store = new SqliteStore({ path: join(tempDir('dispatcher'), 'c.sqlite') });
  await store.init();
  await store.addUrls(seed, Date.now());
  const socket = new DispatcherSocket();
  const endpoint = await socket.bind('tcp://127.0.0.1:*');
  const dispatcher = new Dispatcher({
    store,
    socket,
    log: pino({ level: 'silent' }),
    opts: {
      leaseMs: 30_000,
      maxPages: opts.maxPages,
      exitWhenDone: true,
      pollMs: 20,
      heartbeatMs: HEARTBEAT_MS,
      livenessMs: LIVENESS_MS,
      faults: opts.faults ?? [],
      maxAttempts: 5,
    },
  });
  const exit = dispatcher.run();
  const sup = new SupervisorSocket({ id: 'sup-1', lingerMs: 0 });
  sup.connect(endpoint);
  const inbox: DispatcherMessage[] = [];
  void (async () => {
    for await (const m of sup.messages()) if (m.msg) inbox.push(m.msg);
  })();
  cleanups.push(async () => {
    dispatcher.stop();
    await exit;
    sup.close();
    socket.close();
    await store.close();
  });
  await waitUntil('connection', () => sup.trySend({ type: 'hello', workers: 2, pid: process.pid, host: 'test' }));
  const work = () => inbox.flatMap((m) => (m.type === 'work' ? m.urls : []));
  return { store, sup, inbox, work, exit, dispatcher };
}

describe('dispatcher', () => {
  it('sends no more URLs than the credits asked for, leased to the supervisor that asked', async () => {
    const r = await rig(urls([['a.test', 1], ['b.test', 1], ['c.test', 1], ['d.test', 1], ['e.test', 1]]));
    await r.sup.trySend({ type: 'ready', credits: 2 });
    await waitUntil('work', () => r.work().length === 2);
    await new Promise((res) => setTimeout(res, 200)); // more polls: still no URL beyond the credits
    expect(r.work()).toHaveLength(2);
    for (const u of r.work()) {
      expect(u.leaseOwner).toBe('sup-1');
      expect((await r.store.getUrl(u.url))?.state).toBe('leased');
    }
    expect((await r.store.stats()).leased).toBe(2);
    await r.sup.trySend({ type: 'ready', credits: 1 });
    await waitUntil('one more', () => r.work().length === 3);
  });

  it('takes restated credits as the count still owed, counting URLs already on the way', async () => {
    const r = await rig(urls([['a.test', 1], ['b.test', 1], ['c.test', 1], ['d.test', 1], ['e.test', 1]]));
    await r.sup.trySend({ type: 'ready', credits: 2, received: 0 });
    await waitUntil('work', () => r.work().length >= 2);
    // Restated as if the 2 URLs had not arrived yet: they were sent, so nothing more is owed.
    await r.sup.trySend({ type: 'ready', credits: 2, received: 0 });
    await new Promise((res) => setTimeout(res, 200));
    expect(r.work()).toHaveLength(2);
    // Restated after they arrived: 1 still owed.
    await r.sup.trySend({ type: 'ready', credits: 1, received: 2 });
    await waitUntil('one more', () => r.work().length === 3);
    await new Promise((res) => setTimeout(res, 200));
    expect(r.work()).toHaveLength(3);
  });

  it('hands out one URL per free domain; the politeness-blind fault hands out URLs of a busy domain', async () => {
    const healthy = await rig(urls([['one.test', 4]]));
    await healthy.sup.trySend({ type: 'ready', credits: 4 });
    await waitUntil('work', () => healthy.work().length >= 1);
    await new Promise((res) => setTimeout(res, 200));
    expect(healthy.work()).toHaveLength(1);

    const blind = await rig(urls([['one.test', 4]]), { faults: ['politeness-blind'] });
    await blind.sup.trySend({ type: 'ready', credits: 4 });
    await waitUntil('work', () => blind.work().length === 4);
  });

  it('puts released URLs back in the frontier, and releases every lease of a supervisor that goes silent', async () => {
    const r = await rig(urls([['a.test', 1], ['b.test', 1], ['c.test', 1]]));
    await r.sup.trySend({ type: 'ready', credits: 3 });
    await waitUntil('work', () => r.work().length === 3);
    const [first] = r.work();
    await r.sup.trySend({ type: 'release', urls: [first.url], delayMs: 60_000 });
    await waitUntil('release', async () => (await r.store.getUrl(first.url))?.state === 'pending');
    expect((await r.store.stats()).leased).toBe(2);
    // No heartbeats from here on: after the liveness window the dispatcher takes the supervisor for dead.
    await waitUntil('leases released', async () => (await r.store.stats()).leased === 0, 5000);
    expect((await r.store.stats()).pending).toBe(3);
  });

  it('ends the crawl when the frontier is exhausted, telling the supervisor to shut down', async () => {
    const r = await rig(urls([['a.test', 1]]));
    await r.sup.trySend({ type: 'ready', credits: 1 });
    await waitUntil('work', () => r.work().length === 1);
    const [u] = r.work();
    await r.store.finishUrl(u.url, 'sup-1', 'done');
    await r.sup.trySend({ type: 'result', url: u.url, outcome: 'done' });
    // Keep answering heartbeats like a live supervisor until told to shut down, then say goodbye.
    await waitUntil('shutdown', async () => {
      await r.sup.trySend({ type: 'heartbeat', busy: 0, queued: 0, workers: 1 });
      return r.inbox.some((m) => m.type === 'shutdown');
    });
    await r.sup.trySend({ type: 'bye' });
    expect(await r.exit).toBe('frontier exhausted');
  });

  it('stops leasing at --max-pages and ends once the URLs in flight are reported', async () => {
    const r = await rig(urls([['a.test', 1], ['b.test', 1], ['c.test', 1], ['d.test', 1]]), { maxPages: 2 });
    await r.sup.trySend({ type: 'ready', credits: 4 });
    await waitUntil('work', () => r.work().length === 2);
    for (const u of r.work()) {
      await r.store.finishUrl(u.url, 'sup-1', 'done');
      await r.sup.trySend({ type: 'result', url: u.url, outcome: 'done' });
    }
    await waitUntil('shutdown', () => r.inbox.some((m) => m.type === 'shutdown'));
    await r.sup.trySend({ type: 'bye' });
    expect(await r.exit).toBe('max pages reached');
    expect(r.work()).toHaveLength(2);
    expect((await r.store.stats()).pending).toBe(2);
  });
});
