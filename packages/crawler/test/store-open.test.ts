// openStore: which store a command gets from its options, and clear errors for options that cannot work.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MongoStore } from '../src/store/mongo-store.js';
import { openStore } from '../src/store/open-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { freshDbName, mongoTestTarget } from './support/store-mongo-env.js';

describe('openStore', () => {
  let dir: string;
  let cwd: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crawl-diag-open-'));
    cwd = process.cwd();
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens SQLite at ./crawl-data/crawl.sqlite by default, creating the directory', async () => {
    process.chdir(dir);
    const store = await openStore();
    try {
      expect(store).toBeInstanceOf(SqliteStore);
      expect(store.location).toBe(join(dir, 'crawl-data', 'crawl.sqlite'));
      expect(existsSync(join(dir, 'crawl-data', 'crawl.sqlite'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('opens SQLite at the given path with the store faults and ignores the faults of other components', async () => {
    const store = await openStore({ sqlite: join(dir, 'a', 'b', 'c.sqlite'), faults: ['unindexed-frontier', 'politeness-blind'] });
    try {
      expect(store).toBeInstanceOf(SqliteStore);
      expect((store as SqliteStore).queryPlans().leaseAny.join('\n')).toMatch(/SCAN frontier/);
    } finally {
      await store.close();
    }
  });

  it.each([
    [{ mongo: 'mongodb://127.0.0.1:1/x', sqlite: 'x.sqlite' }, /both given/],
    [{ mongoPoliteness: 'mongodb://127.0.0.1:1/x' }, /needs --mongo/],
    [{ mongo: 'http://127.0.0.1:27017/' }, /not a MongoDB URI/],
    [{ mongo: 'mongodb://127.0.0.1:1/x', poolSize: 0 }, /pool size/],
  ])('refuses %j with a typed one-line error', async (options, message) => {
    const err = await openStore(options).catch((e: unknown) => e);
    expect(err).toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
    expect((err as Error).message).not.toContain('\n');
  });

  const target = mongoTestTarget();
  it.skipIf(target.skip !== undefined)('opens MongoDB when a URI is given, the database from its path', async () => {
    const db = freshDbName('open');
    const uri = `${target.url!.replace(/\/?$/, '/')}${db}`;
    const store = await openStore({ mongo: uri, poolSize: 2 });
    try {
      expect(store).toBeInstanceOf(MongoStore);
      expect(store.location).toContain(`(database ${db})`);
      expect(await store.addUrls([{ url: 'http://a.test/', domain: 'a.test', depth: 0 }], 1)).toBe(1);
    } finally {
      await store.close();
      const client = new MongoClient(target.url!);
      await client.db(db).dropDatabase().finally(() => client.close());
    }
  });
});
