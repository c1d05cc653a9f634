// Merges profiles into one, under a root frame per process (kind `process`), as merged multi-process flame graphs
// show them. Windows of the same process share its root, so a recording range reads as one profile per process.
import type { Frame, Profile, ProfiledProcess } from '../model.js';

export interface ProcessProfile {
  process: ProfiledProcess;
  profile: Profile;
}

/** Root frame name for a process: its label, else `pid N`. */
export function processRootName(p: ProfiledProcess): string {
  return p.label ?? `pid ${p.pid}`;
}

export function mergeUnderProcessRoots(parts: ProcessProfile[], collector: Profile['source']['collector']): Profile {
  const frames: Frame[] = [];
  const frameIds = new Map<string, number>();
  const frameIndex = (f: Frame): number => {
    const key = `${f.kind}\u0000${f.name}\u0000${f.file ?? ''}\u0000${f.line ?? ''}\u0000${f.column ?? ''}`;
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(f);
      frameIds.set(key, id);
    }
    return id;
  };

  const processes = new Map<string, ProfiledProcess>();
  const samples: Profile['samples'] = [];
  const warnings: string[] = [];
  let startMs = Infinity;
  let endMs = -Infinity;
  let intervalUs = 0;
  for (const { process, profile } of parts) {
    const name = processRootName(process);
    processes.set(`${process.pid}\u0000${name}`, process);
    const root = frameIndex({ name, kind: 'process' });
    const remap = profile.frames.map((f) => frameIndex(f));
    for (const s of profile.samples) {
      samples.push({ ...s, stack: [root, ...s.stack.map((i) => remap[i])] });
    }
    startMs = Math.min(startMs, profile.startTimeMs);
    endMs = Math.max(endMs, profile.startTimeMs + profile.durationMs);
    intervalUs = intervalUs || profile.intervalUs;
    warnings.push(...profile.warnings);
  }
  if (parts.length === 0) startMs = endMs = Date.now();
  return {
    frames,
    samples,
    startTimeMs: startMs,
    durationMs: Math.max(0, endMs - startMs),
    intervalUs: intervalUs || 10_000,
    source: { collector, processes: [...processes.values()] },
    warnings,
  };
}
