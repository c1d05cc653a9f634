// The dispatcher: hands URLs from the store's frontier to supervisors as they ask for them (credits), keeps
// their leases alive while they work, and hands back what a dead or departing supervisor held.
//
// State that matters survives in the store (leases with expiry); what is kept here (credits, URLs in flight) is
// rebuilt from the supervisors' messages after a restart, so killing the dispatcher loses nothing.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CrawlStore, LeaseRequest } from '../store/store.js';
import type { DispatcherOptions } from '../options.js';
import { PeerLiveness } from '../transport/liveness.js';
import type { DispatcherSocket } from '../transport/dispatcher-socket.js';
import type { SupervisorMessage, UrlOutcome } from '../transport/protocol.js';

interface SupervisorState {
  credits: number;
  /** URLs sent to it in this run (see the `received` of a ready message). */
  sent: number;
  /** URLs sent to it and not yet reported back. */
  inflight: Set<string>;
  workers: number;
  /** From its last heartbeat: URLs it holds (a restarted dispatcher has no `inflight` for them). */
  holds: number;
}

export interface DispatcherProgress {
  /** Outcomes reported in this run. */
  done: number;
  failed: number;
  ignored: number;
  postponed: number;
  /** Transient failures sent back to the frontier for a later attempt. */
  retried: number;
  supervisors: number;
  inflight: number;
  elapsedMs: number;
}

export type DispatcherExitReason = 'frontier exhausted' | 'max pages reached' | 'duration reached' | 'stopped';

export interface DispatcherDeps {
  store: CrawlStore;
  socket: DispatcherSocket;
  log: Logger;
  opts: Pick<
    DispatcherOptions,
    'leaseMs' | 'maxPages' | 'durationMs' | 'exitWhenDone' | 'pollMs' | 'heartbeatMs' | 'livenessMs' | 'faults' | 'maxAttempts'
  >;
  onProgress?: (p: DispatcherProgress) => void;
  progressMs?: number;
  now?: () => number;
}

const SAID_GOODBYE = 'said goodbye';
/** How long the dispatcher waits for supervisors to say goodbye once the crawl is over. */
const SHUTDOWN_GRACE_MS = 20_000;
/** Exhaustion is checked with a frontier summary query, at most this often. */
const EXHAUSTION_CHECK_MS = 1000;
/** Between exhaustion checks while the last one found URLs due (only politeness held them back). */
const BUSY_EXHAUSTION_CHECK_MS = 5000;
/** How long run() waits, once the crawl is over, for store work already under way. */
const DRAIN_MS = 5000;

export class Dispatcher {
  private readonly supervisors = new Map<string, SupervisorState>();
  /** Id of this run of the dispatcher, sent with heartbeats and work (see DispatcherMessage). */
  private readonly runId = randomBytes(6).toString('hex');
  private readonly liveness: PeerLiveness;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly counts: Record<UrlOutcome, number> = { done: 0, failed: 0, ignored: 0, postponed: 0, retried: 0 };
  private pumping = false;
  /** Messages being handled now (each may be writing to the store). */
  private handling = 0;
  private pumpAgain = false;
  private leasingStopped = false;
  private lastExhaustionCheck = 0;
  private exhaustionCheckMs = EXHAUSTION_CHECK_MS;
  private storeBackoffMs = 0;
  private storeRetryAt = 0;
  private exitReason?: DispatcherExitReason;
  private finishing = false;
  private resolveExit?: (r: DispatcherExitReason) => void;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: DispatcherDeps) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.liveness = new PeerLiveness(deps.opts.livenessMs);
  }

  /** Runs until the crawl is over (or stop() is called); resolves with why. */
  async run(): Promise<DispatcherExitReason> {
    const exited = new Promise<DispatcherExitReason>((r) => (this.resolveExit = r));
    void this.receiveLoop();
    this.timers.push(setInterval(() => void this.heartbeat(), this.deps.opts.heartbeatMs));
    this.timers.push(setInterval(() => void this.tick(), this.deps.opts.pollMs));
    if (this.deps.onProgress && (this.deps.progressMs ?? 0) > 0) {
      this.timers.push(setInterval(() => this.deps.onProgress?.(this.progress()), this.deps.progressMs));
    }
    const reason = await exited;
    for (const t of this.timers) clearTimeout(t);
    // Let store work already under way (a lease, an outcome being written) finish before the caller closes the store:
    // cut off, it would fail with "called after close()" and a leased URL would wait for its lease to expire.
    const deadline = Date.now() + DRAIN_MS;
    while ((this.pumping || this.handling > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return reason;
  }

  /** Ends the run now (signal): supervisors keep their leases and carry on with a restarted dispatcher. */
  stop(): void {
    this.end('stopped');
  }

  progress(): DispatcherProgress {
    let inflight = 0;
    for (const s of this.supervisors.values()) inflight += Math.max(s.inflight.size, s.holds);
    return { ...this.counts, supervisors: this.supervisors.size, inflight, elapsedMs: this.now() - this.startedAt };
  }

  private end(reason: DispatcherExitReason): void {
    if (this.exitReason) return;
    this.exitReason = reason;
    this.deps.log.info({ reason, ...this.counts }, `Dispatcher stopping: ${reason}.`);
    this.resolveExit?.(reason);
  }

  private async receiveLoop(): Promise<void> {
    for await (const { peer, msg, error } of this.deps.socket.messages()) {
      if (error || !msg) {
        this.deps.log.warn({ peer, err: error?.message }, 'Ignored a message that does not follow the protocol.');
        continue;
      }
      // Once ended, the store is about to close: what supervisors say now is for the next dispatcher (they keep their
      // leases and resend), and handling it here would fail against a closed store.
      if (this.exitReason) continue;
      this.handling++;
      try {
        await this.handle(peer, msg);
      } catch (err) {
        this.noteStoreError(err);
      } finally {
        this.handling--;
      }
    }
  }

  private state(peer: string): SupervisorState {
    let s = this.supervisors.get(peer);
    if (!s) {
      s = { credits: 0, sent: 0, inflight: new Set(), workers: 0, holds: 0 };
      this.supervisors.set(peer, s);
      this.deps.log.info({ supervisor: peer }, `Supervisor '${peer}' connected.`);
    }
    return s;
  }

  private async handle(peer: string, msg: SupervisorMessage): Promise<void> {
    const now = this.now();
    this.liveness.heard(peer, now);
    if (msg.type === 'bye') {
      await this.dropSupervisor(peer, SAID_GOODBYE);
      return;
    }
    const s = this.state(peer);
    switch (msg.type) {
      case 'hello':
        s.workers = msg.workers;
        // Answer at once, so the supervisor knows the dispatcher is there and asks for work without waiting a beat.
        await this.deps.socket.trySend(peer, { type: 'heartbeat', dispatcher: this.runId });
        break;
      case 'ready':
        // Restated: what it still waits for, less what is on the way (never more than it asks for: after this
        // dispatcher forgot and re-registered it, `sent` restarts at 0 while its `received` does not).
        s.credits =
          msg.received === undefined ? s.credits + msg.credits : Math.max(0, msg.credits - Math.max(0, s.sent - msg.received));
        void this.pump();
        break;
      case 'heartbeat':
        s.workers = msg.workers;
        s.holds = msg.busy + msg.queued;
        // A supervisor holding nothing has nothing in flight, whatever result messages were lost on the way.
        if (s.holds === 0 && s.credits === 0) s.inflight.clear();
        break;
      case 'renew':
        if (msg.urls.length > 0) await this.deps.store.renewLeases(peer, msg.urls, now + this.deps.opts.leaseMs);
        break;
      case 'result':
        s.inflight.delete(msg.url);
        this.counts[msg.outcome] += 1;
        this.checkMaxPages();
        // Its domain is no longer busy (domainsFree dispatch): its next URL may go out once the delay has passed.
        void this.pump();
        if (msg.domainFreeAt !== undefined) this.pumpAt(msg.domainFreeAt);
        break;
      case 'release':
        for (const url of msg.urls) {
          s.inflight.delete(url);
          await this.deps.store.postponeUrl(url, peer, now + msg.delayMs);
        }
        void this.pump();
        break;
    }
  }

  /**
   * A supervisor is gone (goodbye, silence): whatever it still held goes back to the frontier. After a goodbye there
   * is nothing: the supervisor released its leases in the store, or sent them back before it (see Supervisor.stop),
   * so the store is not asked; on a Mongo store without an owner index, releaseLeases reads the whole frontier, and
   * messages wait behind it here.
   */
  private async dropSupervisor(peer: string, why: string): Promise<void> {
    this.supervisors.delete(peer);
    this.liveness.forget(peer);
    if (why === SAID_GOODBYE) {
      this.deps.log.info({ supervisor: peer }, `Supervisor '${peer}' ${why}.`);
      return;
    }
    const released = await this.deps.store.releaseLeases(peer);
    this.deps.log.info({ supervisor: peer, released }, `Supervisor '${peer}' ${why}; ${released} URL(s) released.`);
  }

  private checkMaxPages(): void {
    const max = this.deps.opts.maxPages;
    if (max === undefined || this.counts.done < max) return;
    this.leasingStopped = true;
  }

  /** Leases as many URLs as supervisors have credits for, and sends them. One pump runs at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    if (this.exitReason || this.leasingStopped || this.now() < this.storeRetryAt) return;
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        for (const [peer, s] of [...this.supervisors]) {
          let limit = s.credits;
          const max = this.deps.opts.maxPages;
          if (max !== undefined) limit = Math.min(limit, max - this.counts.done - this.progress().inflight);
          if (limit <= 0 || this.leasingStopped || this.exitReason) continue;
          const now = this.now();
          const blind = this.deps.opts.faults.includes('politeness-blind');
          const request: LeaseRequest = {
            owner: peer,
            limit,
            leaseMs: this.deps.opts.leaseMs,
            now,
            // The healthy dispatcher only hands out URLs whose domain may be fetched now, so workers rarely postpone.
            domainsFree: blind ? undefined : true,
            // The politeness-blind one pages through the frontier in its key order (a domain's URLs together), as the
            // original crawler did.
            ...(blind ? { frontierOrder: 'url' as const } : {}),
          };
          const urls = await this.deps.store.leaseUrls(request);
          const doomed = urls.filter((u) => u.attempts > this.deps.opts.maxAttempts);
          for (const u of doomed) {
            // Leased this often, it kept dying with the process that held it: fail it rather than kill workers forever.
            await this.deps.store.finishUrl(u.url, peer, 'failed', `leased ${u.attempts} times without an outcome`);
            this.counts.failed += 1;
            this.deps.log.error({ url: u.url, attempts: u.attempts }, `Could not retrieve content for URL '${u.url}'.`);
          }
          if (doomed.length > 0) urls.splice(0, urls.length, ...urls.filter((u) => u.attempts <= this.deps.opts.maxAttempts));
          if (urls.length === 0) continue;
          const sent = this.supervisors.has(peer) && (await this.deps.socket.trySend(peer, { type: 'work', dispatcher: this.runId, leaseMs: this.deps.opts.leaseMs, urls }));
          if (!sent) {
            // Unroutable (ROUTER mandatory): the supervisor vanished between asking and receiving; hand them back now.
            for (const u of urls) await this.deps.store.postponeUrl(u.url, peer, now);
            this.deps.log.warn({ supervisor: peer, urls: urls.length }, `Supervisor '${peer}' unreachable; ${urls.length} URL(s) handed back.`);
            s.credits = 0;
            continue;
          }
          s.credits -= urls.length;
          s.sent += urls.length;
          for (const u of urls) s.inflight.add(u.url);
        }
      } while (this.pumpAgain && !this.exitReason);
      this.storeBackoffMs = 0;
    } catch (err) {
      this.noteStoreError(err);
    } finally {
      this.pumping = false;
    }
  }

  /** Pumps again at `at` (a domain's politeness slot frees up then), sooner than the next poll would. */
  private pumpAt(at: number): void {
    const wait = at - this.now() + 2;
    if (wait <= 0 || wait >= this.deps.opts.pollMs) return;
    const timer = setTimeout(() => {
      this.timers = this.timers.filter((t) => t !== timer);
      void this.pump();
    }, wait);
    this.timers.push(timer);
  }

  /** Store unreachable (database restarting): back off exponentially, up to 5 s, and try again. */
  private noteStoreError(err: unknown): void {
    this.storeBackoffMs = Math.min(5000, Math.max(100, this.storeBackoffMs * 2));
    this.storeRetryAt = this.now() + this.storeBackoffMs;
    this.deps.log.warn({ err: (err as Error).message, retryInMs: this.storeBackoffMs }, 'Store operation failed; retrying with backoff.');
  }

  private async tick(): Promise<void> {
    if (this.exitReason || this.finishing) return;
    const now = this.now();
    const { durationMs } = this.deps.opts;
    if (durationMs !== undefined && now - this.startedAt >= durationMs) return this.finish('duration reached');
    if (this.leasingStopped && this.progress().inflight === 0) return this.finish('max pages reached');
    await this.pump();
    if (!this.deps.opts.exitWhenDone || this.pumping || now < this.storeRetryAt) return;
    if (now - this.lastExhaustionCheck < this.exhaustionCheckMs || this.progress().inflight > 0) return;
    this.lastExhaustionCheck = now;
    try {
      const summary = await this.deps.store.frontierSummary(now);
      // URLs due but none leased: their domains are all within their politeness delay, so the crawl is not over.
      // Look again in 5 s rather than every second: on FerretDB the summary reads the whole frontier four times (up
      // to a third of the server's CPU in a bench crawl). The price: a crawl whose last check saw such URLs ends up
      // to 4 s after its frontier is exhausted.
      this.exhaustionCheckMs = summary.ready > 0 ? BUSY_EXHAUSTION_CHECK_MS : EXHAUSTION_CHECK_MS;
      if (summary.pending === 0 && summary.leased === 0 && this.progress().inflight === 0) await this.finish('frontier exhausted');
    } catch (err) {
      this.noteStoreError(err);
    }
  }

  private async heartbeat(): Promise<void> {
    for (const peer of this.supervisors.keys()) await this.deps.socket.trySend(peer, { type: 'heartbeat', dispatcher: this.runId });
    for (const peer of this.liveness.takeDead(this.now())) {
      try {
        await this.dropSupervisor(peer, 'missed its heartbeats');
      } catch (err) {
        this.noteStoreError(err);
        this.liveness.heard(peer, this.now()); // try the release again on the next round
      }
    }
  }

  /** The crawl is over: tell every supervisor, wait (bounded) for their goodbyes, release what is left. */
  private async finish(reason: DispatcherExitReason): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    this.leasingStopped = true;
    const deadline = this.now() + SHUTDOWN_GRACE_MS;
    let lastSend = 0;
    while (this.supervisors.size > 0 && this.now() < deadline) {
      if (this.now() - lastSend >= 1000) {
        lastSend = this.now();
        for (const peer of this.supervisors.keys()) await this.deps.socket.trySend(peer, { type: 'shutdown', reason });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const peer of [...this.supervisors.keys()]) {
      try {
        await this.dropSupervisor(peer, 'did not say goodbye in time');
      } catch (err) {
        this.noteStoreError(err);
      }
    }
    this.end(reason);
  }
}
