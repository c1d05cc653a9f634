// Client-side store time: a CrawlStore decorator that times every call (wall ms from the call to its settled
// promise, per method), and a window aggregator that sums those times between two reports. On a remote store
// (MongoDB, FerretDB) the slow query runs inside the server and a Node profile of the caller shows only waiting;
// the time each call takes seen from the caller still names the call that slows down. It wraps the interface, so
// it works for every store without touching one.
import { performance } from 'node:perf_hooks';
import type {
  CrawlStats,
  CrawlStore,
  DomainClaim,
  DomainSlot,
  FrontierEntry,
  FrontierSummary,
  LeasedUrl,
  LeaseRequest,
  NewUrl,
  RobotsEntry,
  StoredPage,
} from './store.js';

/** Where the decorator reports each finished call; must be cheap (it runs once per store call). */
export interface StoreCallSink {
  /** One call of `method` took `ms` (wall time); `failed` when it threw or its promise rejected. */
  record(method: string, ms: number, failed: boolean): void;
}

/** Calls of one method inside a window. */
export interface MethodTime {
  calls: number;
  /** Sum of the calls' wall times, ms. Calls that overlap each count in full. */
  totalMs: number;
  /** The slowest call, ms. */
  maxMs: number;
  /** Calls that threw (counted in calls and times too). */
  failed: number;
}

/** What one window held: its length and the calls per method that ended in it. */
export interface StoreTimeSnapshot {
  /** Start and end of the window, ms since the epoch. */
  fromMs: number;
  toMs: number;
  /** Per method name; only methods called in the window. */
  methods: Record<string, MethodTime>;
}

/**
 * Sums store calls per method between two `take`s. A call counts in the window in which it ends, with its whole
 * duration (so a window's total can exceed its length when calls overlap or one call spans windows).
 */
export class StoreTimeWindow implements StoreCallSink {
  private methods = new Map<string, MethodTime>();
  private fromMs: number;

  /** `clock`: ms since the epoch; default Date.now (tests pass their own). */
  constructor(private readonly clock: () => number = Date.now) {
    this.fromMs = clock();
  }

  record(method: string, ms: number, failed: boolean): void {
    let m = this.methods.get(method);
    if (!m) {
      m = { calls: 0, totalMs: 0, maxMs: 0, failed: 0 };
      this.methods.set(method, m);
    }
    m.calls += 1;
    m.totalMs += ms;
    if (ms > m.maxMs) m.maxMs = ms;
    if (failed) m.failed += 1;
  }

  /** Whether any call ended since the last snapshot. */
  get hasCalls(): boolean {
    return this.methods.size > 0;
  }

  /**
   * The window since the last snapshot taken, and a new window from now. Undefined (and the window goes on) when
   * there was no call: a quiet process writes nothing, and its next window covers the quiet time too, so the sum
   * of a process's windows is its wall time and shares stay right.
   */
  take(): StoreTimeSnapshot | undefined {
    if (this.methods.size === 0) return undefined;
    const toMs = this.clock();
    const snapshot: StoreTimeSnapshot = { fromMs: this.fromMs, toMs, methods: Object.fromEntries(this.methods) };
    this.methods = new Map();
    this.fromMs = toMs;
    return snapshot;
  }
}

/** Wraps a store so that every call of every CrawlStore method is timed into `sink`; behaviour is unchanged. */
export function timedStore(store: CrawlStore, sink: StoreCallSink): CrawlStore {
  return new TimedStore(store, sink);
}

/**
 * Written out method by method rather than as a Proxy: the compiler then checks that every method of the
 * interface is timed (a method added to CrawlStore fails to compile here until it is), and calls stay plain
 * property calls on a class, which V8 optimises. Arguments are passed through as given (a SqliteStore lease
 * request carries more fields than LeaseRequest).
 */
class TimedStore implements CrawlStore {
  constructor(
    private readonly inner: CrawlStore,
    private readonly sink: StoreCallSink,
  ) {}

  get location(): string {
    return this.inner.location;
  }

  private async time<T>(method: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let failed = true;
    try {
      const result = await call();
      failed = false;
      return result;
    } finally {
      this.sink.record(method, performance.now() - started, failed);
    }
  }

  init(): Promise<void> {
    return this.time('init', () => this.inner.init());
  }
  close(): Promise<void> {
    return this.time('close', () => this.inner.close());
  }
  addUrls(urls: NewUrl[], now: number): Promise<number> {
    return this.time('addUrls', () => this.inner.addUrls(urls, now));
  }
  leaseUrls(req: LeaseRequest): Promise<LeasedUrl[]> {
    return this.time('leaseUrls', () => this.inner.leaseUrls(req));
  }
  renewLeases(owner: string, urls: string[], until: number): Promise<number> {
    return this.time('renewLeases', () => this.inner.renewLeases(owner, urls, until));
  }
  postponeUrl(url: string, owner: string, notBefore: number): Promise<boolean> {
    return this.time('postponeUrl', () => this.inner.postponeUrl(url, owner, notBefore));
  }
  retryUrl(url: string, owner: string, notBefore: number, reason: string): Promise<boolean> {
    return this.time('retryUrl', () => this.inner.retryUrl(url, owner, notBefore, reason));
  }
  finishUrl(url: string, owner: string, state: 'done' | 'failed' | 'ignored', detail?: string): Promise<boolean> {
    return this.time('finishUrl', () => this.inner.finishUrl(url, owner, state, detail));
  }
  releaseLeases(owner: string, now?: number): Promise<number> {
    return this.time('releaseLeases', () => this.inner.releaseLeases(owner, now));
  }
  savePage(page: StoredPage): Promise<boolean> {
    return this.time('savePage', () => this.inner.savePage(page));
  }
  getPage(url: string): Promise<StoredPage | undefined> {
    return this.time('getPage', () => this.inner.getPage(url));
  }
  hasUrl(url: string): Promise<boolean> {
    return this.time('hasUrl', () => this.inner.hasUrl(url));
  }
  getUrl(url: string): Promise<FrontierEntry | undefined> {
    return this.time('getUrl', () => this.inner.getUrl(url));
  }
  getRobots(domain: string, now?: number): Promise<RobotsEntry | undefined> {
    return this.time('getRobots', () => this.inner.getRobots(domain, now));
  }
  putRobots(entry: RobotsEntry): Promise<void> {
    return this.time('putRobots', () => this.inner.putRobots(entry));
  }
  claimDomain(domain: string, now: number, delayMs: number, seen?: DomainSlot): Promise<DomainClaim> {
    return this.time('claimDomain', () => this.inner.claimDomain(domain, now, delayMs, seen));
  }
  frontierSummary(now: number): Promise<FrontierSummary> {
    return this.time('frontierSummary', () => this.inner.frontierSummary(now));
  }
  stats(): Promise<CrawlStats> {
    return this.time('stats', () => this.inner.stats());
  }
}
