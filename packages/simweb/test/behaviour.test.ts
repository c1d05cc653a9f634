// The simulated web's behaviour over time, over real HTTP on loopback: latency profiles (slowing, a step), refused
// requests with 429/503 and Retry-After, a server-side concurrency limit, the absolute-form (proxy) request target
// the Scrapy crawler uses, explicit site sizes, and the per-window counters that are a real run's ground truth.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { profileAt, startSimWeb, type SimWeb } from '../src/index.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/** GET through the server's port, either with a Host header (as --resolve does) or in absolute form (as a proxy client does). */
function get(web: SimWeb, url: string, mode: 'host' | 'proxy' = 'host'): Promise<Answer> {
  const u = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const path = mode === 'proxy' ? u.href : u.pathname + u.search;
    const req = request({ host: '127.0.0.1', port: web.port, path, headers: { host: mode === 'proxy' ? `127.0.0.1:${web.port}` : u.host }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

const FIXED = (ms: number) => ({ large: { fixedMs: ms, jitterMs: 0 }, small: { fixedMs: ms, jitterMs: 0 } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let web: SimWeb | undefined;
afterEach(async () => {
  await web?.close();
  web = undefined;
});

describe('profiles', () => {
  it('interpolate linearly, jump where two points share a time, and hold before the first and after the last', () => {
    const p = [[10, 1], [20, 3], [30, 3], [30, 6]] as const;
    expect(profileAt(p, 0, 9)).toBe(1);
    expect(profileAt(p, 15, 9)).toBe(2);
    expect(profileAt(p, 25, 9)).toBe(3);
    expect(profileAt(p, 29.999, 9)).toBe(3);
    expect(profileAt(p, 30, 9)).toBe(6);
    expect(profileAt(p, 100, 9)).toBe(6);
    expect(profileAt(undefined, 5, 9)).toBe(9);
  });

  it('are checked when the server starts', async () => {
    await expect(startSimWeb({ behaviour: { latencyFactor: [[5, 1], [1, 2]] } })).rejects.toThrow(/backwards/);
    await expect(startSimWeb({ behaviour: { errorShare: [[0, 1.5]] } })).rejects.toThrow(/errorShare.*\[0, 1\]/);
    await expect(startSimWeb({ behaviour: { errorStatuses: [200] } })).rejects.toThrow(/400–599/);
    await expect(startSimWeb({ behaviour: { maxConcurrent: 0 } })).rejects.toThrow(/maxConcurrent/);
    await expect(startSimWeb({ sites: 3, sitePages: [10, 5] })).rejects.toThrow(/sitePages must list 3/);
  });
});

describe('latency over time', () => {
  // Lower bounds only, and the step compared with the time before it: a loaded machine adds to every answer's time.
  it('follows the latency factor from the first request: a step from 1× to 10× at 0.6 s', async () => {
    web = await startSimWeb({ sites: 5, seed: 3, latency: FIXED(30), behaviour: { latencyFactor: [[0, 1], [0.6, 1], [0.6, 10]] } });
    const url = web.seeds[0];
    const before = await get(web, url);
    await sleep(700);
    const after = await get(web, url);
    expect(before.status).toBe(200);
    expect(before.ms).toBeGreaterThanOrEqual(28);
    expect(after.ms).toBeGreaterThanOrEqual(298);
    expect(after.ms).toBeGreaterThan(before.ms + 150);
    expect(web.clockStartedAt()).toBeLessThanOrEqual(Date.now() - 700);
  });

  it('a server-side concurrency limit queues requests: 4 at once at 50 ms with one slot take 200 ms or more', async () => {
    web = await startSimWeb({ sites: 5, seed: 3, latency: FIXED(50), behaviour: { maxConcurrent: 1 } });
    const started = performance.now();
    const answers = await Promise.all([1, 2, 3, 4].map((i) => get(web!, `${web!.seeds[0]}p/${i}.html`)));
    const total = performance.now() - started;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(total).toBeGreaterThanOrEqual(195);
    // One after another: the last answer waited for the three before it.
    expect(Math.max(...answers.map((a) => a.ms))).toBeGreaterThanOrEqual(195);
    // Unlimited, the same four answer together: faster than one after another on the same machine.
    await web.close();
    web = await startSimWeb({ sites: 5, seed: 3, latency: FIXED(50) });
    const t2 = performance.now();
    await Promise.all([1, 2, 3, 4].map((i) => get(web!, `${web!.seeds[0]}p/${i}.html`)));
    expect(performance.now() - t2).toBeLessThan(total);
  });
});

describe('refused requests', () => {
  it('refuses page requests with the profile’s probability, statuses in turn with Retry-After, and never robots.txt', async () => {
    web = await startSimWeb({
      sites: 5,
      seed: 3,
      latency: FIXED(0),
      behaviour: { errorShare: [[0, 0.5]], errorStatuses: [429, 503], retryAfterSec: 2 },
    });
    const site = web.seeds[0];
    const answers: Answer[] = [];
    for (let i = 1; i <= 80; i++) answers.push(await get(web, `${site}p/${i}.html`));
    // Some page numbers live under /private/ on this site and answer 404: they are page requests too.
    const refused = answers.filter((a) => a.status === 429 || a.status === 503);
    // Binomial(80, 0.5): mean 40, sd 4.5; outside 20–60 is a broken draw, not chance.
    expect(refused.length).toBeGreaterThanOrEqual(20);
    expect(refused.length).toBeLessThanOrEqual(60);
    expect(refused.map((a) => a.status)).toEqual(refused.map((_a, i) => (i % 2 === 0 ? 429 : 503)));
    expect(refused.every((a) => a.headers['retry-after'] === '2')).toBe(true);
    expect(answers.filter((a) => !refused.includes(a)).every((a) => a.headers['retry-after'] === undefined)).toBe(true);
    const served = answers.filter((a) => a.status === 200).length;
    for (let i = 0; i < 6; i++) expect((await get(web, `${site}robots.txt`)).status).not.toBe(429);
    const [bucket] = web.timeline(60);
    const n429 = refused.filter((a) => a.status === 429).length;
    expect(bucket.refused).toEqual({ '429': n429, '503': refused.length - n429 });
    expect(bucket.pages).toBe(served);
    expect(bucket.robots + bucket.otherErrors).toBe(6 + 80 - refused.length - served);
    expect(bucket.errorShare).toBe(0.5);
    // The same seed refuses the same requests.
    await web.close();
    web = await startSimWeb({ sites: 5, seed: 3, latency: FIXED(0), behaviour: { errorShare: [[0, 0.5]], errorStatuses: [429, 503], retryAfterSec: 2 } });
    const again: number[] = [];
    for (let i = 1; i <= 80; i++) again.push((await get(web, `${site}p/${i}.html`)).status);
    expect(again).toEqual(answers.map((a) => a.status));
  });
});

describe('Retry-After as an HTTP-date', () => {
  let web: SimWeb | undefined;
  afterEach(async () => {
    await web?.close();
  });

  it('names the second that many seconds ahead, in IMF-fixdate', async () => {
    web = await startSimWeb({ sites: 5, seed: 3, latency: FIXED(0), behaviour: { errorShare: [[0, 1]], errorStatuses: [429], retryAfterSec: 30, retryAfterForm: 'http-date' } });
    const before = Date.now();
    const a = await get(web, `${web.seeds[0]}p/1.html`);
    expect(a.status).toBe(429);
    const header = String(a.headers['retry-after']);
    expect(header).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const at = Date.parse(header);
    expect(at).toBeGreaterThanOrEqual(Math.floor((before + 30_000) / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 30_000);
  });
});

describe('proxy requests and site sizes', () => {
  it('answers an absolute-form request target as the host it names', async () => {
    web = await startSimWeb({ sites: 5, seed: 3, latency: FIXED(0) });
    const viaHost = await get(web, `${web.seeds[0]}p/1.html`, 'host');
    const viaProxy = await get(web, `${web.seeds[0]}p/1.html`, 'proxy');
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.body).toBe(viaHost.body);
    expect(web.hits(`${web.seeds[0]}p/1.html`)).toBe(2);
    expect((await get(web, 'http://elsewhere.example/', 'proxy')).status).toBe(404);
  });

  it('gives sites the sizes asked for: one huge site and small ones', async () => {
    web = await startSimWeb({ sites: 4, seed: 3, largeSites: 1, sitePages: [5000, 7, 5, 3], latency: FIXED(0) });
    expect(web.sites.map((s) => s.pages)).toEqual([5000, 7, 5, 3]);
    const small = web.sites[3];
    expect((await get(web, `http://${small.host}/p/2.html`)).status).toBe(200);
    expect((await get(web, `http://${small.host}/p/3.html`)).status).toBe(404);
    expect((await get(web, `http://${web.sites[0].host}/p/4999.html`)).status).toBe(200);
  });
});

describe('timeline', () => {
  it('counts what was served per window from the first request: pages, hosts, the busiest hosts, the profile values', async () => {
    web = await startSimWeb({ sites: 6, seed: 3, seedSites: 6, latency: FIXED(0), behaviour: { latencyFactor: [[0, 1], [2, 3]] } });
    const [a, b] = web.sites;
    for (let i = 1; i <= 3; i++) await get(web, `http://${a.host}/p/${i}.html`);
    await get(web, `http://${b.host}/`);
    await get(web, `http://${a.host}/missing/x.html`);
    await sleep(1100);
    await get(web, `http://${b.host}/p/1.html`);
    const tl = web.timeline(1);
    expect(tl.length).toBeGreaterThanOrEqual(2);
    expect(tl[0]).toMatchObject({ t: 0, span: 1, requests: 5, pages: 4, otherErrors: 1, hosts: 2, latencyFactor: 1.5 });
    expect(tl[0].topHosts).toEqual([[a.host, 3], [b.host, 1]]);
    const last = tl[tl.length - 1];
    expect(last).toMatchObject({ pages: 1, hosts: 1 });
    expect(tl.reduce((s, x) => s + x.requests, 0)).toBe(web.totalRequests());
    web.resetCounters();
    expect(web.timeline(1)).toEqual([]);
  });
});
