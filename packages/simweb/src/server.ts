// The loopback HTTP server of the simulated web: virtual hosts chosen by the Host header, latency per host class,
// robots.txt variants, a behaviour that changes over time (see behaviour.ts), and counters of every request so tests
// can check what a crawler fetched and how often. It also accepts the absolute-form request target a client sends to
// an HTTP proxy (`GET http://host/path`), so a crawler can reach every simulated host by using it as its proxy.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConcurrencyGate, profileAt, ServedCounter, type Answer, type ServerBehaviour, type TimelineBucket } from './behaviour.js';
import { resolveOptions, type SimWebOptions } from './options.js';
import { seededRandom } from './random.js';
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
  /**
   * What the server answered per window of `bucketSec` seconds since its behaviour's clock started (the first
   * request by default), with the behaviour's latency factor and refused share: the server's own count.
   */
  timeline(bucketSec?: number): TimelineBucket[];
  /** When the behaviour's clock started (ms since the epoch), or undefined before the first request. */
  clockStartedAt(): number | undefined;
  readonly behaviour: ServerBehaviour;
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
  const behaviour = opts.behaviour;
  const served = new ServedCounter();
  const gate = behaviour.maxConcurrent ? new ConcurrencyGate(behaviour.maxConcurrent) : undefined;
  const errorStatuses = behaviour.errorStatuses ?? [429];
  const refuseRandom = seededRandom(opts.seed ^ 0x2545f491);
  let refusedCount = 0;
  let clockStart: number | undefined = behaviour.clock === 'start' ? Date.now() : undefined;
  const elapsedSec = () => (Date.now() - (clockStart ??= Date.now())) / 1000;
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, ms);
    timers.add(t);
  };

  const record = (url: string, status: number, answer: Answer, host: string) => {
    served.add(elapsedSec(), answer, status, host);
    total++;
    counts.set(url, (counts.get(url) ?? 0) + 1);
    if (requestLog.length < opts.requestLogLimit) requestLog.push({ url, status, at: Date.now() });
  };

  const send = (res: ServerResponse, status: number, contentType: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...extra });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, done: () => void) => {
    res.once('close', done);
    let host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    let target = req.url ?? '/';
    const absolute = /^http:\/\/([^/?#]*)(.*)$/i.exec(target);
    if (absolute) {
      // Sent to us as a proxy: the request target names the host.
      host = absolute[1].replace(/:\d+$/, '').toLowerCase();
      target = absolute[2] || '/';
    }
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const url = `http://${host}${target}`;
    const site = graph.byHost.get(host);
    if (!site) {
      record(url, 404, 'error', host);
      return send(res, 404, 'text/plain', `no such host in the simulated web: ${host}\n`);
    }
    const latency = site.large ? opts.latency.large : opts.latency.small;
    const t = elapsedSec();
    const delay = (latency.fixedMs + Math.random() * latency.jitterMs) * profileAt(behaviour.latencyFactor, t, 1);

    if (path === '/robots.txt') {
      const variant = site.robots;
      if (variant === 'hang') {
        record(url, 0, 'error', host);
        return; // never answers; the connection is closed when the server closes
      }
      const status = variant === 'not-found' ? 404 : variant === 'server-error' ? 500 : 200;
      record(url, status, status === 200 ? 'robots' : 'error', host);
      const wait = delay + (variant === 'slow' ? opts.slowRobotsMs : 0);
      return later(wait, () => {
        if (status === 200) send(res, 200, 'text/plain', renderRobots(variant, opts.crawlDelaySeconds));
        else send(res, status, 'text/html', `<h1>${status}</h1>`);
      });
    }
    const share = profileAt(behaviour.errorShare, t, 0);
    // Each page request is refused with the profile's probability, drawn from a generator seeded by the web's seed:
    // random like a real rate limiter's answers (a refusal evenly spread every k-th request never refused a request
    // retried right after its refusal), and the same sequence on every run.
    if (share > 0 && refuseRandom() < share) {
      const status = errorStatuses[refusedCount++ % errorStatuses.length];
      record(url, status, 'refused', host);
      const headers: Record<string, string> = behaviour.retryAfterSec === undefined ? {} : { 'retry-after': retryAfterValue(behaviour) };
      return later(delay, () => send(res, status, 'text/html', `<h1>${status}</h1>`, headers));
    }
    const resource = q < 0 ? graph.resource(site, path) : undefined;
    if (!resource) {
      record(url, 404, 'error', host);
      return later(delay, () => send(res, 404, 'text/html', '<h1>404 Not Found</h1>'));
    }
    record(url, 200, 'page', host);
    later(delay, () => {
      if (resource.type === 'binary') return send(res, 200, resource.contentType, Buffer.alloc(resource.bytes, 7));
      // Rendered on every request (microseconds): a cache of every page served grew without bound on large webs.
      const html = renderPage(resource, opts.pageBytes);
      send(res, 200, 'text/html; charset=utf-8', html);
    });
  };

  const server = createServer((req, res) => {
    if (gate) gate.run((done) => handle(req, res, done));
    else handle(req, res, () => {});
  });
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
    timeline: (bucketSec = 10) => served.timeline(bucketSec, behaviour),
    clockStartedAt: () => clockStart,
    behaviour,
    resetCounters: () => {
      served.clear();
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
      gate?.drop();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}

function retryAfterValue(b: ServerBehaviour): string {
  const sec = b.retryAfterSec ?? 0;
  return b.retryAfterForm === 'http-date' ? new Date(Date.now() + sec * 1000).toUTCString() : String(sec);
}
