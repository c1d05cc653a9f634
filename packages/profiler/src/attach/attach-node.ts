// `attachNode(pid)`: samples a live Node process through its inspector without restarting it, then leaves it
// as it was (inspector closed again if we opened it). Worker threads are sampled too, each under its own root.
import { setTimeout as sleep } from 'node:timers/promises';
import { ProfilerError } from '../errors.js';
import type { Profile } from '../model.js';
import { processExists, processInfo, processLabel, type ProcessInfo } from '../procfs/process-info.js';
import { CdpConnection } from './cdp-session.js';
import { closeInspector, openInspector, type InspectorEndpoint } from './open-inspector.js';
import { sampleConnection } from './sample-connection.js';
import { agentRecordingOf, estimateStartPause, WALK_MS_PER_HEAP_MB, type StartPause } from './start-pause.js';

export interface SamplingOptions {
  /** Sampling rate in Hz. Default 100 (as py-spy and Pyflame). */
  rateHz?: number;
  /** How long to sample, in ms. Default 10_000. */
  durationMs?: number;
  /** Aborting ends sampling early (Ctrl-C); what was collected is still returned. */
  signal?: AbortSignal;
}

export interface AttachNodeOptions extends SamplingOptions {
  /**
   * Profiles are fetched and restarted every `chunkMs` so that a target dying mid-run loses only the last
   * chunk. A rotation costs the target ~1 ms: the heap walk of a profiler start happens once per attach (see
   * target-sampler.ts and bench/profiler/protocol-stalls.mjs). Default 2000 ms.
   */
  chunkMs?: number;
  /** Also sample worker threads (NodeWorker domain). Default true. */
  workerThreads?: boolean;
  /** How long to wait for the inspector to open after SIGUSR1. Default 5000 ms. */
  inspectorTimeoutMs?: number;
  /**
   * Refuse (ProfilerError 'pause-too-long', the inspector closed again, nothing profiled) when starting the
   * profiler is estimated to hold the target's event loop longer than this, in ms. Default: no limit.
   */
  maxPauseMs?: number;
  /** Told the target's heap size and the pause starting the profiler will cost it, before it starts. */
  onPauseEstimate?: (e: { pid: number } & StartPause) => void;
  /** Called once the first Profiler.start has been acknowledged. */
  onSamplingStarted?: (e: { pid: number; endpoint: InspectorEndpoint }) => void;
}

export const DEFAULT_RATE_HZ = 100;
export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_CHUNK_MS = 2000;

export function samplingIntervalUs(rateHz = DEFAULT_RATE_HZ): number {
  return Math.max(50, Math.round(1e6 / rateHz));
}

/** How to profile a process without the start-up walk: its own agent's recording, or the agent from its start. */
function avoidPause(info: ProcessInfo): string {
  const dir = agentRecordingOf(info);
  if (dir) {
    const since = new Date(Date.now() - 60_000);
    const hhmm = `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
    return `PID ${info.pid} runs the crawl-diag agent, so read its recording instead, which costs it nothing: crawl-diag flame ${dir}@${hhmm}.. (from a minute ago on)`;
  }
  return 'restart the process with the agent (CRAWL_DIAG_PROFILE_DIR=DIR node --import @crawl-diag/profiler/agent …), which profiles it from its start and never walks a big heap, then read any range of its recording with no pause at all (crawl-diag flame DIR@5m..10m)';
}

export async function attachNode(pid: number, opts: AttachNodeOptions = {}): Promise<Profile> {
  return attachNodeProcess(processInfo(pid), opts);
}

export async function attachNodeProcess(info: ProcessInfo, opts: AttachNodeOptions = {}): Promise<Profile> {
  const pid = info.pid;
  const chunkMs = Math.max(200, opts.chunkMs ?? DEFAULT_CHUNK_MS);
  const intervalUs = samplingIntervalUs(opts.rateHz);

  const endpoint = await openInspector(info, { timeoutMs: opts.inspectorTimeoutMs });
  let conn: CdpConnection;
  try {
    conn = await CdpConnection.connect(endpoint.webSocketUrl);
  } catch (err) {
    throw new ProfilerError(
      'inspector-unavailable',
      `could not connect to PID ${pid}'s inspector on ${endpoint.host}:${endpoint.port} (${(err as Error).message}); is another debugger attached?`,
    );
  }

  const pause = await estimateStartPause(conn.main);
  if (pause) {
    opts.onPauseEstimate?.({ pid, ...pause });
    if (opts.maxPauseMs !== undefined && pause.pauseMs > opts.maxPauseMs) {
      if (endpoint.openedByUs) await closeInspector(conn, pid, endpoint.inode);
      else conn.close();
      throw new ProfilerError(
        'pause-too-long',
        `PID ${pid} has a ${pause.heapUsedMb} MB JavaScript heap: starting V8's profiler walks all of it (through the inspector there is no way around that), holding the process's event loop ` +
          `for up to ~${(pause.pauseMs / 1000).toFixed(1)} s (~${WALK_MS_PER_HEAP_MB} ms per MB of heap), more than the ${(opts.maxPauseMs / 1000).toFixed(1)} s allowed; ` +
          `nothing was profiled${endpoint.openedByUs ? ' and its inspector was closed again' : ''}. Add --yes to accept the pause, or avoid it: ${avoidPause(info)}`,
      );
    }
  }

  let sampled;
  try {
    sampled = await sampleConnection(
      conn,
      { intervalUs, durationMs: opts.durationMs ?? DEFAULT_DURATION_MS, chunkMs, signal: opts.signal, workerThreads: opts.workerThreads ?? true, who: `PID ${pid}` },
      () => opts.onSamplingStarted?.({ pid, endpoint }),
    );
  } catch (err) {
    if (endpoint.openedByUs) await closeInspector(conn, pid, endpoint.inode);
    else conn.terminate();
    throw new ProfilerError('inspector-unavailable', `PID ${pid}'s inspector refused to profile: ${(err as Error).message}`);
  }
  const { builder, startTimeMs, endTimeMs, targetGone } = sampled;
  const warnings = builder.warnings;

  if (targetGone) {
    conn.terminate();
    // The socket closes a moment before the process is gone: give it that moment before saying which it was.
    for (let i = 0; i < 25 && processExists(pid); i++) await sleep(20);
    warnings.push(
      `PID ${pid} ${processExists(pid) ? 'closed its inspector' : 'exited'} after ${((endTimeMs - startTimeMs) / 1000).toFixed(1)} s; ` +
        `kept the samples collected until then, the last chunk (up to ${chunkMs / 1000} s) was lost with the inspector`,
    );
  } else if (endpoint.openedByUs) {
    const closed = await closeInspector(conn, pid, endpoint.inode);
    if (!closed) {
      warnings.push(`PID ${pid}'s inspector is still listening on ${endpoint.host}:${endpoint.port}; it closes when the process restarts or calls require('node:inspector').close()`);
    }
  } else {
    conn.close();
  }
  if (builder.samples.length === 0) warnings.push(`no samples were collected from PID ${pid}`);

  return builder.build({
    startTimeMs,
    durationMs: endTimeMs - startTimeMs,
    intervalUs,
    collector: 'inspector',
    processes: [{ pid, runtime: 'node', command: info.argv.join(' '), label: processLabel(info) }],
  });
}
