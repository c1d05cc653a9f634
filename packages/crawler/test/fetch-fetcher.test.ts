// The fetcher against real HTTP servers on loopback (node:http), reached through --resolve rules or allowPrivate.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, type Fetcher } from '../src/fetch/fetcher.js';
import { NetworkPolicy, parseResolveRule } from '../src/net/network-policy.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const routes: Record<string, Handler> = {
  '/page': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><body>héllo</body></html>');
  },
  '/latin1': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' });
    res.end(Buffer.from([0x3c, 0x70, 0x3e, 0xe9, 0x3c, 0x2f, 0x70, 0x3e])); // <p>é</p> in Latin-1
  },
  '/image.png': (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(Buffer.alloc(100));
  },
  '/robots.txt': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('User-agent: *\nDisallow: /private/\n');
  },
  '/missing': (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<p>not found</p>');
  },
  '/big-declared': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(64 * 1024) });
    res.end('x'.repeat(64 * 1024));
  },
  '/big-chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    for (let i = 0; i < 64; i++) res.write('y'.repeat(1024));
    res.end();
  },
  '/hang-headers': () => {
    // Never answers: the headers timeout must end the fetch.
  },
  '/hang-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.write('<p>start');
  },
  '/drip': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const timer = setInterval(() => res.write('.'), 50);
    res.on('close', () => clearInterval(timer));
  },
  '/to-other-host': (_req, res) => {
    res.writeHead(302, { location: 'http://unmapped.test/page' });
    res.end();
  },
  '/to-ip-literal': (req, res) => {
    res.writeHead(301, { location: `http://127.0.0.1:${(req.socket.address() as AddressInfo).port}/page` });
    res.end();
  },
  '/to-mailto': (_req, res) => {
    res.writeHead(302, { location: 'mailto:a@b.test' });
    res.end();
  },
  '/no-location': (_req, res) => {
    res.writeHead(302);
    res.end();
  },
};

let server: Server;
let port: number;
const hits: string[] = [];
let fetcher: Fetcher;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    hits.push(`${req.headers.host}${path}`);
    const chain = /^\/chain\/(\d+)$/.exec(path);
    if (chain) {
      const n = Number(chain[1]);
      res.writeHead(n === 0 ? 200 : 302, n === 0 ? { 'content-type': 'text/html' } : { location: `/chain/${n - 1}` });
      res.end(n === 0 ? `<p>end of chain</p>` : '');
      return;
    }
    const handler = routes[path];
    if (handler) handler(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  fetcher = createFetcher({
    policy: new NetworkPolicy({ resolve: [parseResolveRule(`www.site.test=127.0.0.1:${port}`), parseResolveRule(`other.site.test=127.0.0.1:${port}`)] }),
    maxBytes: 32 * 1024,
    headersTimeoutMs: 1_000,
    bodyTimeoutMs: 1_000,
    totalTimeoutMs: 3_000,
  });
});

afterAll(async () => {
  await fetcher.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const hitsOf = (hostPath: string) => hits.filter((h) => h === hostPath).length;

describe('fetchPage', () => {
  it('fetches an HTML page through a --resolve rule, sending the real Host header and user agent', async () => {
    const out = await fetcher.fetchPage('http://www.site.test/page');
    expect(out).toMatchObject({ kind: 'page', status: 200, url: 'http://www.site.test/page', finalUrl: 'http://www.site.test/page', redirects: 0 });
    if (out.kind !== 'page') throw new Error('unreachable');
    expect(out.html).toContain('héllo');
    expect(out.contentType).toBe('text/html; charset=utf-8');
    expect(out.fetchMs).toBeGreaterThan(0);
    expect(hitsOf('www.site.test/page')).toBeGreaterThanOrEqual(1);
  });

  it('decodes the charset the server declares', async () => {
    const out = await fetcher.fetchPage('http://www.site.test/latin1');
    expect(out.kind === 'page' && out.html).toBe('<p>é</p>');
  });

  it('reports non-HTML, HTTP errors and size-cap overruns', async () => {
    expect(await fetcher.fetchPage('http://www.site.test/image.png')).toMatchObject({ kind: 'not-html', status: 200, contentType: 'image/png' });
    expect(await fetcher.fetchPage('http://www.site.test/missing')).toMatchObject({ kind: 'http-error', status: 404 });
    expect(await fetcher.fetchPage('http://www.site.test/big-declared')).toMatchObject({ kind: 'too-large', limitBytes: 32 * 1024 });
    expect(await fetcher.fetchPage('http://www.site.test/big-chunked')).toMatchObject({ kind: 'too-large', limitBytes: 32 * 1024 });
  });

  it('follows up to 5 redirects and no more', async () => {
    const five = await fetcher.fetchPage('http://www.site.test/chain/5');
    expect(five).toMatchObject({ kind: 'page', redirects: 5, finalUrl: 'http://www.site.test/chain/0' });
    const six = await fetcher.fetchPage('http://www.site.test/chain/6');
    expect(six).toMatchObject({ kind: 'too-many-redirects', redirects: 5, finalUrl: 'http://www.site.test/chain/1' });
    expect(hitsOf('www.site.test/chain/0')).toBe(1);
  });

  it('re-checks every redirect hop against the network policy', async () => {
    const before = hits.length;
    expect(await fetcher.fetchPage('http://www.site.test/to-other-host')).toMatchObject({ kind: 'blocked', finalUrl: 'http://unmapped.test/page', redirects: 1 });
    const ip = await fetcher.fetchPage('http://www.site.test/to-ip-literal');
    expect(ip).toMatchObject({ kind: 'blocked', redirects: 1 });
    expect(ip.finalUrl).toBe(`http://127.0.0.1:${port}/page`);
    expect(await fetcher.fetchPage('http://www.site.test/to-mailto')).toMatchObject({ kind: 'blocked', finalUrl: 'mailto:a@b.test' });
    expect(await fetcher.fetchPage('http://www.site.test/no-location')).toMatchObject({ kind: 'http-error', status: 302 });
    // Only the four first hops reached the server; the refused targets were never contacted.
    expect(hits.slice(before)).toEqual(['www.site.test/to-other-host', 'www.site.test/to-ip-literal', 'www.site.test/to-mailto', 'www.site.test/no-location']);
  });

  it('follows a redirect to another mapped host', async () => {
    routes['/to-mapped'] = (_req, res) => {
      res.writeHead(301, { location: 'http://other.site.test/page' });
      res.end();
    };
    const out = await fetcher.fetchPage('http://www.site.test/to-mapped');
    expect(out).toMatchObject({ kind: 'page', finalUrl: 'http://other.site.test/page', redirects: 1 });
    expect(hitsOf('other.site.test/page')).toBe(1);
  });

  it('times out on headers, on a silent body and on a slow drip', async () => {
    expect(await fetcher.fetchPage('http://www.site.test/hang-headers')).toMatchObject({ kind: 'network-error', timeout: 'headers' });
    expect(await fetcher.fetchPage('http://www.site.test/hang-body')).toMatchObject({ kind: 'network-error', timeout: 'body' });
    const drip = await fetcher.fetchPage('http://www.site.test/drip');
    expect(drip).toMatchObject({ kind: 'network-error', timeout: 'total' });
    expect(drip.fetchMs).toBeGreaterThanOrEqual(2_900);
  });

  it('refuses unmapped hosts and IP literals without contacting anything', async () => {
    const before = hits.length;
    expect(await fetcher.fetchPage('http://elsewhere.test/')).toMatchObject({ kind: 'blocked' });
    expect(await fetcher.fetchPage(`http://127.0.0.1:${port}/page`)).toMatchObject({ kind: 'blocked' });
    expect(await fetcher.fetchPage(`http://2130706433:${port}/page`)).toMatchObject({ kind: 'blocked' });
    expect(hits.length).toBe(before);
  });
});

describe('fetchText', () => {
  it('reads robots.txt as text/plain and cuts over-long bodies at the limit', async () => {
    const robots = await fetcher.fetchText('http://www.site.test/robots.txt');
    expect(robots).toMatchObject({ kind: 'text', status: 200, truncated: false, body: 'User-agent: *\nDisallow: /private/\n' });
    const cut = await fetcher.fetchText('http://www.site.test/big-chunked', { maxBytes: 1000 });
    expect(cut).toMatchObject({ kind: 'text', truncated: true, bytes: 1000 });
    expect(cut.kind === 'text' && cut.body).toBe('y'.repeat(1000));
  });
});

describe('without --resolve rules', () => {
  it('refuses loopback by default, also behind a real DNS name (localhost), and allows it with allowPrivate', async () => {
    const strict = createFetcher();
    const open = createFetcher({ policy: new NetworkPolicy({ allowPrivate: true }) });
    try {
      const before = hits.length;
      expect(await strict.fetchPage(`http://127.0.0.1:${port}/page`)).toMatchObject({ kind: 'blocked' });
      const viaDns = await strict.fetchPage(`http://localhost:${port}/page`);
      expect(viaDns).toMatchObject({ kind: 'blocked' });
      expect(viaDns.kind === 'blocked' && viaDns.reason).toContain('loopback');
      expect(hits.length).toBe(before);
      expect(await open.fetchPage(`http://127.0.0.1:${port}/page`)).toMatchObject({ kind: 'page', status: 200 });
    } finally {
      await strict.close();
      await open.close();
    }
  });

  it('reports a refused connection as a network error', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const open = createFetcher({ policy: new NetworkPolicy({ allowPrivate: true }) });
    try {
      expect(await open.fetchPage(`http://127.0.0.1:${closedPort}/`)).toMatchObject({ kind: 'network-error', code: 'ECONNREFUSED' });
    } finally {
      await open.close();
    }
  });

  it('bounds name lookup by the connect timeout', async () => {
    // Test double: a resolver that never answers, which real DNS on this loopback-only machine cannot be made to do.
    const policy = new NetworkPolicy({ lookup: () => new Promise(() => {}) });
    const slow = createFetcher({ policy, connectTimeoutMs: 300 });
    try {
      expect(await slow.fetchPage('http://never-answers.test/')).toMatchObject({ kind: 'network-error', timeout: 'connect' });
    } finally {
      await slow.close();
    }
  });
});
