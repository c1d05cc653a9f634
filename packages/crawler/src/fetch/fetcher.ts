// Fetches pages with undici 7: every connection (first request, each redirect hop, robots.txt) goes through the
// network policy in the Agent's `connect`, with timeouts per phase, a size cap, a redirect limit and an HTML check.
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector } from 'undici';
import { BlockedAddressError, NetworkPolicy } from '../net/network-policy.js';
import type { FetchFailure, FetchOutcome, FetchTextOutcome } from './fetch-outcome.js';
import { parseRetryAfter } from './retry-after.js';

export const DEFAULT_USER_AGENT = 'crawl-diag/0.1 (a polite test crawler)';

export interface FetcherOptions {
  /** Which hosts and addresses may be reached, and `--resolve` rules. Default: a policy refusing private addresses. */
  policy?: NetworkPolicy;
  /** User-Agent header. Default DEFAULT_USER_AGENT (`crawl-diag/0.1 …`; robots.txt groups match `crawl-diag`). */
  userAgent?: string;
  /** Name lookup plus TCP (and TLS) connect, per connection. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** From sending the request to receiving all response headers. Default 15 000 ms. */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks. Default 15 000 ms. */
  bodyTimeoutMs?: number;
  /** Whole fetch, redirects included: a slow-drip server cannot hold a worker longer. Default 30 000 ms. */
  totalTimeoutMs?: number;
  /** Size cap of a body in bytes; fetchPage reports too-large past it, fetchText cuts there. Default 2 MiB. */
  maxBytes?: number;
  /** Redirects followed before giving up with too-many-redirects. Default 5. */
  maxRedirects?: number;
  /** Connections kept per origin. Default 4 (a polite crawler fetches one page of a domain at a time anyway). */
  connectionsPerOrigin?: number;
  /** How long an idle kept-alive connection is kept. Default 4 000 ms (undici's default). */
  keepAliveTimeoutMs?: number;
}

export interface FetchTextOptions {
  /** Overrides maxBytes for this fetch (robots.txt: RFC 9309 asks to parse at least 500 KiB). */
  maxBytes?: number;
}

export interface Fetcher {
  /** Fetches an HTML page: 2xx text/html or application/xhtml+xml, else an outcome saying what it was. */
  fetchPage(url: string): Promise<FetchOutcome>;
  /** Fetches a text resource of any content type (robots.txt); an over-long body is cut at the limit. */
  fetchText(url: string, opts?: FetchTextOptions): Promise<FetchTextOutcome>;
  /** Closes kept-alive connections. */
  close(): Promise<void>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

function mimeOf(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

function charsetOf(contentType: string): string {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType);
  return m ? m[1].toLowerCase() : 'utf-8';
}

function decode(body: Buffer, contentType: string): string {
  try {
    return new TextDecoder(charsetOf(contentType)).decode(body);
  } catch {
    // Unknown charset label: UTF-8 is the web's default and what HTML5 sniffing ends on for most pages.
    return new TextDecoder('utf-8').decode(body);
  }
}

function headerValue(h: string | string[] | undefined): string {
  if (h === undefined) return '';
  return Array.isArray(h) ? h[0] ?? '' : h;
}

const TIMEOUT_PHASES: Record<string, 'connect' | 'headers' | 'body'> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'UND_ERR_CONNECT_TIMEOUT' })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Creates a fetcher with its own connection pool. */
export function createFetcher(opts: FetcherOptions = {}): Fetcher {
  const policy = opts.policy ?? new NetworkPolicy();
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const totalTimeoutMs = opts.totalTimeoutMs ?? 30_000;
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
  const maxRedirects = opts.maxRedirects ?? 5;

  const baseConnect = buildConnector({ timeout: connectTimeoutMs });
  const connect: buildConnector.connector = (connectOpts, callback) => {
    const host = connectOpts.hostname;
    const port = Number(connectOpts.port) || (connectOpts.protocol === 'https:' ? 443 : 80);
    // Name lookup is inside the connect budget too: getaddrinfo has no timeout of its own.
    withTimeout(policy.resolveTarget(host, port), connectTimeoutMs, `resolving ${host}`).then(
      (target) => {
        const bare = host.replace(/^\[|\]$/g, '');
        baseConnect(
          {
            ...connectOpts,
            hostname: target.address,
            port: String(target.port),
            // TLS must still present the real name (SNI) when a rule or DNS swapped the address in.
            servername: connectOpts.protocol === 'https:' ? connectOpts.servername || (isIP(bare) ? undefined : bare) : undefined,
          },
          callback,
        );
      },
      (err: Error) => callback(err, null),
    );
  };
  const agent = new Agent({
    connect,
    connections: opts.connectionsPerOrigin ?? 4,
    headersTimeout: opts.headersTimeoutMs ?? 15_000,
    bodyTimeout: opts.bodyTimeoutMs ?? 15_000,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 4_000,
  });

  async function run(url: string, mode: 'html' | 'text', limit: number): Promise<FetchOutcome | FetchTextOutcome> {
    const started = performance.now();
    const signal = AbortSignal.timeout(totalTimeoutMs);
    let current = url;
    let redirects = 0;
    const base = () => ({ url, finalUrl: current, fetchMs: performance.now() - started, redirects });
    try {
      for (;;) {
        let target: URL;
        try {
          target = new URL(current);
        } catch {
          return { kind: 'blocked', ...base(), reason: `not a valid URL: ${current}` };
        }
        if (target.protocol !== 'http:' && target.protocol !== 'https:') {
          return { kind: 'blocked', ...base(), reason: `not an http(s) URL: ${current}` };
        }
        // Refuses IP literals and unmapped names before any connection is attempted (connect checks again).
        policy.checkHost(target.hostname);
        const res = await agent.request({
          origin: target.origin,
          path: target.pathname + target.search,
          method: 'GET',
          headers: {
            'user-agent': userAgent,
            accept: mode === 'html' ? 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1' : 'text/plain,*/*;q=0.5',
          },
          signal,
        });
        const status = res.statusCode;
        if (REDIRECT_STATUSES.has(status)) {
          const location = headerValue(res.headers.location);
          await res.body.dump();
          if (location === '') return { kind: 'http-error', ...base(), status };
          if (redirects >= maxRedirects) return { kind: 'too-many-redirects', ...base() };
          redirects++;
          try {
            current = new URL(location, current).href;
          } catch {
            return { kind: 'http-error', ...base(), status };
          }
          continue;
        }
        if (status < 200 || status > 299) {
          await res.body.dump();
          const retryAfterMs = parseRetryAfter(res.headers['retry-after'] === undefined ? undefined : headerValue(res.headers['retry-after']), Date.now());
          return { kind: 'http-error', ...base(), status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
        }
        const contentType = headerValue(res.headers['content-type']);
        if (mode === 'html' && !HTML_TYPES.has(mimeOf(contentType))) {
          await res.body.dump();
          return { kind: 'not-html', ...base(), status, contentType };
        }
        const declared = Number(headerValue(res.headers['content-length']));
        if (mode === 'html' && Number.isFinite(declared) && declared > limit) {
          res.body.destroy();
          return { kind: 'too-large', ...base(), status, limitBytes: limit };
        }
        const chunks: Buffer[] = [];
        let bytes = 0;
        let truncated = false;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          if (bytes + chunk.length > limit) {
            if (mode === 'html') {
              res.body.destroy();
              return { kind: 'too-large', ...base(), status, limitBytes: limit };
            }
            chunks.push(chunk.subarray(0, limit - bytes));
            bytes = limit;
            truncated = true;
            res.body.destroy();
            break;
          }
          chunks.push(chunk);
          bytes += chunk.length;
        }
        const text = decode(Buffer.concat(chunks, bytes), contentType);
        if (mode === 'html') return { kind: 'page', ...base(), status, contentType, html: text, bytes };
        return { kind: 'text', ...base(), status, contentType, body: text, bytes, truncated };
      }
    } catch (err) {
      return failureOf(err, base(), signal.aborted);
    }
  }

  return {
    fetchPage: (url) => run(url, 'html', maxBytes) as Promise<FetchOutcome>,
    fetchText: (url, textOpts) => run(url, 'text', textOpts?.maxBytes ?? maxBytes) as Promise<FetchTextOutcome>,
    close: () => agent.close(),
  };
}

function failureOf(
  err: unknown,
  base: { url: string; finalUrl: string; fetchMs: number; redirects: number },
  totalTimedOut: boolean,
): FetchFailure {
  if (err instanceof BlockedAddressError) return { kind: 'blocked', ...base, reason: err.message };
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (totalTimedOut) {
    return { kind: 'network-error', ...base, code: 'UND_ERR_ABORTED', message: 'total fetch time exceeded', timeout: 'total' };
  }
  const code = e?.code ?? e?.cause?.code ?? e?.name ?? 'UNKNOWN';
  const phase = TIMEOUT_PHASES[code];
  return {
    kind: 'network-error',
    ...base,
    code,
    message: e?.message ?? String(err),
    ...(phase ? { timeout: phase } : {}),
  };
}
