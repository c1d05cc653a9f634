// A supervisor: runs N worker processes, asks the dispatcher for as many URLs as it has free workers (credits),
// keeps their leases renewed, restarts crashed workers, and on a stop hands back everything it still holds.
import type { Logger } from 'pino';
import type { LeasedUrl } from '../store/store.js';
import type { HeartbeatOptions } from '../options.js';
import type { SupervisorSocket } from '../transport/supervisor-socket.js';
import type { DispatcherMessage, SupervisorMessage } from '../transport/protocol.js';
import type { WorkerPool, WorkerSlot } from './worker-pool.js';
import type { FromWorker } from '../worker/ipc.js';

export interface SupervisorDeps {
  id: string;
  socket: SupervisorSocket;
  pool: WorkerPool;
  log: Logger;
  opts: HeartbeatOptions & { stopGraceMs: number; prefetch: number };
  /** The dispatcher endpoint, for what the supervisor says when it cannot reach it. */
  endpoint?: string;
  /** Lines an operator should see at once (the CLI prints them on stderr): the dispatcher lost, found, the crawl over. */
  onNotice?: (line: string) => void;
}

/** A URL handed back after a worker crash waits this long before it is leased again. */
const CRASH_RELEASE_DELAY_MS = 1000;
/** A URL whose store write failed (database away) waits this long. */
const STORE_ERROR_RELEASE_DELAY_MS = 2000;
/** While the dispatcher cannot be reached, say so after this long, and again every UNREACHABLE_REPEAT_MS. */
const UNREACHABLE_NOTICE_MS = 3000;
const UNREACHABLE_REPEAT_MS = 10_000;
/** Consecutive store checks finding the crawl over (nothing open, something finished) before the supervisor stops. */
const OVER_CHECKS = 2;
/** The store is asked once the dispatcher has been unreachable this many liveness windows, then every few of them. */
const STORE_CHECK_AFTER_LIVENESS = 6;
const STORE_CHECK_EVERY_LIVENESS = 3;

export class Supervisor {
  private readonly queue: LeasedUrl[] = [];
  /** Credits asked for and not yet answered with URLs. */
  private outstanding = 0;
  private dispatcherAlive = false;
  /** Run id of the dispatcher last heard from. */
  private dispatcherRun?: string;
  private lastHeardFromDispatcher = 0;
  private leaseMs = 60_000;
  private lastRenew = 0;
  /** When URLs last arrived (or credits were last re-stated). */
  private lastWorkAt = 0;
  /** URLs received from the current dispatcher run. */
  private receivedFromRun = 0;
  /** URLs to hand back to the dispatcher, kept until a send succeeds. */
  private pendingRelease: { urls: string[]; delayMs: number }[] = [];
  private stopping?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private resolveStopped?: () => void;
  private releasedInStore?: (count: number) => void;
  /** Since when the dispatcher cannot be reached (start, or the loss of it); undefined while connected. */
  private unreachableSince?: number = Date.now();
  private everConnected = false;
  private lastUnreachableNotice = 0;
  private lastStoreCheck = 0;
  private overChecks = 0;
  private crawlState?: (state: { open: number; finished: number; error?: string }) => void;

  constructor(private readonly deps: SupervisorDeps) {}

  /** Starts the workers and the transport; resolves once the supervisor has stopped. */
  async run(): Promise<void> {
    const stopped = new Promise<void>((r) => (this.resolveStopped = r));
    const { pool } = this.deps;
    pool.on('ready', () => this.fillWorkers());
    pool.on('message', (slot, msg) => this.onWorkerMessage(slot, msg));
    pool.on('crashed', (slot, detail, lost) => {
      this.deps.log.warn({ worker: slot.index + 1, url: lost?.url }, `Worker ${slot.index + 1} died (${detail}).`);
      if (lost) this.release([lost.url], CRASH_RELEASE_DELAY_MS);
    });
    pool.start();
    void this.receiveLoop();
    this.timer = setInterval(() => void this.tick(), this.deps.opts.heartbeatMs);
    await this.send({ type: 'hello', workers: pool.slots.length, pid: process.pid, host: (await import('node:os')).hostname() });
    await stopped;
  }

  private async send(msg: SupervisorMessage): Promise<boolean> {
    return this.deps.socket.trySend(msg);
  }

  private async receiveLoop(): Promise<void> {
    for await (const { msg, error } of this.deps.socket.messages()) {
      if (error || !msg) {
        this.deps.log.warn({ err: error?.message }, 'Ignored a message that does not follow the protocol.');
        continue;
      }
      this.onDispatcherMessage(msg);
    }
  }

  private onDispatcherMessage(msg: DispatcherMessage): void {
    this.lastHeardFromDispatcher = Date.now();
    const run = msg.type === 'shutdown' ? this.dispatcherRun : msg.dispatcher;
    if (!this.dispatcherAlive || run !== this.dispatcherRun) {
      // Connected, or reconnected to a restarted dispatcher: credits asked of an earlier run will never be answered.
      this.dispatcherAlive = true;
      this.dispatcherRun = run;
      this.outstanding = 0;
      this.receivedFromRun = 0;
      this.deps.log.info({ dispatcher: run }, 'Connected to the dispatcher.');
      if (this.unreachableSince !== undefined && this.lastUnreachableNotice > 0) {
        this.notice('info', `Reached the dispatcher at ${this.endpoint()} after ${this.secondsSince(this.unreachableSince)} s.`);
      }
      this.unreachableSince = undefined;
      this.lastUnreachableNotice = 0;
      this.everConnected = true;
      this.overChecks = 0;
      void this.send({ type: 'hello', workers: this.deps.pool.slots.length, pid: process.pid, host: '' });
    }
    switch (msg.type) {
      case 'work':
        this.lastWorkAt = Date.now();
        this.receivedFromRun += msg.urls.length;
        this.leaseMs = msg.leaseMs;
        this.outstanding = Math.max(0, this.outstanding - msg.urls.length);
        if (this.stopping) {
          this.release(msg.urls.map((u) => u.url), 0);
          return;
        }
        this.queue.push(...msg.urls);
        this.fillWorkers();
        break;
      case 'shutdown':
        this.deps.log.info({ reason: msg.reason }, `The dispatcher ends the crawl: ${msg.reason}.`);
        void this.stop();
        break;
      case 'heartbeat':
        break;
    }
    this.requestWork();
  }

  private onWorkerMessage(slot: WorkerSlot, msg: FromWorker): void {
    switch (msg.type) {
      case 'result':
        void this.send({ type: 'result', url: msg.url, outcome: msg.outcome, domainFreeAt: msg.domainFreeAt });
        break;
      case 'error':
        this.deps.log.warn({ worker: slot.index + 1, url: msg.url, err: msg.message }, 'A worker could not use the store; URL handed back.');
        this.release([msg.url], STORE_ERROR_RELEASE_DELAY_MS);
        break;
      case 'released':
        this.releasedInStore?.(msg.count);
        break;
      case 'crawl-state':
        this.crawlState?.(msg);
        break;
      case 'ready':
        break;
    }
    this.fillWorkers();
  }

  /** Gives queued URLs to idle workers, then asks for more if workers are still free. */
  private fillWorkers(): void {
    if (this.stopping) return;
    for (const slot of this.deps.pool.idle()) {
      const next = this.queue.shift();
      if (!next) break;
      if (!this.deps.pool.crawl(slot, next)) this.queue.unshift(next);
    }
    this.requestWork();
  }

  private requestWork(): void {
    if (this.stopping || !this.dispatcherAlive) return;
    // Each live worker gets one URL to work on plus `prefetch` waiting beside it, so the round trip to the
    // dispatcher is not on the path from one fetch to the next.
    const capacity = this.deps.pool.alive().length * (1 + this.deps.opts.prefetch);
    const wanted = capacity - this.deps.pool.busyCount() - this.queue.length - this.outstanding;
    if (wanted <= 0) return;
    this.outstanding += wanted;
    void this.send({ type: 'ready', credits: wanted }).then((ok) => {
      if (!ok) this.outstanding = Math.max(0, this.outstanding - wanted);
    });
  }

  private release(urls: string[], delayMs: number): void {
    if (urls.length > 0) this.pendingRelease.push({ urls, delayMs });
    void this.flushReleases();
  }

  private async flushReleases(): Promise<boolean> {
    while (this.pendingRelease.length > 0) {
      if (!(await this.send({ type: 'release', ...this.pendingRelease[0] }))) return false;
      this.pendingRelease.shift();
    }
    return true;
  }

  private held(): string[] {
    const busy = this.deps.pool.slots.flatMap((s) => (s.busy ? [s.busy.url] : []));
    return [...busy, ...this.queue.map((u) => u.url)];
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    const { pool, opts } = this.deps;
    if (this.dispatcherAlive && now - this.lastHeardFromDispatcher > opts.livenessMs) {
      // The dispatcher is gone (killed, restarting, network): credits asked of it are void; ask again when it is back.
      this.dispatcherAlive = false;
      this.outstanding = 0;
      this.unreachableSince = this.lastHeardFromDispatcher;
      this.deps.log.warn('The dispatcher missed its heartbeats; waiting for it to come back.');
    }
    if (!this.dispatcherAlive && !this.stopping) await this.whileUnreachable(now);
    const sent = await this.send({ type: 'heartbeat', busy: pool.busyCount(), queued: this.queue.length, workers: pool.alive().length });
    if (!sent || this.stopping) return;
    await this.flushReleases();
    if (this.outstanding > 0 && now - this.lastWorkAt > opts.livenessMs) {
      // Waiting long for credits already asked for: restate them as a total, in case a request or its answer was
      // lost (a dropped connection). If the dispatcher simply has nothing due, this changes nothing there.
      this.lastWorkAt = now;
      await this.send({ type: 'ready', credits: this.outstanding, received: this.receivedFromRun });
    }
    if (now - this.lastRenew >= this.leaseMs / 3) {
      this.lastRenew = now;
      const urls = this.held();
      if (urls.length > 0) await this.send({ type: 'renew', urls });
    }
    this.requestWork();
  }

  private endpoint(): string {
    return this.deps.endpoint ?? 'its endpoint';
  }

  private secondsSince(t: number): number {
    return Math.round((Date.now() - t) / 1000);
  }

  private notice(level: 'info' | 'warn', line: string): void {
    this.deps.log[level](line);
    this.deps.onNotice?.(line);
  }

  /**
   * The dispatcher cannot be reached: say so (where, for how long), and ask the store whether the crawl is over. A
   * supervisor cut off while the crawl ended would otherwise wait forever for a dispatcher that has gone: when the
   * store has nothing pending or leased and some URLs finished, on two checks a few liveness windows apart, it stops.
   */
  private async whileUnreachable(now: number): Promise<void> {
    const since = (this.unreachableSince ??= now);
    const { livenessMs } = this.deps.opts;
    if (now - since >= Math.min(UNREACHABLE_NOTICE_MS, livenessMs) && now - this.lastUnreachableNotice >= UNREACHABLE_REPEAT_MS) {
      this.lastUnreachableNotice = now;
      const how = this.everConnected ? 'lost' : 'never reached';
      this.notice('warn', `Cannot reach the dispatcher at ${this.endpoint()} for ${this.secondsSince(since)} s (${how}); still trying.`);
    }
    // Not before a long silence, and not often: a lost dispatcher is usually back within seconds (a restart, a short
    // cut), and on a large frontier even the store's summary costs the database a scan.
    if (now - since < STORE_CHECK_AFTER_LIVENESS * livenessMs || now - this.lastStoreCheck < STORE_CHECK_EVERY_LIVENESS * livenessMs) return;
    this.lastStoreCheck = now;
    const state = await this.askCrawlState();
    if (!state || state.error !== undefined) return;
    this.overChecks = state.open === 0 && state.finished > 0 ? this.overChecks + 1 : 0;
    if (this.overChecks < OVER_CHECKS || this.dispatcherAlive) return;
    this.notice(
      'info',
      `The crawl is over in the store (nothing pending or leased, ${state.finished} URLs finished) and the dispatcher at ${this.endpoint()} has not been reached for ${this.secondsSince(since)} s: stopping.`,
    );
    void this.stop();
  }

  /** Asks one live worker what the store says of the crawl; undefined when no worker answers in time. */
  private askCrawlState(): Promise<{ open: number; finished: number; error?: string } | undefined> {
    const slot = this.deps.pool.alive()[0];
    if (!slot) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), this.deps.opts.livenessMs);
      this.crawlState = (state) => {
        clearTimeout(timer);
        this.crawlState = undefined;
        resolve(state);
      };
      if (!this.deps.pool.send(slot, { type: 'crawl-state' })) {
        clearTimeout(timer);
        resolve(undefined);
      }
    });
  }

  /**
   * Graceful stop: no new URLs; workers finish their current one (killed after the grace period); every lease
   * still held is released directly in the store through a worker (so it works with the dispatcher away too),
   * and the dispatcher is told; then goodbye.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const { pool, log, opts } = this.deps;
    log.info('Supervisor stopping: finishing current URLs and releasing leases.');
    const queued = this.queue.splice(0).map((u) => u.url);
    const deadline = Date.now() + opts.stopGraceMs;
    while (pool.busyCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const releasedInStore = await this.releaseThroughWorker();
    const stillHeld = [...queued, ...pool.slots.flatMap((s) => (s.busy ? [s.busy.url] : []))];
    await pool.stop(Math.max(1000, deadline - Date.now()));
    if (releasedInStore === undefined) this.release(stillHeld, 0);
    // Give the releases and the goodbye a few chances to reach a dispatcher that is reachable at all.
    for (let i = 0; i < 10; i++) {
      if ((await this.flushReleases()) && (await this.send({ type: 'bye' }))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    log.info({ releasedInStore }, 'Supervisor stopped.');
    clearInterval(this.timer);
    this.deps.socket.close();
    this.resolveStopped?.();
  }

  /** Asks one live worker to release this supervisor's leases in the store; undefined when none could. */
  private releaseThroughWorker(): Promise<number | undefined> {
    const slot = this.deps.pool.alive()[0];
    if (!slot) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 10_000);
      this.releasedInStore = (count) => {
        clearTimeout(timer);
        resolve(count);
      };
      if (!this.deps.pool.send(slot, { type: 'release-leases', owner: this.deps.id })) {
        clearTimeout(timer);
        resolve(undefined);
      }
    });
  }
}
