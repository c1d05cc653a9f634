// MongoStore on FerretDB's PostgreSQL backend, which pushes equality filters down to indexes and takes concurrent
// writers: the shared contract suite with both databases on it, and again in the original two-server layout
// (content on FerretDB/PostgreSQL, robots.txt and politeness on a second server, FerretDB/SQLite). Each FerretDB
// here is the test file's own (test-support/services.ts startFerret; PostgreSQL started by tools/ferretdb).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, startFerret, type FerretInstance } from '../../../test-support/services.js';
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
