// Builds a Profile incrementally: interns frames (one index per distinct name/file/line/kind) and collects
// weighted samples. Every collector writes through it, so merged profiles share one frame table.
import type { Frame, Profile, ProfiledProcess, Sample } from './model.js';

function frameKey(f: Frame): string {
  return `${f.kind}\u0000${f.name}\u0000${f.file ?? ''}\u0000${f.line ?? ''}\u0000${f.column ?? ''}\u0000${f.library ?? ''}`;
}

export class ProfileBuilder {
  readonly frames: Frame[] = [];
  readonly samples: Sample[] = [];
  readonly warnings: string[] = [];
  readonly notes: string[] = [];
  private readonly index = new Map<string, number>();

  frameId(frame: Frame): number {
    const key = frameKey(frame);
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.frames.length;
      this.frames.push(frame);
      this.index.set(key, id);
    }
    return id;
  }

  addSample(sample: Sample): void {
    this.samples.push(sample);
  }

  /** Copies every sample of another profile under `prefix` (frame indices of this builder). */
  addProfile(other: Profile, prefix: number[] = []): void {
    const map = other.frames.map((f) => this.frameId(f));
    for (const s of other.samples) {
      this.samples.push({ ...s, stack: [...prefix, ...s.stack.map((i) => map[i])] });
    }
    this.warnings.push(...other.warnings);
    this.notes.push(...(other.notes ?? []));
  }

  build(meta: {
    startTimeMs: number;
    durationMs: number;
    intervalUs: number;
    collector: Profile['source']['collector'];
    processes: ProfiledProcess[];
  }): Profile {
    return {
      frames: this.frames,
      samples: this.samples,
      startTimeMs: meta.startTimeMs,
      durationMs: meta.durationMs,
      intervalUs: meta.intervalUs,
      source: { collector: meta.collector, processes: meta.processes },
      warnings: this.warnings,
      ...(this.notes.length ? { notes: this.notes } : {}),
    };
  }
}
