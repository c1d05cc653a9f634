// MongoStore on FerretDB's PostgreSQL backend, which pushes equality filters down to indexes and takes concurrent
// writers: the shared contract suite with both databases on it, and again in the original two-server layout
// (content on FerretDB/PostgreSQL, robots.txt and politeness on a second server, FerretDB/SQLite). Each FerretDB
// here is the test file's own (test-support/services.ts startFerret; PostgreSQL started by tools/ferretdb).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, startFerret, type FerretInstance } from '../../../test-support/services.js';
import { MongoClient } from 'mongodb';
import { MongoStore } from '../src/store/mongo-store.js';
import { describeStoreContract } from './store-contract.js';
import { dropDatabases, freshDbName, mongoTestTarget } from './support/store-mongo-env.js';

const mongo = mongoTestTarget();
const skip = mongo.skip ?? postgresUnavailable();
if (skip && process.env.CI) throw new Error(`FerretDB/PostgreSQL store tests must run in CI: ${skip}`);

let pg: FerretInstance | undefined;
let sqlite: FerretInstance | undefined;

describe.skipIf(skip !== undefined)(`MongoStore on FerretDB/PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    [pg, sqlite] = await Promise.all([startFerret({ backend: 'postgresql' }), startFerret()]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([pg?.dispose(), sqlite?.dispose()]);
  });

  describeStoreContract('FerretDB/PostgreSQL', async () => {
    const dbName = freshDbName();
    return {
      async open(options) {
        const s = new MongoStore({ uri: pg!.url, dbName, maxPoolSize: 2, ...options });
        await s.init();
        return s;
      },
      destroy: () => dropDatabases(pg!.url, [dbName]),
    };
  });

  describeStoreContract('two servers: content on FerretDB/PostgreSQL, politeness on FerretDB/SQLite', async () => {
    const dbName = freshDbName('content');
    const politenessDbName = freshDbName('polite');
    return {
      async open(options) {
        const s = new MongoStore({ uri: pg!.url, dbName, politenessUri: sqlite!.url, politenessDbName, maxPoolSize: 2, ...options });
        await s.init();
        return s;
      },
      destroy: async () => {
        await dropDatabases(pg!.url, [dbName]);
        await dropDatabases(sqlite!.url, [politenessDbName]);
      },
    };
  });

  it('answers a lookup by _id from an index (the wrapper adds a GIN index FerretDB\'s containment filter can use)', async () => {
    const client = new MongoClient(pg!.url);
    const dbName = freshDbName('gin');
    try {
      const coll = client.db(dbName).collection<{ _id: string; n: number }>('t');
      // Enough rows that a sequential scan is not the cheaper plan.
      await coll.insertMany(Array.from({ length: 3000 }, (_, n) => ({ _id: `http://a.test/${n}`, n })));
      // The wrapper adds the index within its 200 ms sweep; poll (generously: the machine may be loaded).
      let plan = '';
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        plan = JSON.stringify((await coll.find({ _id: 'http://a.test/7' }).explain()).queryPlanner);
        if (plan.includes('__id_gin')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // FerretDB 1.24's own btree _id index cannot answer its `_jsonb -> '_id' @> …` filter: without the wrapper's
      // index this plan is a Seq Scan.
      expect(plan, plan).toMatch(/"Index Name":"\w+__id_gin"/);
      expect(await coll.findOne({ _id: 'http://a.test/7' })).toEqual({ _id: 'http://a.test/7', n: 7 });
    } finally {
      await dropDatabases(pg!.url, [dbName]);
      await client.close();
    }
  });

  it('pushes equality filters down to PostgreSQL, not the range query of the frontier (why the store keeps a frontier view)', async () => {
    const store = new MongoStore({ uri: pg!.url, dbName: freshDbName('explain') });
    try {
      await store.init();
      await store.addUrls([{ url: 'http://a.test/', domain: 'a.test', depth: 0 }], Date.now());
      const { lease, seenCheck } = await store.explainQueries(Date.now());
      // "Seen this URL?" is an SQL filter on the _id path; {state: {$in}, dueAt: {$lte}} is filtered in FerretDB.
      expect(seenCheck).toMatchObject({ filterPushdown: true });
      expect(JSON.stringify(seenCheck)).toMatch(/"Filter":"\(\(frontier_\w+\._jsonb -> '_id'::text\) @>/);
      expect(lease).toMatchObject({ filterPushdown: false });
    } finally {
      await store.close();
    }
  });
});
