// SqliteStore's frontier (URL) order, what the politeness-blind dispatcher leases with: a domain's due URLs come out
// together, the next lease resumes after the last URL handed out, wraps around at the end, and skips URLs not due.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore, type SqliteLeaseRequest } from '../src/store/sqlite-store.js';

const T0 = 1_000_000;

describe('SqliteStore frontierOrder url', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crawl-diag-order-'));
    store = new SqliteStore({ path: join(dir, 'crawl.sqlite') });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const add = (host: string, n: number, now: number) =>
    store.addUrls(
      Array.from({ length: n }, (_, i) => ({ url: `http://${host}/p/${i}.html`, domain: host, depth: 1 })),
      now,
    );
  const lease = async (limit: number, now: number, order: SqliteLeaseRequest['frontierOrder'] = 'url') =>
    (await store.leaseUrls({ owner: 's1', limit, leaseMs: 60_000, now, frontierOrder: order })).map((u) => u.url);

  it('hands out a domain’s URLs together in URL order, resumes after the last one and wraps around', async () => {
    // Added newest domain first, so oldest-first order would be c, b, a.
    await add('c.test', 2, T0);
    await add('b.test', 2, T0 + 1);
    await add('a.test', 3, T0 + 2);
    expect(await lease(2, T0 + 10, 'due')).toEqual(['http://c.test/p/0.html', 'http://c.test/p/1.html']);
    expect(await lease(4, T0 + 10)).toEqual([
      'http://a.test/p/0.html',
      'http://a.test/p/1.html',
      'http://a.test/p/2.html',
      'http://b.test/p/0.html',
    ]);
    // b.test/p/0 handed back, due again: the cursor is past it, so b.test/p/1 comes first, then the wrap-around.
    expect(await store.postponeUrl('http://b.test/p/0.html', 's1', T0 + 10)).toBe(true);
    expect(await lease(2, T0 + 20)).toEqual(['http://b.test/p/1.html', 'http://b.test/p/0.html']);
    expect(await lease(2, T0 + 20)).toEqual([]);
  });

  it('skips URLs whose not-before time has not come', async () => {
    await add('a.test', 2, T0);
    await add('b.test', 1, T0);
    await store.leaseUrls({ owner: 's1', limit: 1, leaseMs: 60_000, now: T0, frontierOrder: 'url' });
    // a.test/p/0 is out; postpone it to T0 + 500, as a worker does when the domain is not free.
    expect(await store.postponeUrl('http://a.test/p/0.html', 's1', T0 + 500)).toBe(true);
    expect(await lease(5, T0 + 100)).toEqual(['http://a.test/p/1.html', 'http://b.test/p/0.html']);
    expect(await lease(5, T0 + 600)).toEqual(['http://a.test/p/0.html']);
  });
});
