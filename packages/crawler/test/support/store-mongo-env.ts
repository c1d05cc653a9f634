// Where the Mongo store tests find their server: CRAWL_DIAG_TEST_MONGO_URL, set by test-support/global-setup.ts
// (FerretDB) or by whoever runs the tests (a real MongoDB). Under CI a missing server fails the run; locally the
// Mongo suites are skipped with the reason.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';

export interface MongoTestTarget {
  url?: string;
  skip?: string;
}

export function mongoTestTarget(): MongoTestTarget {
  const url = process.env.CRAWL_DIAG_TEST_MONGO_URL;
  if (url) return { url };
  const reason = 'CRAWL_DIAG_TEST_MONGO_URL is not set (no FerretDB built: needs Go) and no MongoDB was given';
  if (process.env.CI) throw new Error(`Mongo store tests must run in CI: ${reason}`);
  return { skip: reason };
}

/** A database name no other test uses. */
export function freshDbName(prefix = 'crawltest'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Drops the test's databases on one server (a fresh database per test keeps the contract suite's cases apart). */
export async function dropDatabases(url: string, names: string[]): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    for (const n of names) await client.db(n).dropDatabase();
  } finally {
    await client.close();
  }
}
