// How the simulated web's server behaves over time, and what it counted: a latency that changes during the run (a
// server that slows, halves its capacity once, warms up then declines), a share of answers refused with 429/503
// that changes too, an optional server-side limit on requests in progress, and per-second counters of what was
// served. The counters are the ground truth a crawler's own log is checked against: the server counts what it
// answered, independently of what the crawler says it fetched.
//
// A closed-loop crawler (a fixed number of requests in flight) fetches concurrency / latency pages per second, so a
// server that slows is modelled as latency rising, and "capacity halves" as latency doubling (or, for a crawler with
// more requests in flight than the server serves at once, as `maxConcurrent`).

/**
 * A value over time as points `[seconds since the clock started, value]`, linear between points, held before the
 * first and after the last. Two points at the same time make a jump: `[[0, 1], [60, 1], [60, 2]]` doubles at 60 s.
 */
export type Profile = ReadonlyArray<readonly [number, number]>;

export interface ServerBehaviour {
  /** Multiplies every response's latency (1 = the host class's latency). Default constant 1. */
  latencyFactor?: Profile;
  /**
   * Chance (0–1) that a page request is answered with an error status instead of the page (drawn per request from
   * a generator seeded by the web's seed); robots.txt is never refused. Default 0.
   */
  errorShare?: Profile;
  /** Statuses used for refused requests, chosen in turn (e.g. `[429, 429, 429, 503]`). Default `[429]`. */
  errorStatuses?: number[];
  /** `Retry-After` header (seconds) sent with refused requests; none when undefined. */
  retryAfterSec?: number;
  /**
   * How Retry-After is written: delay-seconds (`2`, default) or an HTTP-date that many seconds ahead
   * (`Wed, 02 Dec 2026 06:30:02 GMT`; whole seconds, so the wait it gives is up to a second shorter).
   */
  retryAfterForm?: 'seconds' | 'http-date';
  /** Requests the server works on at once; more wait in arrival order (their wait counts as latency). Default unlimited. */
  maxConcurrent?: number;
  /**
   * When the clock of the profiles starts: at the first request (default; a crawler's start-up time then shifts
   * nothing) or when the server starts listening.
   */
  clock?: 'first-request' | 'start';
}

/** The value of a profile at `t` seconds (see Profile). */
export function profileAt(profile: Profile | undefined, t: number, fallback: number): number {
  if (!profile || profile.length === 0) return fallback;
  if (t <= profile[0][0]) return profile[0][1];
  for (let i = 1; i < profile.length; i++) {
    const [t1, v1] = profile[i];
    if (t < t1) {
      const [t0, v0] = profile[i - 1];
      return t1 === t0 ? v1 : v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
    }
  }
  return profile[profile.length - 1][1];
}

export function validateBehaviour(b: ServerBehaviour): void {
  const check = (name: string, p: Profile | undefined, min: number, max: number) => {
    if (!p) return;
    let last = -Infinity;
    for (const point of p) {
      if (!Array.isArray(point) || point.length !== 2 || !point.every(Number.isFinite)) {
        throw new RangeError(`behaviour.${name} must be a list of [seconds, value] pairs, got ${JSON.stringify(point)}`);
      }
      if (point[0] < last) throw new RangeError(`behaviour.${name}: times must not go backwards (${point[0]} after ${last})`);
      if (point[1] < min || point[1] > max) throw new RangeError(`behaviour.${name}: values must be in [${min}, ${max}], got ${point[1]}`);
      last = point[0];
    }
  };
  check('latencyFactor', b.latencyFactor, 0, 1000);
  check('errorShare', b.errorShare, 0, 1);
  if (b.errorStatuses && (b.errorStatuses.length === 0 || b.errorStatuses.some((s) => !Number.isInteger(s) || s < 400 || s > 599))) {
    throw new RangeError(`behaviour.errorStatuses must be HTTP error statuses (400–599), got ${JSON.stringify(b.errorStatuses)}`);
  }
  if (b.maxConcurrent !== undefined && (!Number.isInteger(b.maxConcurrent) || b.maxConcurrent < 1)) {
    throw new RangeError(`behaviour.maxConcurrent must be a whole number ≥ 1, got ${b.maxConcurrent}`);
  }
}

/** What the server answered in one window of the timeline. */
export interface TimelineBucket {
  /** Seconds since the clock started, at the window's start. */
  t: number;
  /**
   * Seconds of the window the server saw requests through (up to its last request so far): less than the
   * window's length only in the last window, when the crawl stopped (or has not yet reached) its end.
   */
  span: number;
  /** Every request answered (any status; robots.txt included). */
  requests: number;
  /** HTML pages and other resources answered 200 (robots.txt not included). */
  pages: number;
  robots: number;
  /** Requests refused by the behaviour (errorShare), by status. */
  refused: Record<string, number>;
  /** Other non-200 answers (404s of broken links, unknown hosts, robots.txt errors). */
  otherErrors: number;
  /** Distinct hosts that were sent a page (200) in the window. */
  hosts: number;
  /** Pages per host in the window, largest first (at most 5), so a web concentrating on one site shows. */
  topHosts: Array<[string, number]>;
  /** The behaviour's latency factor and refused share at the window's middle. */
  latencyFactor: number;
  errorShare: number;
}

interface Second {
  requests: number;
  pages: number;
  robots: number;
  refused: Map<number, number>;
  otherErrors: number;
  hosts: Map<string, number>;
}

export type Answer = 'page' | 'robots' | 'refused' | 'error';

/** Per-second counters since the clock started. */
export class ServedCounter {
  private readonly seconds: Second[] = [];

  add(tSec: number, answer: Answer, status: number, host: string): void {
    const i = Math.max(0, Math.floor(tSec));
    while (this.seconds.length <= i) this.seconds.push({ requests: 0, pages: 0, robots: 0, refused: new Map(), otherErrors: 0, hosts: new Map() });
    const s = this.seconds[i];
    s.requests++;
    if (answer === 'page') {
      s.pages++;
      s.hosts.set(host, (s.hosts.get(host) ?? 0) + 1);
    } else if (answer === 'robots') s.robots++;
    else if (answer === 'refused') s.refused.set(status, (s.refused.get(status) ?? 0) + 1);
    else s.otherErrors++;
  }

  clear(): void {
    this.seconds.length = 0;
  }

  timeline(bucketSec: number, behaviour: ServerBehaviour): TimelineBucket[] {
    if (!(bucketSec > 0)) throw new RangeError(`bucket must be positive, got ${bucketSec}`);
    const out: TimelineBucket[] = [];
    const perBucket = Math.max(1, Math.round(bucketSec));
    for (let start = 0; start < this.seconds.length; start += perBucket) {
      const refused = new Map<number, number>();
      const hosts = new Map<string, number>();
      let requests = 0, pages = 0, robots = 0, otherErrors = 0;
      for (const s of this.seconds.slice(start, start + perBucket)) {
        requests += s.requests;
        pages += s.pages;
        robots += s.robots;
        otherErrors += s.otherErrors;
        for (const [k, v] of s.refused) refused.set(k, (refused.get(k) ?? 0) + v);
        for (const [k, v] of s.hosts) hosts.set(k, (hosts.get(k) ?? 0) + v);
      }
      const mid = start + perBucket / 2;
      out.push({
        t: start,
        span: Math.min(perBucket, this.seconds.length - start),
        requests,
        pages,
        robots,
        refused: Object.fromEntries([...refused].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
        otherErrors,
        hosts: hosts.size,
        topHosts: [...hosts].sort((a, b) => b[1] - a[1]).slice(0, 5),
        latencyFactor: round(profileAt(behaviour.latencyFactor, mid, 1)),
        errorShare: round(profileAt(behaviour.errorShare, mid, 0)),
      });
    }
    return out;
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** A FIFO limit on requests in progress: `run(fn)` starts `fn` when a slot is free; `fn` calls `done` when it answered. */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  run(fn: (done: () => void) => void): void {
    const start = () => {
      this.active++;
      let released = false;
      fn(() => {
        if (released) return;
        released = true;
        this.active--;
        this.waiting.shift()?.();
      });
    };
    if (this.active < this.limit) start();
    else this.waiting.push(start);
  }

  drop(): void {
    this.waiting.length = 0;
  }
}
