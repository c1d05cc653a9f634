// The agent's engine: @datadog/pprof's wall-time profiler restarted every window, each window encoded to a
// gzipped pprof file named by process kind, PID and window start. It must never crash or block its host: every
// failure is caught, the first one is logged once to stderr, and profiling then stops for good.
import { mkdirSync } from 'node:fs';
import pprof from '@datadog/pprof';
import type { AgentConfig } from './config.js';
import { writeFileAtomic, writeFileAtomicSync } from './window-store.js';
import { formatWindowFileName } from '../recording/window-file-name.js';
import { WaitTracker, watchWaits } from './waits.js';
import { addWaitSamples } from './wait-samples.js';

/** What `time.stop` returns: pprof-format's Profile, as @datadog/pprof builds it. */
type PprofProfile = ReturnType<typeof pprof.time.stop>;

export interface AgentHandle {
  /** Ends profiling; with `flush`, the partial window is written first (synchronously). */
  stop(opts?: { flush?: boolean }): void;
  readonly running: boolean;
}

/** Heap sampling: one sample per 512 KiB allocated on average, stacks up to 64 frames (the library's usual values). */
const HEAP_INTERVAL_BYTES = 512 * 1024;
const HEAP_STACK_DEPTH = 64;
/** Windows waiting to be written beyond this are dropped (a stalled disk must not grow the host's memory). */
const MAX_PENDING_WINDOWS = 4;
/** A partial window this short at exit holds nothing worth a file. */
const MIN_FLUSH_MS = 20;

interface PendingWindow {
  startMs: number;
  wall: PprofProfile;
  heap?: PprofProfile;
  written: boolean;
}

export type AgentLog = (message: string) => void;

const stderrLog: AgentLog = (message) => {
  try {
    process.stderr.write(`crawl-diag agent: ${message}\n`);
  } catch {
    // stderr closed: nowhere left to say it.
  }
};

/** Starts continuous profiling; returns undefined (after logging once) when it cannot start. */
export function startContinuousProfiler(config: AgentConfig, log: AgentLog = stderrLog): AgentHandle | undefined {
  try {
    mkdirSync(config.dir, { recursive: true });
  } catch (err) {
    log(`cannot use profile directory ${config.dir} (${describeError(err)}); profiling is off for pid ${process.pid}`);
    return undefined;
  }

  const intervalMicros = Math.max(1, Math.round(1_000_000 / config.rateHz));
  try {
    pprof.time.start({ intervalMicros, durationMillis: config.windowMs });
    if (config.heap) pprof.heap.start(HEAP_INTERVAL_BYTES, HEAP_STACK_DEPTH);
  } catch (err) {
    try {
      if (pprof.time.isStarted()) pprof.time.stop(false);
    } catch {
      // Nothing was running.
    }
    log(`cannot start the profiler (${describeError(err)}); profiling is off for pid ${process.pid}`);
    return undefined;
  }

  // Where the worker waits (MongoDB, HTTP, timers), by awaiting call site; a failure here costs the waits only.
  // Awaiting stacks captured as a wall-clock sampler at the profile's rate would hit the waits (or every one).
  const waits = new WaitTracker({ periodUs: config.waitsEveryStack ? 0 : intervalMicros });
  let unwatch: (() => void) | undefined;
  try {
    if (config.waits) unwatch = watchWaits(waits);
  } catch (err) {
    log(`cannot watch waits (${describeError(err)}); the profile shows idle time as (idle)`);
  }

  let running = true;
  let windowStartMs = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const pending: PendingWindow[] = [];
  let writing = false;
  let droppedWindows = 0;

  const stopProfilers = (): void => {
    running = false;
    unwatch?.();
    unwatch = undefined;
    if (timer) clearTimeout(timer);
    timer = undefined;
    try {
      if (pprof.time.isStarted()) pprof.time.stop(false);
    } catch {
      // Already stopped by the library's own exit hook.
    }
    try {
      if (config.heap) pprof.heap.stop();
    } catch {
      // Heap profiler was not running.
    }
    process.removeListener('exit', onExit);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
  };

  const fail = (err: unknown): void => {
    if (!running) return;
    stopProfilers();
    pending.length = 0;
    log(`cannot write profiles to ${config.dir} (${describeError(err)}); profiling stopped for pid ${process.pid}, the process carries on`);
  };

  const fileNames = (w: PendingWindow): { wall: string; heap: string } => ({
    wall: formatWindowFileName({ kind: config.kind, pid: process.pid, startMs: w.startMs, profileType: 'wall' }),
    heap: formatWindowFileName({ kind: config.kind, pid: process.pid, startMs: w.startMs, profileType: 'heap' }),
  });

  const drain = async (): Promise<void> => {
    if (writing) return;
    writing = true;
    try {
      while (running && pending.length > 0) {
        const w = pending[0];
        const names = fileNames(w);
        await writeFileAtomic(config.dir, names.wall, await pprof.encode(w.wall));
        if (w.heap) await writeFileAtomic(config.dir, names.heap, await pprof.encode(w.heap));
        w.written = true;
        pending.shift();
      }
    } catch (err) {
      fail(err);
    } finally {
      writing = false;
    }
  };

  /** Ends the current window at `endMs`: the profiler restarts at once, the finished window is queued. */
  const closeWindow = (endMs: number, restart: boolean): PendingWindow => {
    const wall = pprof.time.stop(restart);
    addWaitSamples(wall, waits.takeWindow(), intervalMicros, (endMs - windowStartMs) * 1000);
    const w: PendingWindow = { startMs: windowStartMs, wall: stampWindow(wall, windowStartMs, endMs), written: false };
    if (config.heap) w.heap = stampWindow(pprof.heap.profile(), windowStartMs, endMs);
    windowStartMs = endMs;
    return w;
  };

  const rotate = (): void => {
    timer = undefined;
    if (!running) return;
    try {
      const w = closeWindow(Date.now(), true);
      if (pending.length >= MAX_PENDING_WINDOWS) {
        if (droppedWindows++ === 0) log(`profile directory ${config.dir} is slow to write; dropping windows until it catches up`);
      } else pending.push(w);
      void drain();
      schedule();
    } catch (err) {
      fail(err);
    }
  };

  const schedule = (): void => {
    // Aim at the window's nominal end, not `windowMs` from now, so the time spent rotating does not drift the grid.
    const delay = Math.max(10, windowStartMs + config.windowMs - Date.now());
    timer = setTimeout(rotate, delay);
    timer.unref();
  };

  /** Synchronous, bounded: the last partial window plus any window whose asynchronous write had not finished. */
  const flushSync = (): void => {
    if (!running) return;
    try {
      const endMs = Date.now();
      if (endMs - windowStartMs >= MIN_FLUSH_MS && pprof.time.isStarted()) pending.push(closeWindow(endMs, false));
      for (const w of pending) {
        if (w.written) continue;
        const names = fileNames(w);
        writeFileAtomicSync(config.dir, names.wall, pprof.encodeSync(w.wall));
        if (w.heap) writeFileAtomicSync(config.dir, names.heap, pprof.encodeSync(w.heap));
        w.written = true;
      }
      pending.length = 0;
      stopProfilers();
    } catch (err) {
      fail(err);
    }
  };

  function onExit(): void {
    flushSync();
  }

  /** Flushes on SIGTERM/SIGINT only when the host has no handler of its own, then lets the signal end it as before. */
  function onSignal(signal: NodeJS.Signals): void {
    if (process.listenerCount(signal) > 1) return; // The host handles it; our 'exit' hook flushes if it exits.
    flushSync();
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    process.kill(process.pid, signal);
  }

  // prependListener: @datadog/pprof's own 'exit' hook stops the profiler and would discard the last window.
  process.prependListener('exit', onExit);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  schedule();

  return {
    stop(opts = {}) {
      if (opts.flush) flushSync();
      else stopProfilers();
    },
    get running() {
      return running;
    },
  };
}

/** Puts the window's real start and length in the profile, which the library sets to the time of serialisation. */
function stampWindow(profile: PprofProfile, startMs: number, endMs: number): PprofProfile {
  profile.timeNanos = BigInt(Math.round(startMs)) * 1_000_000n;
  profile.durationNanos = BigInt(Math.max(0, Math.round(endMs - startMs))) * 1_000_000n;
  return profile;
}

function describeError(err: unknown): string {
  return (err as Error | undefined)?.message ?? String(err);
}
