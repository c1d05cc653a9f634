// The simulated web over real HTTP on loopback: deterministic graph, ground truth consistent with what is served,
// robots.txt variants, latency, counters and the CLI.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimWeb, type SimWeb } from '../src/index.js';

interface Answer {
  status: number;
  contentType: string;
  body: string;
  ms: number;
}

/** GET through the server's port with a virtual Host header, as a crawler with --resolve does. */
function get(web: SimWeb, url: string, timeoutMs = 10_000): Promise<Answer> {
  const u = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path: u.pathname + u.search, headers: { host: u.host }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
      );
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end();
  });
}

function linksOf(html: string, base: string): Array<{ url: string; nofollow: boolean }> {
  const out: Array<{ url: string; nofollow: boolean }> = [];
  for (const m of html.matchAll(/<a href="([^"]*)"( rel="nofollow")?>/g)) {
    const u = new URL(m[1].replace(/&amp;/g, '&'), base);
    u.hash = '';
    out.push({ url: u.href, nofollow: m[2] !== undefined });
  }
  return out;
}

const NO_LATENCY = { large: { fixedMs: 0, jitterMs: 0 }, small: { fixedMs: 0, jitterMs: 0 } };

describe('graph', () => {
  it('is the same for the same seed and different for another', async () => {
    const a = await startSimWeb({ seed: 7, sites: 30, latency: NO_LATENCY });
    const b = await startSimWeb({ seed: 7, sites: 30, latency: NO_LATENCY });
    const c = await startSimWeb({ seed: 8, sites: 30, latency: NO_LATENCY });
    try {
      expect(a.sites).toEqual(b.sites);
      expect([...a.expectedReachable({ respectRobots: true })]).toEqual([...b.expectedReachable({ respectRobots: true })]);
      expect(a.sites).not.toEqual(c.sites);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('has a few large sites, many small ones and real-looking .test host names', async () => {
    const web = await startSimWeb({ sites: 40, largeSites: 3, maxPagesPerSite: 120, latency: NO_LATENCY });
    try {
      expect(web.hosts[0]).toBe('www.perdu-sim.test');
      for (const h of web.hosts) expect(h).toMatch(/^[a-z0-9.-]+\.test$/);
      expect(new Set(web.hosts).size).toBe(40);
      const sizes = web.sites.map((s) => s.pages);
      expect(sizes[0]).toBe(120);
      expect(sizes[0]).toBeGreaterThan(10 * sizes[39]);
      expect(web.sites.filter((s) => s.large)).toHaveLength(3);
      expect(web.seeds).toEqual(['http://www.perdu-sim.test/']);
    } finally {
      await web.close();
    }
  });

  it('gives fewer URLs when robots.txt is respected or depth is limited', async () => {
    const web = await startSimWeb({ sites: 30, latency: NO_LATENCY });
    try {
      const all = web.expectedReachable({ respectRobots: false });
      const polite = web.expectedReachable({ respectRobots: true });
      const shallow = web.expectedReachable({ respectRobots: false, maxDepth: 1 });
      expect(polite.size).toBeLessThan(all.size);
      for (const u of polite) expect(all.has(u)).toBe(true);
      expect(shallow.has(web.seeds[0])).toBe(true);
      expect(shallow.size).toBeLessThan(all.size);
      expect(web.expectedReachable({ respectRobots: false, maxDepth: 0 })).toEqual(new Set(web.seeds));
      for (const u of polite) {
        const host = new URL(u).hostname;
        const site = web.sites.find((s) => s.host === host)!;
        expect(['server-error', 'hang']).not.toContain(site.robots);
        if (site.robots === 'disallow') expect(new URL(u).pathname.startsWith('/private/')).toBe(false);
      }
    } finally {
      await web.close();
    }
  });
});

describe('pages built on demand', () => {
  it('serves a web of millions of pages without building it first: the last page of the largest site, the same every time, and 404 for paths no page has', async () => {
    const web = await startSimWeb({ seed: 5, sites: 20, largeSites: 2, maxPagesPerSite: 1_000_000, linksPerPage: 60, latency: NO_LATENCY });
    try {
      const big = web.sites[0];
      expect(web.sites.reduce((n, s) => n + s.pages, 0)).toBeGreaterThan(3_000_000);
      const last = big.pages - 1;
      const answers = await Promise.all([`/p/${last}.html`, `/private/${last}.html`].map((p) => get(web, `http://${big.host}${p}`)));
      // The page is public or private, never both; whichever exists is an HTML page with its links.
      const found = answers.filter((a) => a.status === 200);
      expect(found).toHaveLength(1);
      expect(answers.filter((a) => a.status === 404)).toHaveLength(1);
      const page = found[0];
      expect(linksOf(page.body, `http://${big.host}/`).length).toBeGreaterThanOrEqual(60);
      const path = answers[0].status === 200 ? `/p/${last}.html` : `/private/${last}.html`;
      expect((await get(web, `http://${big.host}${path}`)).body).toBe(page.body);
      for (const missing of [`/p/${big.pages}.html`, `/p/0${last}.html`, '/p/0.html', '/p/x.html']) {
        expect((await get(web, `http://${big.host}${missing}`)).status, missing).toBe(404);
      }
    } finally {
      await web.close();
    }
  });
});

describe('served over HTTP', () => {
  let web: SimWeb;
  beforeAll(async () => {
    web = await startSimWeb({ seed: 3, sites: 12, maxPagesPerSite: 40, latency: NO_LATENCY, brokenLinkRatio: 0.3, nonHtmlRatio: 0.3, nofollowRatio: 0.3 });
  });
  afterAll(async () => {
    await web.close();
  });

  it('matches the ground truth: a breadth-first crawl of what is served stores exactly expectedReachable, each page fetched once', async () => {
    const stored = new Set<string>();
    const seen = new Set<string>(web.seeds);
    let frontier = [...web.seeds];
    let notHtml = 0;
    let broken = 0;
    let nofollowSkipped = 0;
    while (frontier.length > 0) {
      const answers = await Promise.all(frontier.map((u) => get(web, u).then((a) => [u, a] as const)));
      const next: string[] = [];
      for (const [url, a] of answers) {
        if (a.status === 404) broken++;
        if (a.status !== 200) continue;
        if (!a.contentType.startsWith('text/html')) {
          notHtml++;
          continue;
        }
        stored.add(url);
        for (const link of linksOf(a.body, url)) {
          if (link.nofollow) {
            nofollowSkipped++;
            continue;
          }
          if (!seen.has(link.url)) {
            seen.add(link.url);
            next.push(link.url);
          }
        }
      }
      frontier = next;
    }
    expect(stored).toEqual(web.expectedReachable({ respectRobots: false }));
    expect(notHtml).toBeGreaterThan(0);
    expect(broken).toBeGreaterThan(0);
    expect(nofollowSkipped).toBeGreaterThan(0);
    for (const u of stored) expect(web.hits(u), u).toBe(1);
    expect(web.totalRequests()).toBe(seen.size);
    expect(web.requestLog).toHaveLength(seen.size);
  });

  it('answers unknown hosts and query strings with 404', async () => {
    expect((await get(web, 'http://nowhere.test/')).status).toBe(404);
    expect((await get(web, `${web.seeds[0]}?x=1`)).status).toBe(404);
  });

  it('goes down for a while (connections refused), then serves on the same port again', async () => {
    const back = web.down(300);
    await new Promise((r) => setTimeout(r, 50));
    await expect(get(web, web.seeds[0]!)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await back;
    expect((await get(web, web.seeds[0]!)).status).toBe(200);
  });

  it('resets its counters', () => {
    web.resetCounters();
    expect(web.totalRequests()).toBe(0);
    expect(web.hits(web.seeds[0])).toBe(0);
    expect(web.requestLog).toHaveLength(0);
  });
});

describe('robots.txt variants and latency', () => {
  it('answers each variant as documented', async () => {
    const web = await startSimWeb({
      sites: 8,
      latency: NO_LATENCY,
      slowRobotsMs: 600,
      crawlDelaySeconds: 0.5,
      robotsOverrides: {
        'forum-4.sim.test': 'allow-all',
        'docs-5.sim.test': 'disallow',
        'photos-6.sim.test': 'crawl-delay',
        'recipes-7.sim.test': 'not-found',
        'travel-8.sim.test': 'server-error',
        'www.perdu-sim.test': 'slow',
        'www.daily-planet-sim.test': 'hang',
      },
    });
    try {
      const robots = (h: string, timeoutMs?: number) => get(web, `http://${h}/robots.txt`, timeoutMs);
      expect(await robots('forum-4.sim.test')).toMatchObject({ status: 200, body: 'User-agent: *\nDisallow:\n' });
      expect(await robots('docs-5.sim.test')).toMatchObject({ status: 200, body: 'User-agent: *\nDisallow: /private/\n' });
      expect(await robots('photos-6.sim.test')).toMatchObject({ status: 200, body: 'User-agent: *\nCrawl-delay: 0.5\nDisallow:\n' });
      expect((await robots('recipes-7.sim.test')).status).toBe(404);
      expect((await robots('travel-8.sim.test')).status).toBe(500);
      const slow = await robots('www.perdu-sim.test');
      expect(slow.status).toBe(200);
      expect(slow.ms).toBeGreaterThanOrEqual(590);
      await expect(robots('www.daily-planet-sim.test', 800)).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(web.hits('http://www.daily-planet-sim.test/robots.txt')).toBe(1);
      expect(web.hits('http://docs-5.sim.test/robots.txt')).toBe(1);
    } finally {
      await web.close();
    }
  });

  it('delays responses by the latency of the host class', async () => {
    const web = await startSimWeb({ sites: 5, largeSites: 1, latency: { large: { fixedMs: 0, jitterMs: 0 }, small: { fixedMs: 250, jitterMs: 50 } } });
    try {
      const small = await get(web, `http://${web.hosts[3]}/`);
      expect(small.status).toBe(200);
      expect(small.ms).toBeGreaterThanOrEqual(245);
    } finally {
      await web.close();
    }
  });
});

describe('cli', () => {
  it('prints the port and the --resolve hint, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [new URL('../dist/cli.js', import.meta.url).pathname, '--port', '0', '--sites', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no port printed: ${out}`)), 20_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /crawl with: --resolve '\*=127\.0\.0\.1:(\d+)'/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      expect(out).toMatch(/^port: \d+$/m);
      expect(out).toContain('seeds: http://www.perdu-sim.test/');
      const a = await get({ port } as SimWeb, 'http://www.perdu-sim.test/');
      expect(a.status).toBe(200);
      expect(a.body).toContain('<title>www.perdu-sim.test page 0</title>');
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('rejects a bad option with a one-line error and exit code 2', async () => {
    const child = spawn(process.execPath, [new URL('../dist/cli.js', import.meta.url).pathname, '--sites', 'many'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toContain("--sites must be a non-negative integer, got 'many'");
  });
});
