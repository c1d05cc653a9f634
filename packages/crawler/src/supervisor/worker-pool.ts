// The supervisor's worker processes: forks them, hands each one URL at a time, and restarts one that dies
// (with exponential backoff, so a worker that crashes at start does not spin the CPU).
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { LeasedUrl } from '../store/store.js';
import type { FromWorker, ToWorker } from '../worker/ipc.js';

export interface WorkerSlot {
  index: number;
  child?: ChildProcess;
  /** Store opened, waiting for or working on URLs. */
  ready: boolean;
  /** The URL it is working on. */
  busy?: LeasedUrl;
  startedAt: number;
  consecutiveCrashes: number;
  restartTimer?: NodeJS.Timeout;
}

export interface WorkerPoolOptions {
  size: number;
  entry: string;
  /** Per worker: extra node options and environment (profiler agent, configuration). */
  spawnArgs(index: number): { execArgv: string[]; env: Record<string, string> };
}

/** A worker that lived this long before dying is restarted at once; below, the backoff grows. */
const HEALTHY_RUN_MS = 30_000;
const MAX_BACKOFF_MS = 10_000;

export interface WorkerPoolEvents {
  ready: [slot: WorkerSlot];
  message: [slot: WorkerSlot, msg: FromWorker];
  /** A worker died unexpectedly; `lost` is the URL it was working on. */
  crashed: [slot: WorkerSlot, detail: string, lost?: LeasedUrl];
  exited: [slot: WorkerSlot];
}

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly slots: WorkerSlot[];
  private stopping = false;

  constructor(private readonly opts: WorkerPoolOptions) {
    super();
    this.slots = Array.from({ length: opts.size }, (_, index) => ({ index, ready: false, startedAt: 0, consecutiveCrashes: 0 }));
  }

  start(): void {
    for (const slot of this.slots) this.spawn(slot);
  }

  idle(): WorkerSlot[] {
    return this.slots.filter((s) => s.child && s.ready && !s.busy);
  }

  busyCount(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  alive(): WorkerSlot[] {
    return this.slots.filter((s) => s.child && s.ready);
  }

  send(slot: WorkerSlot, msg: ToWorker): boolean {
    if (!slot.child?.connected) return false;
    try {
      slot.child.send(msg);
      return true;
    } catch {
      return false;
    }
  }

  crawl(slot: WorkerSlot, url: LeasedUrl): boolean {
    slot.busy = url;
    if (this.send(slot, { type: 'crawl', url })) return true;
    slot.busy = undefined;
    return false;
  }

  private spawn(slot: WorkerSlot): void {
    if (this.stopping) return;
    const { execArgv, env } = this.opts.spawnArgs(slot.index);
    const child = fork(this.opts.entry, [`--worker=${slot.index}`], {
      execArgv,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.child = child;
    slot.ready = false;
    slot.startedAt = Date.now();
    child.on('message', (raw) => {
      const msg = raw as FromWorker;
      if (msg.type === 'ready') {
        slot.ready = true;
        this.emit('ready', slot);
        return;
      }
      if (msg.type === 'result' || msg.type === 'error') slot.busy = undefined;
      this.emit('message', slot, msg);
    });
    child.on('error', () => {
      /* reported through 'exit' */
    });
    child.on('exit', (code, signal) => {
      const lost = slot.busy;
      slot.child = undefined;
      slot.ready = false;
      slot.busy = undefined;
      if (this.stopping && code === 0) {
        this.emit('exited', slot);
        return;
      }
      if (this.stopping) {
        this.emit('crashed', slot, `exited during stop (${signal ?? `code ${code}`})`, lost);
        this.emit('exited', slot);
        return;
      }
      const ranMs = Date.now() - slot.startedAt;
      slot.consecutiveCrashes = ranMs >= HEALTHY_RUN_MS ? 1 : slot.consecutiveCrashes + 1;
      const backoff = Math.min(MAX_BACKOFF_MS, 100 * 2 ** (slot.consecutiveCrashes - 1));
      this.emit('crashed', slot, `${signal ?? `code ${code}`}; restarting in ${backoff} ms`, lost);
      slot.restartTimer = setTimeout(() => this.spawn(slot), backoff);
    });
  }

  /** Asks every worker to exit after its current URL; kills those still running after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const slot of this.slots) {
      clearTimeout(slot.restartTimer);
      if (slot.child) this.send(slot, { type: 'stop' });
    }
    const deadline = Date.now() + graceMs;
    while (this.slots.some((s) => s.child) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const slot of this.slots) slot.child?.kill('SIGKILL');
    while (this.slots.some((s) => s.child)) await new Promise((r) => setTimeout(r, 20));
  }
}
