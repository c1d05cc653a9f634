// The pieces that let MongoStore lease without a frontier query: the in-memory FrontierView (pure), the frontier
// log on a real server (FerretDB from the global setup, or CRAWL_DIAG_TEST_MONGO_URL), a leaser that learns about
// URLs added by another connection through the log, and (FerretDB only) the wrapper's _id index being used.
import { MongoClient, MongoServerError } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { FrontierLog, type LogDoc } from '../src/store/mongo-frontier-log.js';
import { FrontierView } from '../src/store/mongo-frontier-view.js';
import { MongoStore } from '../src/store/mongo-store.js';
import { freshDbName, mongoTestTarget } from './support/store-mongo-env.js';

const target = mongoTestTarget();
const T = 1_700_000_000_000;

describe('FrontierView', () => {
  it('lists due URLs per domain and overall, oldest first, ties by URL', () => {
    const v = new FrontierView();
    v.upsert('http://a/3', 'a', 30);
    v.upsert('http://a/1', 'a', 10);
    v.upsert('http://b/2', 'b', 10);
    v.upsert('http://b/9', 'b', 90);
    expect(v.dueInDomain('a', 20, 5).map((c) => c.url)).toEqual(['http://a/1']);
    expect(v.dueOldest(30, 10, () => false).map((c) => c.url)).toEqual(['http://a/1', 'http://b/2', 'http://a/3']);
    expect(v.dueOldest(100, 2, (u) => u === 'http://a/1').map((c) => c.url)).toEqual(['http://b/2', 'http://a/3']);
    expect(v.domainsWithDue(10).sort()).toEqual(['a', 'b']);
    expect(v.domainsWithDue(9)).toEqual([]);
  });

  it('moves a URL to its new due time and forgets finished ones (and their domain once empty)', () => {
    const v = new FrontierView();
    v.upsert('http://a/1', 'a', 10);
    v.upsert('http://a/2', 'a', 20);
    v.upsert('http://a/1', 'a', 50);
    expect(v.dueInDomain('a', 30, 5).map((c) => c.url)).toEqual(['http://a/2']);
    expect(v.size).toBe(2);
    v.remove('http://a/2');
    v.remove('http://a/1');
    v.remove('http://a/unknown');
    expect(v.size).toBe(0);
    expect(v.hasDomain('a')).toBe(false);
  });
});

describe.skipIf(target.skip !== undefined)('frontier log and leasing from it (real server)', () => {
  const dbs: string[] = [];
  const clients: MongoClient[] = [];
  const stores: MongoStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    const c = new MongoClient(target.url!);
    try {
      for (const n of dbs.splice(0)) await c.db(n).dropDatabase();
    } finally {
      await c.close();
    }
    for (const c2 of clients.splice(0)) await c2.close();
  });

  const isDup = (err: unknown): boolean => err instanceof MongoServerError && err.code === 11000;

  it('numbers notes from racing writers without gaps or repeats, and a reader gets them all in order', async () => {
    const dbName = freshDbName('log');
    dbs.push(dbName);
    // Four writers on four separate clients (separate connection pools), ten notes each, all at once.
    const logs = Array.from({ length: 4 }, () => {
      const c = new MongoClient(target.url!);
      clients.push(c);
      return new FrontierLog(() => c.db(dbName).collection<LogDoc>('frontierLog'), (_op, fn) => fn(), isDup);
    });
    const numbers = (
      await Promise.all(
        logs.map(async (log, w) => {
          const got: number[] = [];
          for (let i = 0; i < 10; i++) {
            const { n, hintWritten } = await log.append([[`http://w${w}.test/${i}`, `w${w}.test`, T + i]]);
            await hintWritten;
            got.push(n);
          }
          return got;
        }),
      )
    ).flat();
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const { notes, next } = await logs[0]!.readFrom(0);
    expect(next).toBe(40);
    const urls = notes.flat().map(([u]) => u);
    expect(new Set(urls).size).toBe(40);
    // Each writer's own notes come in the order it wrote them.
    const w0 = urls.filter((u) => u.startsWith('http://w0.test/'));
    expect(w0).toEqual(Array.from({ length: 10 }, (_, i) => `http://w0.test/${i}`));
    expect(await logs[1]!.tail()).toBeLessThanOrEqual(40);
    expect((await logs[2]!.readFrom(35)).notes).toHaveLength(5);
  });

  it('reads up to the hint with one read per note, and past a lagging hint only when it probes', async () => {
    const dbName = freshDbName('hint');
    dbs.push(dbName);
    const c = new MongoClient(target.url!);
    clients.push(c);
    const coll = c.db(dbName).collection<LogDoc>('frontierLog');
    let reads = 0;
    const log = new FrontierLog(() => coll, (op, fn) => ((reads += op === 'frontier log (read)' ? 1 : 0), fn()), isDup);
    for (let i = 0; i < 6; i++) await (await log.append([[`http://a.test/${i}`, 'a.test', T + i]])).hintWritten;
    // A note whose writer died before raising the hint: the hint says 6, note 6 exists.
    await coll.insertOne({ _id: 'L6', packed: `http://a.test/6\ta.test\t${T + 6}` });
    const tail = await log.tail();
    expect(tail).toBe(6);

    reads = 0;
    const upTo = await log.readUpTo(2, tail, false);
    expect(upTo.next).toBe(6);
    expect(upTo.notes.flat().map(([u]) => u)).toEqual([2, 3, 4, 5].map((i) => `http://a.test/${i}`));
    expect(reads).toBe(4);

    // Nothing new below the hint: without a probe nothing is read; with one, the note past the hint is found.
    reads = 0;
    expect(await log.readUpTo(6, tail, false)).toEqual({ notes: [], next: 6 });
    expect(reads).toBe(0);
    const probed = await log.readUpTo(6, tail, true);
    expect(probed.next).toBe(7);
    expect(probed.notes.flat().map(([u]) => u)).toEqual(['http://a.test/6']);
  });

  it('a leaser sees URLs another connection adds after its first lease, and postponed ones when due', async () => {
    const dbName = freshDbName('view');
    dbs.push(dbName);
    const open = async (): Promise<MongoStore> => {
      const s = new MongoStore({ uri: target.url!, dbName, maxPoolSize: 2 });
      await s.init();
      stores.push(s);
      return s;
    };
    const leaser = await open();
    const adder = await open();
    await adder.addUrls([{ url: 'http://a.test/1', domain: 'a.test', depth: 0 }], T);
    const [first] = await leaser.leaseUrls({ owner: 'd', limit: 5, leaseMs: 60_000, now: T, domainsFree: true });
    expect(first?.url).toBe('http://a.test/1');
    // Added by the other connection after the leaser loaded its view: it learns of them from the log.
    await adder.addUrls([{ url: 'http://b.test/1', domain: 'b.test', depth: 1 }, { url: 'http://c.test/1', domain: 'c.test', depth: 1 }], T + 1);
    const more = await leaser.leaseUrls({ owner: 'd', limit: 5, leaseMs: 60_000, now: T + 2, domainsFree: true });
    expect(more.map((l) => l.url).sort()).toEqual(['http://b.test/1', 'http://c.test/1']);
    // Postponed by the holder's other connection (as a worker does): not before its time, then handed out again.
    expect(await adder.postponeUrl('http://b.test/1', 'd', T + 500)).toBe(true);
    expect(await leaser.leaseUrls({ owner: 'd', limit: 5, leaseMs: 60_000, now: T + 499 })).toEqual([]);
    const again = await leaser.leaseUrls({ owner: 'd', limit: 5, leaseMs: 60_000, now: T + 500 });
    expect(again.map((l) => l.url)).toEqual(['http://b.test/1']);
  });

  it('claimDomain takes a current slot hint without reading the domain, and a stale one as no hint', async () => {
    const dbName = freshDbName('slot');
    dbs.push(dbName);
    let domainReads = 0;
    const store = new MongoStore({
      uri: target.url!,
      dbName,
      maxPoolSize: 2,
      onCommand: (e) => {
        if (e.commandName === 'find' && (e.command as { find?: string }).find === 'domains') domainReads++;
      },
    });
    await store.init();
    stores.push(store);
    await store.addUrls([{ url: 'http://a.test/1', domain: 'a.test', depth: 0 }], T);
    // A domainsFree lease carries the slot as the leaser saw it: never claimed yet.
    const [leased] = await store.leaseUrls({ owner: 'w', limit: 1, leaseMs: 60_000, now: T, domainsFree: true });
    expect(leased?.domainSlot).toEqual({ gen: 0, freeAt: 0 });

    domainReads = 0;
    expect(await store.claimDomain('a.test', T, 500, leased!.domainSlot)).toEqual({ granted: true });
    expect(domainReads).toBe(0);
    // The same (now stale) hint again: its generation is taken, so the domain is read and the claim refused.
    expect(await store.claimDomain('a.test', T + 100, 500, { gen: 0, freeAt: 0 })).toEqual({ granted: false, notBefore: T + 500 });
    expect(domainReads).toBe(1);
    // A hint saying the slot is still taken is not trusted either way: the store answers from the domain.
    expect(await store.claimDomain('a.test', T + 600, 500, { gen: 1, freeAt: T + 9_999 })).toEqual({ granted: true });
    expect(await store.claimDomain('a.test', T + 700, 500)).toEqual({ granted: false, notBefore: T + 1_100 });
  });

  it('on FerretDB, a lookup by _id searches an index (the wrapper adds the one its SQLite queries can use)', async (ctx) => {
    const probe = new MongoClient(target.url!);
    clients.push(probe);
    const info = await probe.db('admin').command({ buildInfo: 1 });
    if (info.ferretdbVersion === undefined) ctx.skip('server is MongoDB, whose _id lookups always use the _id index');
    const dbName = freshDbName('idindex');
    dbs.push(dbName);
    const coll = probe.db(dbName).collection<{ _id: string; n: number }>('t');
    await coll.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `k${n}`, n })));
    // The wrapper adds the index within its 200 ms sweep; poll (generously: the machine may be loaded).
    let plan = '';
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      // A real query first: a SQLite connection that planned before the index existed re-plans when a statement runs
      // (schema change), while EXPLAIN QUERY PLAN alone may still print its old plan.
      await coll.findOne({ _id: 'k7' });
      const ex = await coll.find({ _id: 'k7' }).explain();
      plan = JSON.stringify(ex.queryPlanner);
      if (plan.includes('USING INDEX')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(plan, plan).toMatch(/SEARCH \S+ USING INDEX \S+__id_path/);
  });
});
