// Merges per-process profiles into one, each process under its own root frame (kind 'process'), so one flame
// graph shows a supervisor's workers side by side.
import type { Profile } from './model.js';
import { ProfileBuilder } from './profile-builder.js';

export function mergeProfiles(profiles: Profile[]): Profile {
  if (profiles.length === 1) return profiles[0];
  const builder = new ProfileBuilder();
  for (const p of profiles) {
    const procs = p.source.processes;
    const label = procs.map((x) => x.label ?? `pid ${x.pid}`).join(', ') || 'process';
    builder.addProfile(p, [builder.frameId({ name: label, kind: 'process' })]);
  }
  const start = Math.min(...profiles.map((p) => p.startTimeMs));
  const end = Math.max(...profiles.map((p) => p.startTimeMs + p.durationMs));
  const collectors = new Set(profiles.map((p) => p.source.collector));
  return builder.build({
    startTimeMs: start,
    durationMs: end - start,
    intervalUs: Math.min(...profiles.map((p) => p.intervalUs)),
    collector: collectors.size === 1 ? profiles[0].source.collector : 'merge',
    processes: profiles.flatMap((p) => p.source.processes),
  });
}
