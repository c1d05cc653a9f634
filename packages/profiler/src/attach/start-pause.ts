// How long starting V8's CPU profiler will hold a live target's event loop, told before it happens. The first
// profile of a CpuProfiler logs the code already on the heap (V8 11, Node 20: ProfilingScope), which is four
// passes of a HeapObjectIterator over every object, on the target's main thread: source positions for every
// function (Isolate::CollectSourcePositionsForAllBytecodeArrays), compiled functions and then wasm modules
// (LogCompiledFunctions), accessors (LogAccessorCallbacks), about a quarter of the time each (perf, see
// bench/profiler/protocol-stalls.mjs --perf). None of them depends on a flag or can be skipped through the inspector.
// The cost follows the megabytes walked, four times over (the passes read memory; objects of 48 or 130 bytes cost
// the same per MB): 0.9–1.5 ms of main-thread CPU per MB of used heap on this project's machines. Only objects far
// bigger than that (long strings, big arrays) walk faster. Runtime.getHeapUsage reads V8's counters and walks
// nothing.
import { readlinkSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { readEnviron, type ProcessInfo } from '../procfs/process-info.js';
import type { CdpSession } from './cdp-session.js';

/** Main-thread milliseconds per MB of used JS heap that the start-up walk costs (the upper part of what was measured). */
export const WALK_MS_PER_HEAP_MB = 1.4;

/**
 * The longest start-up pause the command line accepts without being told (`--yes`): `crawl-diag flame --pid` and
 * doctor's live profiles refuse a target whose estimated walk is longer (a heap of small objects over ~700 MB).
 */
export const DEFAULT_MAX_PAUSE_MS = 1000;

/** Pauses shorter than this are not worth a line of progress. */
const PAUSE_WORTH_TELLING_MS = 100;

export interface StartPause {
  heapUsedMb: number;
  /** Estimated pause of the target's event loop when profiling starts, ms. */
  pauseMs: number;
}

/**
 * The line that tells a person, before the profiler starts, what the pause will be; undefined when it is too short
 * to matter. `times` is how often the caller will start a profiler in the target (doctor: at the start and the end).
 */
export function describeStartPause(e: { pid: number } & StartPause, times = 1): string | undefined {
  if (e.pauseMs < PAUSE_WORTH_TELLING_MS) return undefined;
  const when = times === 1 ? 'once' : `${times} times`;
  return `PID ${e.pid} has a ${e.heapUsedMb} MB heap: starting the profiler will hold its event loop ${when}, for up to ~${e.pauseMs} ms${times === 1 ? '' : ' each'}`;
}

export async function estimateStartPause(session: CdpSession): Promise<StartPause | undefined> {
  try {
    const { usedSize } = await session.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage', {}, 5000);
    const heapUsedMb = Math.round(usedSize / 2 ** 20);
    return { heapUsedMb, pauseMs: Math.round(heapUsedMb * WALK_MS_PER_HEAP_MB) };
  } catch {
    return undefined;
  }
}

/**
 * The recording directory of a process that runs the crawl-diag agent (loaded with --import or -r, in its
 * arguments or NODE_OPTIONS, with CRAWL_DIAG_PROFILE_DIR set), resolved against its working directory; undefined
 * for any other process. Such a process can be read from its recording with no pause at all.
 */
export function agentRecordingOf(info: ProcessInfo): string | undefined {
  const env = readEnviron(info.pid);
  const dir = env.get('CRAWL_DIAG_PROFILE_DIR');
  if (!dir) return undefined;
  const options = `${info.argv.join(' ')} ${env.get('NODE_OPTIONS') ?? ''}`;
  if (!/(@crawl-diag\/profiler\/agent|profiler\/dist\/agent\.js)\b/.test(options)) return undefined;
  if (isAbsolute(dir)) return dir;
  try {
    return resolve(readlinkSync(`/proc/${info.pid}/cwd`), dir);
  } catch {
    return dir;
  }
}
