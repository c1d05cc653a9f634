// One supervisor process from start to end: connect the DEALER to the dispatcher, fork the workers, run until the
// dispatcher ends the crawl or a signal (or the loss of a parent `crawl local`) asks for a graceful stop.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { SupervisorOptions } from '../options.js';
import { entryPoint } from '../process/entry-points.js';
import { closeProcessLog, openProcessLog } from '../process/process-log.js';
import { spawnArgs } from '../process/spawn-args.js';
import { SupervisorSocket } from '../transport/supervisor-socket.js';
import { Supervisor } from './supervisor.js';
import { WorkerPool } from './worker-pool.js';
import type { WorkerProcessConfig } from '../worker/worker-config.js';

export function defaultSupervisorId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export interface RunSupervisorExtra {
  /**
   * Name of its log file (`<name>.log`); its workers' are `worker-<suffix>-<i>.log` where `supervisor-<suffix>` is
   * the name. Default `supervisor-<pid>`.
   */
  name?: string;
  /** Stop gracefully when this fires (parent gone). */
  onStopRequest?: (stop: () => void) => void;
  /** Lines for the operator at once (dispatcher unreachable, reached again, the crawl over in the store). */
  onNotice?: (line: string) => void;
}

export async function runSupervisor(opts: SupervisorOptions, extra: RunSupervisorExtra = {}): Promise<void> {
  const id = opts.id ?? defaultSupervisorId();
  const name = extra.name ?? `supervisor-${process.pid}`;
  const log = openProcessLog(name, 'supervisor', opts.worker, id);
  const socket = new SupervisorSocket({ id });
  socket.connect(opts.connect);
  log.info({ id, dispatcher: opts.connect, workers: opts.workers }, `Supervisor '${id}' connecting to ${opts.connect}.`);
  const pool = new WorkerPool({
    size: opts.workers,
    entry: entryPoint('worker'),
    spawnArgs: (index) => {
      const config: WorkerProcessConfig = { ...opts.worker, name: `worker-${name.replace(/^supervisor-/, '')}-${index + 1}`, owner: id };
      return spawnArgs('worker', config, opts.profileDir);
    },
  });
  const supervisor = new Supervisor({ id, socket, pool, log, opts, endpoint: opts.connect, onNotice: extra.onNotice });
  const stop = () => void supervisor.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  extra.onStopRequest?.(stop);
  try {
    await supervisor.run();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await closeProcessLog(log);
  }
}
