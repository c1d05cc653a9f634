// The MongoStore's pages (content server) and robots.txt cache (politeness server): plain documents by _id.
import { isDuplicateKey, type PageDoc } from './mongo-docs.js';
import type { MongoConnection } from './mongo-connection.js';
import { robotsEntry, storedPage } from './rows.js';
import type { RobotsEntry, StoredPage } from './store.js';

export async function savePage(conn: MongoConnection, page: StoredPage): Promise<boolean> {
  // The page's domain (for stats per domain) from its URL, as callers derive a URL's domain (fetch/url.ts
  // domainOf), rather than from a read of its frontier entry: one round trip less per page.
  let domain: string;
  try {
    domain = new URL(page.url).hostname.toLowerCase().replace(/\.+$/, '');
  } catch {
    domain = '';
  }
  const doc: PageDoc = { _id: page.url, domain, ...page };
  return conn.op('savePage', async () => {
    try {
      await conn.pages.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  });
}

export async function getPage(conn: MongoConnection, url: string): Promise<StoredPage | undefined> {
  const d = await conn.op('getPage', () => conn.pages.findOne({ _id: url }));
  return d ? storedPage(d) : undefined;
}

export async function getRobots(conn: MongoConnection, domain: string, now: number = Date.now()): Promise<RobotsEntry | undefined> {
  const d = await conn.op('getRobots', () => conn.robots.findOne({ _id: domain }), true);
  if (!d || d.expiresAt <= now) return undefined;
  return robotsEntry({ ...d, domain: d._id });
}

export async function putRobots(conn: MongoConnection, entry: RobotsEntry): Promise<void> {
  const doc = { status: entry.status, body: entry.body, fetchedAt: entry.fetchedAt, expiresAt: entry.expiresAt };
  await conn.op(
    'putRobots',
    async () => {
      try {
        await conn.robots.replaceOne({ _id: entry.domain }, doc, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await conn.robots.replaceOne({ _id: entry.domain }, doc);
      }
    },
    true,
  );
}
