// Merges profiles into one, under a root frame per process (kind `process`), as merged multi-process flame graphs
// show them. Windows of the same process share its root, so a recording range reads as one profile per process.
// Unlike mergeProfiles (merge-profiles.ts), a single process still gets its root: a recording always names its processes.
import type { Profile, ProfiledProcess } from '../model.js';
import { ProfileBuilder } from '../profile-builder.js';

export interface ProcessProfile {
  process: ProfiledProcess;
  profile: Profile;
}

/** Root frame name for a process: its label, else `pid N`. */
export function processRootName(p: ProfiledProcess): string {
  return p.label ?? `pid ${p.pid}`;
}

export function mergeUnderProcessRoots(parts: ProcessProfile[], collector: Profile['source']['collector']): Profile {
  const builder = new ProfileBuilder();
  const processes = new Map<string, ProfiledProcess>();
  let startMs = Infinity;
  let endMs = -Infinity;
  let intervalUs = 0;
  for (const { process, profile } of parts) {
    const name = processRootName(process);
    processes.set(`${process.pid}\u0000${name}`, process);
    builder.addProfile(profile, [builder.frameId({ name, kind: 'process' })]);
    startMs = Math.min(startMs, profile.startTimeMs);
    endMs = Math.max(endMs, profile.startTimeMs + profile.durationMs);
    intervalUs = intervalUs || profile.intervalUs;
  }
  if (parts.length === 0) startMs = endMs = Date.now();
  return builder.build({
    startTimeMs: startMs,
    durationMs: Math.max(0, endMs - startMs),
    intervalUs: intervalUs || 10_000,
    collector,
    processes: [...processes.values()],
  });
}
