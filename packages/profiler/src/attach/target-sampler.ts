// Samples one inspector target (a process's main thread or one worker thread) with the Profiler domain, in
// chunks: every `chunkMs` the chunk's profile is stopped, kept, and started again, so if the target dies mid-run
// only the current chunk is lost with its inspector (V8 keeps the samples inside the target until Profiler.stop).
//
// What a chunk must not cost: V8 builds its profiler's code map when the first profile of a CpuProfiler starts
// (ProfilingScope: four passes over every object of the heap, on the target's main thread, ~0.3 s per 200 MB of
// small objects; see start-pause.ts and the README), and drops it when the last one stops. The inspector keeps
// one CpuProfiler per session while any of its profiles runs. So right after the first chunk starts we start a
// second profile, the anchor (the command-line API's `profile()`, which the same session's Profiler agent records),
// and keep it running until the end: every chunk's stop and start then find the profiler running and cost the
// target ~1 ms instead of a walk. The anchor's own samples are never fetched: Profiler.disable drops it unserialized.
//
// The anchor comes after the first chunk's start, not before, and the first sample does not wait for its answer:
// `profile()` sends a Profiler.consoleProfileStarted event just before its reply, and the inspector's socket (Nagle's
// algorithm on) holds that small reply until our side acknowledges the event, which a delayed ACK puts ~40 ms later
// (the event arrives after ~1 ms, the reply after ~44 ms; the target spends ~1 ms of CPU on the call). The inspector
// handles a session's messages in order, so the anchor is running before the first chunk's Profiler.stop is read.
import type { CdpSession } from './cdp-session.js';
import type { V8CpuProfile } from '../v8-cpuprofile.js';

export interface SampledChunk {
  profile: V8CpuProfile;
  /** Add to V8's monotonic microseconds to get Unix-epoch microseconds. */
  epochOffsetUs: number;
}

let anchorSeq = 0;

export class TargetSampler {
  readonly chunks: SampledChunk[] = [];
  private running = false;
  private startedAtEpochUs = 0;
  /** Samples of the running chunk are lost if the target goes away: counts such losses. */
  lostChunks = 0;
  /** Why the anchor could not be started (each chunk then costs a heap walk), if it could not. */
  anchorFailure: string | undefined;

  constructor(
    private readonly session: CdpSession,
    private readonly intervalUs: number,
  ) {}

  /** Resolves once the anchor answered (started, or `anchorFailure` set); never rejects. */
  private anchorStarted: Promise<void> = Promise.resolve();

  /** Starts the first chunk; resolves when its profile runs. */
  async start(): Promise<void> {
    // One at a time: two replies written back to back are the same ~40 ms wait as the anchor's (below).
    await this.session.send('Profiler.enable');
    await this.session.send('Profiler.setSamplingInterval', { interval: this.intervalUs });
    await this.begin();
    this.anchorStarted = this.startAnchor();
  }

  /** The profile that keeps the code map alive between chunks (see the top comment). */
  private async startAnchor(): Promise<void> {
    const title = `crawl-diag anchor ${process.pid}-${++anchorSeq}`;
    try {
      const r = await this.session.send<{ exceptionDetails?: { text?: string; exception?: { description?: string } } }>('Runtime.evaluate', {
        expression: `profile(${JSON.stringify(title)})`,
        includeCommandLineAPI: true,
        silent: true,
        returnByValue: true,
      });
      if (r.exceptionDetails) this.anchorFailure = r.exceptionDetails.exception?.description ?? r.exceptionDetails.text ?? 'exception';
    } catch (err) {
      this.anchorFailure = (err as Error).message;
    }
  }

  private async begin(): Promise<void> {
    this.startedAtEpochUs = Date.now() * 1000;
    await this.session.send('Profiler.start');
    this.running = true;
  }

  private async end(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.anchorStarted;
    try {
      const { profile } = await this.session.send<{ profile: V8CpuProfile }>('Profiler.stop');
      this.chunks.push({ profile, epochOffsetUs: this.startedAtEpochUs - profile.startTime });
    } catch (err) {
      this.lostChunks++;
      throw err;
    }
  }

  /** Ends the current chunk and starts the next one. */
  async rotate(): Promise<void> {
    await this.end();
    await this.begin();
  }

  /** Ends the last chunk; Profiler.disable also ends the anchor, without sending its samples. */
  async stop(): Promise<void> {
    await this.end();
    await this.session.send('Profiler.disable').catch(() => undefined);
  }

  get isRunning(): boolean {
    return this.running;
  }
}
