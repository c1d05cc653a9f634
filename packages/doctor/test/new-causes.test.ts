// The causes any crawler can have, each on input written here so the figures are known: a Scrapy log whose sites
// answer 429 more and more (Scrapy 2.19's own wording: `Retrying <GET …> (failed N times): 429 Unknown Status`,
// `Gave up retrying …`, `Crawled (429)`), a crawl whose pages narrow to one site (our crawler's lines), and
// early/late profiles of a process spending more and more of its time in sqlite3 calls (folded stacks, the profiler's
// contract with wait frames). Real crawls of the same causes are in real-crawlers.test.ts.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherEvidence } from '../src/collect/evidence.js';
import { diagnose } from '../src/explain.js';
import { renderReport } from '../src/report-html.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-causes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 2, 9, 0, 0);
const scrapyStamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const pyStamp = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ').replace('.', ',');

describe('the web pushes back', () => {
  it('429 answers rising while the rate falls are named, with their shares', async () => {
    const lines: string[] = [`${scrapyStamp(T0)} [scrapy.core.engine] INFO: Spider opened`];
    // 8 minutes; per 5 s: pages fall from 10 to 4 as the 429s (each retried, every third given up) rise from 0 to 8.
    for (let slot = 0; slot < 96; slot++) {
      const at = T0 + slot * 5000;
      const pages = 10 - Math.floor((slot * 6) / 96);
      const refused = Math.floor((slot * 9) / 96);
      for (let i = 0; i < pages; i++) lines.push(`${scrapyStamp(at + i * 400)} [scrapy.core.engine] DEBUG: Crawled (200) <GET http://site-${i}.test/p/${slot}> (referer: None)`);
      for (let i = 0; i < refused; i++) {
        const url = `http://site-${i}.test/q/${slot}`;
        if (i % 3 === 2) {
          lines.push(`${scrapyStamp(at + 4500)} [scrapy.downloadermiddlewares.retry] ERROR: Gave up retrying <GET ${url}> (failed 3 times): 429 Unknown Status`);
          lines.push(`${scrapyStamp(at + 4500)} [scrapy.core.engine] DEBUG: Crawled (429) <GET ${url}> (referer: None)`);
        } else lines.push(`${scrapyStamp(at + 4200)} [scrapy.downloadermiddlewares.retry] DEBUG: Retrying <GET ${url}> (failed 1 times): 429 Unknown Status`);
      }
    }
    const path = join(dir, 'scrapy-throttled.log');
    await writeFile(path, lines.join('\n') + '\n');
    const e = await gatherEvidence({ logs: [path] });
    const r = diagnose(e);
    // The report draws the pushback and the domains over time.
    const charts = JSON.parse(/<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(renderReport({ doctor: r, logs: e.logs }))![1]) as Array<{ id: string; series: Array<{ label: string }> }>;
    expect(charts.find((c) => c.id === 'pushback')?.series.map((x) => x.label)).toEqual(['429/503 share of attempts', 'retries per page', 'given up per page']);
    expect(charts.find((c) => c.id === 'domains')?.series.map((x) => x.label)).toEqual(['distinct domains', 'effective domains (1/Σshare²)']);
    expect(r.crawler.kind).toBe('scrapy');
    expect(r.rate?.verdict).toBe('decay');
    expect(r.findings[0]?.cause, JSON.stringify(r.findings.map((f) => f.summary))).toBe('web-pushback');
    const n = r.findings[0].numbers;
    expect(n.pushbackShareLate!).toBeGreaterThan(0.3);
    expect(n.pushbackShareEarly!).toBeLessThan(n.pushbackShareLate! / 2);
    expect(r.findings[0].summary).toMatch(/^The web pushes back: 429\/503 answers \d+% → \d+% of attempts/);
  });
});

describe('memory growth from Scrapy\'s own lines', () => {
  it("MemoryUsage's `Peak memory usage is N MiB` lines rising are named", async () => {
    // Scrapy's memusage extension logs its reading every MEMUSAGE_CHECK_INTERVAL_SECONDS (60 s by default; 5 s here).
    const lines: string[] = [`${scrapyStamp(T0)} [scrapy.core.engine] INFO: Spider opened`];
    for (let s = 0; s < 600; s++) {
      for (let i = 0; i < 3; i++) lines.push(`${scrapyStamp(T0 + s * 1000)} [scrapy.core.engine] DEBUG: Crawled (200) <GET http://site-${(s + i) % 30}.test/p/${s}-${i}> (referer: None)`);
      if (s % 5 === 0) lines.push(`${scrapyStamp(T0 + s * 1000)} [scrapy.extensions.memusage] INFO: Peak memory usage is ${Math.round(80 + s * 0.4)}MiB`);
    }
    const path = join(dir, 'scrapy-memory.log');
    await writeFile(path, lines.join('\n') + '\n');
    const r = diagnose(await gatherEvidence({ logs: [path] }));
    const f = r.findings.find((x) => x.cause === 'memory-growth');
    expect(f, JSON.stringify(r.findings.map((x) => x.summary))).toBeDefined();
    expect(f!.summary).toMatch(/^Memory growth: the crawler \(Scrapy's memusage\) went from \d+ MB to \d+ MB of memory/);
    // 80 + 0.4 s MiB: the first third of the judged window averages near 140 MiB, the last near 260.
    expect(f!.numbers.rssChange!).toBeGreaterThan(0.5);
  });
});

describe('domain concentration', () => {
  // A polite crawler (one page per second per site) on one huge site and 40 small ones that run dry one after
  // another: the rate falls with the number of sites left, each remaining site crawled no harder than before.
  function politeCrawl(): string {
    const lines: string[] = [];
    for (let s = 0; s < 360; s++) {
      const left = s < 40 ? 40 : Math.max(0, 40 - Math.floor((s - 40) / 5));
      const hosts = ['huge.test', ...Array.from({ length: left }, (_, i) => `site-${i}.test`)];
      hosts.forEach((host, i) => lines.push(`${pyStamp(T0 + s * 1000 + i * 20)} - crawl_diag.worker - DEBUG - Crawling URL 'http://${host}/p/${s}'.`));
    }
    return lines.join('\n') + '\n';
  }

  it('pages narrowing to one site under per-domain politeness are named, with the effective number of domains', async () => {
    const path = join(dir, 'worker-1-1.log');
    await writeFile(path, politeCrawl());
    const r = diagnose(await gatherEvidence({ logs: [path] }));
    expect(r.crawler.kind).toBe('crawl-diag');
    expect(r.rate?.verdict).toBe('decay');
    expect(r.findings[0]?.cause, JSON.stringify(r.findings.map((f) => f.summary))).toBe('domain-concentration');
    const n = r.findings[0].numbers;
    expect(n.effectiveDomainsEarly!).toBeGreaterThan(20);
    expect(n.effectiveDomainsLate!).toBeLessThan(3);
    // One page per second per site throughout: the crawl is capped by the sites left.
    expect(n.perDomainRateLate!).toBeLessThanOrEqual(n.perDomainRateEarly! * 1.5);
    expect(r.findings[0].summary).toMatch(/huge\.test has \d+% of the pages late/);
  });

  it('a crawl that narrows but crawls its few sites harder, at an unchanged rate, is not a finding', async () => {
    const lines: string[] = [];
    for (let s = 0; s < 360; s++) {
      const sites = s < 60 ? 40 : Math.max(1, Math.round(40 - (s - 60) / 7.5));
      for (let i = 0; i < 8; i++) lines.push(`${pyStamp(T0 + s * 1000 + i * 100)} - crawl_diag.worker - DEBUG - Crawling URL 'http://site-${(s * 8 + i) % sites}.test/p/${s}-${i}'.`);
    }
    const path = join(dir, 'worker-2-1.log');
    await writeFile(path, lines.join('\n') + '\n');
    const e = await gatherEvidence({ logs: [path] });
    const r = diagnose(e);
    expect(r.noDecay).toBe(true);
    // The narrowing itself is real (40 sites → a handful): it is the unchanged rate that clears it.
    expect(e.logs!.signals.domains!.late.effective!).toBeLessThan(e.logs!.signals.domains!.early.effective! / 3);
    expect(r.findings.map((x) => x.cause)).toEqual([]);
  });
});

describe('store-bound processes', () => {
  it('a growing share of wall time in sqlite3 calls is named by its calling line', async () => {
    const profiles = join(dir, 'profiles');
    await mkdir(profiles, { recursive: true });
    // Folded stacks at 100 Hz: early 5% of the time in the pipeline's SELECT, late 60%; the rest fetching or idle.
    const folded = (store: number, fetch: number, idle: number) =>
      [
        `<module> (crawl.py:10);process_item (pipelines.py:33);(wait) sqlite3 execute (pipelines.py:33) ${store}`,
        `<module> (crawl.py:10);parse (spider.py:20) ${fetch}`,
        `(idle) ${idle}`,
      ].join('\n') + '\n';
    await writeFile(join(profiles, 'scrapy-early.folded'), folded(50, 450, 500));
    await writeFile(join(profiles, 'scrapy-late.folded'), folded(600, 200, 200));
    const e = await gatherEvidence({ profilesDir: profiles });
    expect(e.profiles?.source).toBe('files');
    const r = diagnose(e);
    // The report lists the calling lines with their shares, and the wait lines.
    const html = renderReport({ doctor: r, profiles: e.profiles });
    expect(html).toContain('<tr><td>sqlite3 execute at pipelines.py:33</td><td>5.0%</td><td>60.0%</td></tr>');
    expect(html).toMatch(/<td>process_item \(pipelines\.py:33\)<\/td><td>sqlite3<\/td><td>5\.0%<\/td><td>60\.0%<\/td>|<td>pipelines\.py:33 \(waiting on sqlite3 execute\)<\/td><td>sqlite3<\/td><td>5\.0%<\/td><td>60\.0%<\/td>/);
    expect(r.findings[0]?.cause, JSON.stringify(r.findings.map((f) => f.summary))).toBe('store-bound');
    expect(r.findings[0].numbers.storeShareEarly).toBeCloseTo(0.05, 5);
    expect(r.findings[0].numbers.storeShareLate).toBeCloseTo(0.6, 5);
    expect(r.findings[0].summary).toContain('pipelines.py:33');
  });

  it('a steady share in the store is not a finding', async () => {
    const profiles = join(dir, 'profiles-steady');
    await mkdir(profiles, { recursive: true });
    const folded = `main (crawler.py:5);save (crawler.py:40);(wait) pymongo insert_one (crawler.py:41) 300\nmain (crawler.py:5);fetch (crawler.py:20) 700\n`;
    await writeFile(join(profiles, 'early.folded'), folded);
    await writeFile(join(profiles, 'late.folded'), folded);
    const e = await gatherEvidence({ profilesDir: profiles });
    // pymongo's wait frame is a store call: 30% of the wall time, early and late alike.
    expect(e.profiles?.kinds.map((k) => [k.kind, k.store?.early, k.store?.late])).toEqual([['crawler', 0.3, 0.3]]);
    const r = diagnose(e);
    expect(r.findings.map((f) => f.cause)).not.toContain('store-bound');
  });
});
