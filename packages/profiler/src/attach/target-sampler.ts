// Samples one inspector target (a process's main thread or one worker thread) with the Profiler domain, in
// chunks: every `chunkMs` the profile is stopped, kept, and started again, so if the target dies mid-run only
// the current chunk is lost with its inspector (V8 keeps the samples inside the target until Profiler.stop).
import type { CdpSession } from './cdp-session.js';
import type { V8CpuProfile } from '../v8-cpuprofile.js';

export interface SampledChunk {
  profile: V8CpuProfile;
  /** Add to V8's monotonic microseconds to get Unix-epoch microseconds. */
  epochOffsetUs: number;
}

export class TargetSampler {
  readonly chunks: SampledChunk[] = [];
  private running = false;
  private startedAtEpochUs = 0;
  /** Samples of the running chunk are lost if the target goes away: counts such losses. */
  lostChunks = 0;

  constructor(
    private readonly session: CdpSession,
    private readonly intervalUs: number,
  ) {}

  async start(): Promise<void> {
    await this.session.send('Profiler.enable');
    await this.session.send('Profiler.setSamplingInterval', { interval: this.intervalUs });
    await this.begin();
  }

  private async begin(): Promise<void> {
    this.startedAtEpochUs = Date.now() * 1000;
    await this.session.send('Profiler.start');
    this.running = true;
  }

  private async end(): Promise<void> {
    if (!this.running) return;
    this.running = false;
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

  async stop(): Promise<void> {
    await this.end();
    await this.session.send('Profiler.disable').catch(() => undefined);
  }

  get isRunning(): boolean {
    return this.running;
  }
}
