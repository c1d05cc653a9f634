// The loopback HTTP server of the simulated web: virtual hosts chosen by the Host header, latency per host class,
// robots.txt variants, and counters of every request so tests can check what a crawler fetched and how often.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveOptions, type SimWebOptions } from './options.js';
import { reachableUrls, type ReachabilityOptions } from './reachability.js';
import { renderPage, renderRobots } from './render.js';
import { buildGraph, type SimGraph, type SimSite } from './site-graph.js';

export interface SimRequest {
  /** `http://host/path?query` as requested (host from the Host header, lower case, port dropped). */
  url: string;
  status: number;
  /** ms since the epoch when the request arrived. */
  at: number;
}

export interface SimSiteInfo {
  host: string;
  large: boolean;
  robots: SimSite['robots'];
  /** HTML pages reachable by links within the site (hidden nofollow-only pages not counted). */
  pages: number;
}

export interface SimWeb {
  port: number;
  /** The address it listens on. */
  address: string;
  hosts: string[];
  sites: SimSiteInfo[];
  seeds: string[];
  /** The `--resolve` rule that sends every host name here: `*=127.0.0.1:PORT`. */
  resolveRule: string;
  /** The URLs a correct crawler stores (see ReachabilityOptions). */
  expectedReachable(opts: ReachabilityOptions): Set<string>;
  /** Requests for one URL (`http://host/path`, query included when there was one) since start or reset. */
  hits(url: string): number;
  /** Every URL requested with its count. */
  hitCounts(): ReadonlyMap<string, number>;
  /** Requests in arrival order, up to requestLogLimit. */
  readonly requestLog: readonly SimRequest[];
  totalRequests(): number;
  resetCounters(): void;
  /**
   * Stops listening for `ms` (open connections are dropped, new ones refused, as while a site restarts), then
   * listens on the same address and port again; resolves once it is back.
   */
  down(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the simulated web; resolves once it listens. */
export async function startSimWeb(options: SimWebOptions = {}): Promise<SimWeb> {
  const opts = resolveOptions(options);
  const graph: SimGraph = buildGraph(opts);
  const counts = new Map<string, number>();
  const requestLog: SimRequest[] = [];
  let total = 0;
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, ms);
    timers.add(t);
  };

  const record = (url: string, status: number) => {
    total++;
    counts.set(url, (counts.get(url) ?? 0) + 1);
    if (requestLog.length < opts.requestLogLimit) requestLog.push({ url, status, at: Date.now() });
  };

  const send = (res: ServerResponse, status: number, contentType: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const url = `http://${host}${target}`;
    const site = graph.byHost.get(host);
    if (!site) {
      record(url, 404);
      return send(res, 404, 'text/plain', `no such host in the simulated web: ${host}\n`);
    }
    const latency = site.large ? opts.latency.large : opts.latency.small;
    const delay = latency.fixedMs + Math.random() * latency.jitterMs;

    if (path === '/robots.txt') {
      const variant = site.robots;
      if (variant === 'hang') {
        record(url, 0);
        return; // never answers; the connection is closed when the server closes
      }
      const status = variant === 'not-found' ? 404 : variant === 'server-error' ? 500 : 200;
      record(url, status);
      const wait = delay + (variant === 'slow' ? opts.slowRobotsMs : 0);
      return later(wait, () => {
        if (status === 200) send(res, 200, 'text/plain', renderRobots(variant, opts.crawlDelaySeconds));
        else send(res, status, 'text/html', `<h1>${status}</h1>`);
      });
    }
    const resource = q < 0 ? graph.resource(site, path) : undefined;
    if (!resource) {
      record(url, 404);
      return later(delay, () => send(res, 404, 'text/html', '<h1>404 Not Found</h1>'));
    }
    record(url, 200);
    later(delay, () => {
      if (resource.type === 'binary') return send(res, 200, resource.contentType, Buffer.alloc(resource.bytes, 7));
      // Rendered on every request (microseconds): a cache of every page served grew without bound on large webs.
      const html = renderPage(resource, opts.pageBytes);
      send(res, 200, 'text/html; charset=utf-8', html);
    });
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 5_000;
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(opts.port);
  const address = server.address() as AddressInfo;

  return {
    port: address.port,
    address: address.address,
    hosts: graph.sites.map((s) => s.host),
    sites: graph.sites.map((s) => ({ host: s.host, large: s.large, robots: s.robots, pages: s.pages })),
    seeds: [...graph.seeds],
    resolveRule: `*=${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    expectedReachable: (ro) => reachableUrls(graph, ro),
    hits: (u) => counts.get(u) ?? 0,
    hitCounts: () => counts,
    requestLog,
    totalRequests: () => total,
    resetCounters: () => {
      counts.clear();
      requestLog.length = 0;
      total = 0;
    },
    down: async (ms) => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
      await new Promise((r) => setTimeout(r, ms));
      if (!closed) await listen(address.port);
    },
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}
