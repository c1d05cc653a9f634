// Politeness decisions against a real SqliteStore file shared by two store connections (two processes' view).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decisionOf, effectiveDelayMs, Politeness } from '../src/politeness/politeness.js';
import { SqliteStore } from '../src/store/sqlite-store.js';

let dir: string;
let a: SqliteStore;
let b: SqliteStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crawl-diag-polite-'));
  a = new SqliteStore({ path: join(dir, 'crawl.sqlite') });
  b = new SqliteStore({ path: join(dir, 'crawl.sqlite') });
  await a.init();
  await b.init();
});
afterEach(async () => {
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('effectiveDelayMs', () => {
  it('uses Crawl-delay when given, capped, else the default', () => {
    expect(effectiveDelayMs(1000, undefined, 60_000)).toBe(1000);
    expect(effectiveDelayMs(1000, 250, 60_000)).toBe(250);
    expect(effectiveDelayMs(1000, 0, 60_000)).toBe(0);
    expect(effectiveDelayMs(1000, 3_600_000, 60_000)).toBe(60_000);
    expect(effectiveDelayMs(1000, Number.NaN, 60_000)).toBe(1000);
  });
  it('maps claims to decisions', () => {
    expect(decisionOf('a.test', 10, { granted: true })).toEqual({ kind: 'granted', domain: 'a.test', delayMs: 10 });
    expect(decisionOf('a.test', 10, { granted: false, notBefore: 99 })).toEqual({ kind: 'postponed', domain: 'a.test', delayMs: 10, notBefore: 99 });
  });
});

describe('Politeness', () => {
  it('grants one fetch per domain per delay across processes, and postpones the rest until the domain is free', async () => {
    const p1 = new Politeness({ store: a });
    const p2 = new Politeness({ store: b });
    const t = 1_000_000;
    expect(await p1.claim('a.test', t)).toEqual({ kind: 'granted', domain: 'a.test', delayMs: 1000 });
    expect(await p2.claim('a.test', t + 10)).toEqual({ kind: 'postponed', domain: 'a.test', delayMs: 1000, notBefore: t + 1000 });
    expect(await p2.claim('b.test', t + 10)).toMatchObject({ kind: 'granted' });
    expect(await p2.claim('a.test', t + 1000)).toMatchObject({ kind: 'granted' });
    expect(await p1.claim('a.test', t + 1500)).toEqual({ kind: 'postponed', domain: 'a.test', delayMs: 1000, notBefore: t + 2000 });
  });

  it('spaces a domain by its Crawl-delay instead of the default', async () => {
    const p = new Politeness({ store: a, delayMs: 100 });
    const t = 2_000_000;
    expect(await p.claim('slow.test', t, 5_000)).toMatchObject({ kind: 'granted', delayMs: 5_000 });
    expect(await p.claim('slow.test', t + 4_999, 5_000)).toEqual({ kind: 'postponed', domain: 'slow.test', delayMs: 5_000, notBefore: t + 5_000 });
    expect(await p.claim('fast.test', t)).toMatchObject({ kind: 'granted', delayMs: 100 });
    expect(await p.claim('fast.test', t + 100)).toMatchObject({ kind: 'granted' });
  });

  it('grants exactly one of many simultaneous claims', async () => {
    const p1 = new Politeness({ store: a });
    const p2 = new Politeness({ store: b });
    const t = 3_000_000;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? p1 : p2).claim('race.test', t)));
    expect(results.filter((r) => r.kind === 'granted')).toHaveLength(1);
  });

  it('refuses a negative delay', () => {
    expect(() => new Politeness({ store: a, delayMs: -1 })).toThrow(RangeError);
  });
});
