// SqliteStore against a real better-sqlite3 file in a temp dir: the shared contract suite, plus a race between
// real child processes sharing one file (the way supervisors and workers on one machine share it).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { describeStoreContract } from './store-contract.js';

const execFileP = promisify(execFile);

describeStoreContract('SqliteStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-store-'));
  const path = join(dir, 'nested', 'crawl.sqlite');
  return {
    async open(options) {
      const s = new SqliteStore({ path, ...options });
      await s.init();
      return s;
    },
    async destroy() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const leaserScript = resolve(import.meta.dirname, 'support', 'store-sqlite-leaser.mjs');
const builtStore = resolve(import.meta.dirname, '..', 'dist', 'store', 'sqlite-store.js');

describe('SqliteStore shared by processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crawl-diag-store-procs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function race(mode: 'any' | 'domains-free', urls: { url: string; domain: string; depth: number }[]) {
    if (!existsSync(builtStore)) throw new Error(`${builtStore} is missing: run \`npm run build\` before the tests`);
    const path = join(dir, 'crawl.sqlite');
    const seed = new SqliteStore({ path });
    await seed.init();
    await seed.addUrls(urls, 1_700_000_000_000);
    await seed.close();
    const startAt = Date.now() + 1500;
    const children = Array.from({ length: 4 }, (_, i) =>
      execFileP(process.execPath, [leaserScript, path, `proc-${i}`, String(startAt), mode], { timeout: 60_000 }),
    );
    return (await Promise.all(children)).map((c) => JSON.parse(c.stdout) as string[]);
  }

  it('four processes leasing from one file never get the same URL', async () => {
    const urls = Array.from({ length: 400 }, (_, i) => ({ url: `http://d${i % 7}.test/${i}`, domain: `d${i % 7}.test`, depth: 0 }));
    const got = await race('any', urls);
    const all = got.flat();
    expect(all).toHaveLength(400);
    expect(new Set(all).size).toBe(400);
    expect(got.filter((g) => g.length > 0).length).toBeGreaterThan(1);
  });

  it('four processes leasing domainsFree get at most one URL per domain between them', async () => {
    const urls = Array.from({ length: 120 }, (_, i) => ({ url: `http://d${i % 40}.test/${i}`, domain: `d${i % 40}.test`, depth: 0 }));
    const all = (await race('domains-free', urls)).flat();
    expect(all).toHaveLength(40);
    expect(new Set(all.map((u) => new URL(u).hostname)).size).toBe(40);
  });

  it('uses WAL mode so readers and the writer do not block each other', async () => {
    const s = new SqliteStore({ path: join(dir, 'wal.sqlite') });
    await s.init();
    await s.close();
    expect(existsSync(join(dir, 'wal.sqlite'))).toBe(true);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(dir, 'wal.sqlite'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses an unusable path with a clear, typed error', async () => {
    // A regular file where the store's directory should be.
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const s = new SqliteStore({ path: join(dir, 'not-a-dir', 'crawl.sqlite') });
    await expect(s.init()).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--sqlite') });
  });
});
