// Samples everything behind one inspector connection (the main thread and, through the NodeWorker domain,
// each worker thread) in chunks until a deadline, an abort, a stop condition, or the target going away.
// Shared by attach (live PID) and launch (a command from its start).
import { setTimeout as sleep } from 'node:timers/promises';
import { ProfileBuilder } from '../profile-builder.js';
import { addCpuProfile } from '../v8-cpuprofile.js';
import type { CdpConnection, CdpSession } from './cdp-session.js';
import { TargetSampler } from './target-sampler.js';

export interface SampleConnectionOptions {
  intervalUs: number;
  /** Sampling ends this long after it starts; Infinity to run until `until` settles. */
  durationMs: number;
  chunkMs: number;
  signal?: AbortSignal;
  workerThreads: boolean;
  /** Settles when sampling should end although the target is still there (launch mode: the command exited). */
  until?: Promise<unknown>;
  /** Runs right after the main thread's profiler started (launch mode: let the paused command run). */
  afterStart?: () => Promise<unknown>;
  /** Name used in warnings, e.g. `PID 4242`. */
  who: string;
}

export interface SampledConnection {
  builder: ProfileBuilder;
  startTimeMs: number;
  endTimeMs: number;
  /** The connection closed under us (target exited or its inspector went away). */
  targetGone: boolean;
}

interface ThreadRun {
  label: string;
  sampler: TargetSampler;
  exited: boolean;
}

/** Waits `ms`, or less if aborted or one of `stops` settles. */
function waitFor(ms: number, signal: AbortSignal | undefined, stops: Promise<unknown>[]): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return Promise.race([sleep(ms, undefined, { signal: ac.signal }).catch(() => undefined), ...stops.map((s) => s.then(() => undefined, () => undefined))]).finally(() => {
    ac.abort();
    signal?.removeEventListener('abort', onAbort);
  });
}

/** Starts sampling; throws if the main thread's profiler cannot start. */
export async function sampleConnection(conn: CdpConnection, opts: SampleConnectionOptions, onStarted?: () => void): Promise<SampledConnection> {
  const builder = new ProfileBuilder();
  const warnings = builder.warnings;
  const main: ThreadRun = { label: 'main thread', sampler: new TargetSampler(conn.main, opts.intervalUs), exited: false };
  const threads: ThreadRun[] = [main];
  let untilSettled = false;
  const until = opts.until?.finally(() => (untilSettled = true));

  await main.sampler.start();
  const startTimeMs = Date.now();
  onStarted?.();

  if (opts.workerThreads) {
    conn.main.on('NodeWorker.attachedToWorker', (p) => {
      const sessionId = String(p.sessionId);
      const info = (p.workerInfo ?? {}) as { workerId?: string; url?: string };
      const session: CdpSession = conn.workerSession(sessionId);
      const run: ThreadRun = {
        label: `worker ${info.workerId ?? sessionId}${info.url ? ` ${info.url.replace(/^file:\/\//, '')}` : ''}`,
        sampler: new TargetSampler(session, opts.intervalUs),
        exited: false,
      };
      session.on('$closed', () => (run.exited = true));
      threads.push(run);
      run.sampler.start().catch((err: Error) => {
        if (!run.exited) warnings.push(`${run.label} of ${opts.who} could not be sampled: ${err.message}`);
      });
    });
    await conn.main.send('NodeWorker.enable', { waitForDebuggerOnStart: false }).catch((err: Error) => {
      warnings.push(`worker threads of ${opts.who} not sampled: ${err.message}`);
    });
  }
  await opts.afterStart?.();

  const deadline = startTimeMs + opts.durationMs;
  const stops: Promise<unknown>[] = [conn.closed, ...(until ? [until] : [])];
  const over = () => Date.now() >= deadline || !!opts.signal?.aborted || conn.main.isClosed || untilSettled;
  while (!over()) {
    await waitFor(Math.min(opts.chunkMs, deadline - Date.now()), opts.signal, stops);
    if (over()) break;
    await Promise.all(threads.filter((t) => t.sampler.isRunning && !t.exited).map((t) => t.sampler.rotate().catch(() => undefined)));
  }
  await Promise.all(threads.map((t) => t.sampler.stop().catch(() => undefined)));
  const endTimeMs = Date.now();
  await conn.main.send('NodeWorker.disable', {}, 1000).catch(() => undefined);

  for (const t of threads.slice(1)) {
    if (t.exited && t.sampler.lostChunks > 0) warnings.push(`${t.label} of ${opts.who} ended mid-profile; its last chunk was lost`);
    if (t.sampler.anchorFailure && t.sampler.chunks.length > 1) {
      warnings.push(`${t.label} of ${opts.who}: could not keep V8's code map between chunks (${t.sampler.anchorFailure}), so each of the ${t.sampler.chunks.length} chunks paused it for a walk of its heap; a longer --chunk means fewer pauses`);
    }
  }
  // One root per thread only when worker threads were sampled; a plain process keeps its stacks as they are.
  const withThreads = threads.some((t, i) => i > 0 && t.sampler.chunks.length > 0);
  for (const t of threads) {
    const prefix = withThreads ? [builder.frameId({ name: t.label, kind: 'thread' })] : [];
    for (const chunk of t.sampler.chunks) addCpuProfile(builder, chunk.profile, { prefix, epochOffsetUs: chunk.epochOffsetUs });
  }
  return { builder, startTimeMs, endTimeMs, targetGone: conn.main.isClosed };
}
