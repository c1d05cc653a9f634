// Every process and server the bench starts, so all of them end with the bench: on success, on error and on
// Ctrl-C. Crawls run in their own process group (detached), so one signal reaches the dispatcher, supervisors and
// workers that `crawl-diag crawl local` spawned, and a crash of the bench cannot leave them behind unattended.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

type Cleanup = () => Promise<void> | void;

const cleanups = new Set<Cleanup>();
let handlersInstalled = false;

/** Registers something to undo at exit; returns a function that runs it now and unregisters it. */
export function onCleanup(fn: Cleanup): () => Promise<void> {
  installHandlers();
  cleanups.add(fn);
  return async () => {
    if (!cleanups.delete(fn)) return;
    await fn();
  };
}

/** Runs every registered cleanup (newest first). */
export async function cleanupAll(): Promise<void> {
  const all = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of all) {
    try {
      await fn();
    } catch {
      // Keep going: the remaining children must still be stopped.
    }
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // `on`, not `once`: a library's signal-exit style handler re-raises the signal when it sees itself as the last
  // listener, which would kill the bench before the crawls are stopped. A second signal while stopping is ignored.
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\nbench: ${signal}: stopping crawls and servers…\n`);
      void cleanupAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  // Last resort if the bench dies without the async path: kill the process groups synchronously.
  process.once('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  });
}

const liveGroups = new Set<number>();

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

export interface GroupChild {
  child: ChildProcess;
  /** Resolves with the exit code (or 128 + signal number style null → -1) once the leader exited. */
  exited: Promise<number>;
  /** SIGTERM to the whole group, then SIGKILL after `graceMs` if the leader has not exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns `command` as the leader of a new process group, registered for cleanup. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): GroupChild {
  const child = spawn(command, args, { ...options, detached: true });
  const pgid = child.pid!;
  liveGroups.add(pgid);
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => resolve(code ?? -1));
    child.once('error', () => resolve(-1));
  });
  const stop = async (graceMs = 20_000): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup(pgid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    // The leader may exit before its children: make sure the group is empty.
    signalGroup(pgid, 'SIGKILL');
    liveGroups.delete(pgid);
  };
  const unregister = onCleanup(() => stop(5_000));
  void exited.then(() => {
    // A crawl that ended by itself still gets its group swept (children that outlived their parent).
    setTimeout(() => void unregister(), 2_000).unref();
  });
  return { child, exited, stop };
}
