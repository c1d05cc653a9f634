// A crawler process started by `crawl local`: forked with its options, in its own process group (so a Ctrl-C on
// the terminal reaches only `crawl local`, which then stops everything in order), and restarted with backoff when
// it dies without being asked to.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { entryPoint, type ProcessKind } from './entry-points.js';
import { spawnArgs } from './spawn-args.js';

export interface ManagedChildOptions {
  kind: ProcessKind;
  name: string;
  /** Options for the process; re-read at every (re)start, so a restart can get updated ones. */
  config: () => unknown;
  profileDir?: string;
}

export interface ManagedChildEvents {
  started: [pid: number];
  message: [msg: { type: string; [k: string]: unknown }];
  /** It died without being asked to; `restartInMs` until it is started again. */
  died: [detail: string, restartInMs: number];
  /** It exited and will not be restarted (asked to stop, or it finished). */
  exited: [code: number | null, signal: NodeJS.Signals | null];
}

const HEALTHY_RUN_MS = 30_000;
const MAX_BACKOFF_MS = 10_000;

export class ManagedChild extends EventEmitter<ManagedChildEvents> {
  child?: ChildProcess;
  /** Set once it should not be restarted: it finished, or we are stopping it. */
  private final = false;
  private crashes = 0;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;
  private exitedPromise?: Promise<void>;

  constructor(readonly opts: ManagedChildOptions) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const { execArgv, env } = spawnArgs(this.opts.kind, this.opts.config(), this.opts.profileDir);
    const child = fork(entryPoint(this.opts.kind), [`--name=${this.opts.name}`], {
      execArgv,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.startedAt = Date.now();
    this.exitedPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.child = undefined;
        resolve();
        if (this.final || code === 0) {
          this.final = true;
          this.emit('exited', code, signal);
          return;
        }
        this.crashes = Date.now() - this.startedAt >= HEALTHY_RUN_MS ? 1 : this.crashes + 1;
        const backoff = Math.min(MAX_BACKOFF_MS, 250 * 2 ** (this.crashes - 1));
        this.emit('died', signal ?? `exit code ${code}`, backoff);
        this.restartTimer = setTimeout(() => this.start(), backoff);
      });
    });
    child.on('error', () => {
      /* reported by 'exit' */
    });
    child.on('message', (m) => this.emit('message', m as { type: string }));
    if (child.pid !== undefined) this.emit('started', child.pid);
  }

  /** Asks it to stop (SIGTERM, a graceful stop); SIGKILL after `graceMs`. Resolves when it has exited. */
  async stop(graceMs: number): Promise<void> {
    this.final = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    await this.waitExit(graceMs);
    if (this.child) {
      this.child.kill('SIGKILL');
      await this.exitedPromise;
    }
  }

  /** Waits until it exits by itself, at most `ms`; true when it did. */
  async waitExit(ms: number): Promise<boolean> {
    if (!this.child) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    const exited = this.exitedPromise!.then(() => true);
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    return result;
  }

  /** It will not be restarted after its next exit (it is finishing by itself). */
  markFinal(): void {
    this.final = true;
    clearTimeout(this.restartTimer);
  }
}
