// MongoStore against a real MongoDB wire-protocol server (FerretDB from the global setup, or a real MongoDB named by
// CRAWL_DIAG_TEST_MONGO_URL): the shared contract suite, one fresh database per test, plus the two-server layout.
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { MongoStore } from '../src/store/mongo-store.js';
import { describeStoreContract } from './store-contract.js';
import { dropDatabases, freshDbName, mongoTestTarget } from './support/store-mongo-env.js';

const target = mongoTestTarget();

describeStoreContract(
  'MongoStore',
  async () => {
    const url = target.url!;
    const dbName = freshDbName();
    return {
      async open(options) {
        const s = new MongoStore({ uri: url, dbName, maxPoolSize: 2, ...options });
        await s.init();
        return s;
      },
      destroy: () => dropDatabases(url, [dbName]),
    };
  },
  target.skip ? { skip: target.skip } : {},
);

describe.skipIf(target.skip !== undefined)('MongoStore with a separate politeness database', () => {
  it('keeps robots.txt and domain claims in the politeness database, the frontier and pages in the content one', async () => {
    const url = target.url!;
    const content = freshDbName('content');
    const politeness = freshDbName('polite');
    const store = new MongoStore({ uri: url, dbName: content, politenessUri: url, politenessDbName: politeness });
    try {
      await store.init();
      await store.addUrls([{ url: 'http://a.test/', domain: 'a.test', depth: 0 }], 1000);
      await store.putRobots({ domain: 'a.test', status: 200, body: '', fetchedAt: 1000, expiresAt: 9000 });
      expect(await store.claimDomain('a.test', 1000, 500)).toEqual({ granted: true });
      const client = new MongoClient(url);
      try {
        expect(await client.db(content).collection('frontier').countDocuments()).toBe(1);
        expect(await client.db(content).collection('robots').countDocuments()).toBe(0);
        expect(await client.db(politeness).collection('robots').countDocuments()).toBe(1);
        expect(await client.db(politeness).collection('domains').findOne({ _id: 'a.test' as never })).toMatchObject({ freeAt: 1500 });
      } finally {
        await client.close();
      }
    } finally {
      await store.close();
      await dropDatabases(url, [content, politeness]);
    }
  });

  it('takes the database from the URI path, and says where it is without credentials', () => {
    const s = new MongoStore({ uri: 'mongodb://user:secret@127.0.0.1:1/mycrawl?authSource=admin' });
    expect(s.location).toBe('mongodb://127.0.0.1:1/mycrawl?authSource=admin (database mycrawl)');
    expect(s.location).not.toContain('secret');
  });
});
