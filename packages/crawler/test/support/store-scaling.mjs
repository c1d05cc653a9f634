// Measures how the SQLite store's two fault switches scale (not a test: figures for STORAGE.md).
// For frontier sizes N it times one leaseUrls call (unindexed-frontier) and one addUrls call of 20 new links with
// N stored pages (dedup-scan), healthy and faulty, in the same run, and prints the ratios.
// Run after `npm run build`:  node packages/crawler/test/support/store-scaling.mjs [sizes…]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../dist/store/sqlite-store.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1_000, 10_000, 50_000);
const T = 1_700_000_000_000;
const html = '<html>' + 'x'.repeat(4_000) + '</html>';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeMs(fn, reps = 15) {
  const out = [];
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(out);
}

async function fill(store, n) {
  const batch = [];
  for (let i = 0; i < n; i++) batch.push({ url: `http://s${i % 200}.test/p${i}`, domain: `s${i % 200}.test`, depth: 1 });
  for (let i = 0; i < n; i += 5_000) await store.addUrls(batch.slice(i, i + 5_000), T);
  // Half of them crawled: pages stored, done.
  for (let i = 0; i < n / 2; i += 500) {
    const leased = await store.leaseUrls({ owner: 'fill', limit: 500, leaseMs: 60_000, now: T });
    for (const l of leased) {
      await store.savePage({ url: l.url, finalUrl: l.url, status: 200, contentType: 'text/html', html, fetchedAt: T, fetchMs: 1, fetchedBy: 'fill' });
      await store.finishUrl(l.url, 'fill', 'done');
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-scaling-'));
try {
  console.log('frontier  lease healthy  lease unindexed  ratio | add20 healthy  add20 dedup-scan  ratio   (median ms)');
  for (const n of sizes) {
    const path = join(dir, `n${n}.sqlite`);
    const base = new SqliteStore({ path });
    await base.init();
    await fill(base, n);
    await base.close();
    const row = [];
    for (const faults of [[], ['unindexed-frontier']]) {
      const s = new SqliteStore({ path, faults });
      await s.init();
      // Lease and hand back, so every call sees the same frontier.
      row.push(await timeMs(async () => {
        const got = await s.leaseUrls({ owner: 'm', limit: 10, leaseMs: 60_000, now: T, domainsFree: false });
        await s.releaseLeases('m', T);
        return got;
      }));
      await s.close();
    }
    for (const faults of [[], ['dedup-scan']]) {
      const s = new SqliteStore({ path, faults });
      await s.init();
      row.push(await timeMs((i) => s.addUrls(
        Array.from({ length: 20 }, (_, k) => ({ url: `http://new.test/${faults.length}-${i}-${k}`, domain: 'new.test', depth: 2 })),
        T,
      )));
      await s.close();
    }
    const [lh, lu, ah, ad] = row;
    console.log(
      `${String(n).padStart(8)}  ${lh.toFixed(2).padStart(13)}  ${lu.toFixed(2).padStart(15)}  ${(lu / lh).toFixed(0).padStart(5)} | ` +
        `${ah.toFixed(2).padStart(13)}  ${ad.toFixed(2).padStart(16)}  ${(ad / ah).toFixed(0).padStart(5)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
