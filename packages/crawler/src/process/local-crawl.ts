// `crawl local`: a dispatcher and N supervisors (each with M workers) as real OS processes on this machine.
// Restarts a dispatcher or supervisor that dies; ends when the dispatcher says the crawl is over (frontier
// exhausted, --max-pages, --duration) or on SIGINT/SIGTERM, stopping the supervisors first so they release their
// leases through a dispatcher that is still there.
import type { LocalCrawlOptions, DispatcherOptions, SupervisorOptions } from '../options.js';
import type { DispatcherExitReason, DispatcherProgress } from '../dispatcher/dispatcher.js';
import { ManagedChild } from './managed-child.js';
import { storeTimeWindowMs } from './store-time-log.js';

export interface LocalCrawlHooks {
  onProgress?: (p: DispatcherProgress) => void;
  /** One line about the processes (started, died, restarted). */
  onEvent?: (line: string) => void;
  /** Each process started: kind, name, pid (tests use it to kill one). */
  onSpawn?: (kind: 'dispatcher' | 'supervisor', name: string, pid: number) => void;
}

export type LocalCrawlEnd = DispatcherExitReason | 'interrupted';

export interface LocalCrawlHandle {
  /** Resolves when every process has exited. */
  done: Promise<LocalCrawlEnd>;
  /** Graceful stop (what SIGINT/SIGTERM do). */
  stop(): void;
}

export class DispatcherStartError extends Error {
  readonly exitCode = 1;
  override readonly name = 'DispatcherStartError';
}

export function startLocalCrawl(opts: LocalCrawlOptions, hooks: LocalCrawlHooks = {}): LocalCrawlHandle {
  // Refused here, once, with exit code 2: in the dispatcher it would kill every restart of it.
  storeTimeWindowMs();
  let endpoint: string | undefined;
  let finishedReason: DispatcherExitReason | undefined;
  let stopRequested = false;
  const say = (line: string) => hooks.onEvent?.(line);

  const dispatcher = new ManagedChild({
    kind: 'dispatcher',
    name: 'dispatcher',
    profileDir: opts.profileDir,
    // A restarted dispatcher binds the endpoint the supervisors know, and does not add the seeds again.
    config: (): DispatcherOptions => (endpoint ? { ...opts.dispatcher, bind: endpoint, seeds: [] } : opts.dispatcher),
  });
  const supervisors = Array.from({ length: opts.supervisors }, (_, i) => {
    const name = `supervisor-${i + 1}`;
    return new ManagedChild({
      kind: 'supervisor',
      name,
      profileDir: opts.profileDir,
      config: (): SupervisorOptions & { name: string } => ({
        name,
        connect: endpoint!,
        workers: opts.workers,
        worker: opts.worker,
        stopGraceMs: opts.stopGraceMs,
        prefetch: opts.prefetch,
        profileDir: opts.profileDir,
        ...opts.heartbeat,
      }),
    });
  });

  for (const [kind, child] of [['dispatcher', dispatcher], ...supervisors.map((s) => ['supervisor', s] as const)] as const) {
    child.on('started', (pid) => {
      hooks.onSpawn?.(kind, child.opts.name, pid);
      say(`started ${child.opts.name} (pid ${pid})`);
    });
    child.on('died', (detail, ms) => say(`${child.opts.name} died (${detail}); restarting in ${ms} ms`));
  }

  const done = new Promise<LocalCrawlEnd>((resolve, reject) => {
    let bound = false;
    dispatcher.on('message', (msg) => {
      if (msg.type === 'bound' && typeof msg.endpoint === 'string') {
        endpoint = msg.endpoint;
        if (!bound) {
          bound = true;
          for (const s of supervisors) s.start();
        }
      } else if (msg.type === 'progress') {
        hooks.onProgress?.(msg.progress as DispatcherProgress);
      } else if (msg.type === 'finished') {
        finishedReason = msg.reason as DispatcherExitReason;
        dispatcher.markFinal();
        for (const s of supervisors) if (!s.child) s.markFinal();
      }
    });
    dispatcher.on('exited', async (code) => {
      if (!bound) {
        reject(new DispatcherStartError(`the dispatcher exited (code ${code}) before it was ready; see the message above`));
        return;
      }
      if (stopRequested) {
        resolve('interrupted');
      } else if (finishedReason) {
        // Supervisors were told to shut down; give them time to finish their URLs and say goodbye.
        await Promise.all(supervisors.map(async (s) => (await s.waitExit(opts.stopGraceMs + 10_000)) || s.stop(5000)));
        resolve(finishedReason);
      }
    });
    dispatcher.start();
  });

  const stop = () => {
    if (stopRequested) return;
    stopRequested = true;
    say('stopping: supervisors release their leases, then the dispatcher stops');
    void (async () => {
      await Promise.all(supervisors.map((s) => s.stop(opts.stopGraceMs + 10_000)));
      await dispatcher.stop(10_000);
    })();
  };

  return { done, stop };
}
