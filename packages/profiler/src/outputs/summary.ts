// The terminal summary printed after every run: top frames by self and by total time, and the shares of
// idle, GC and V8's own (program) time. A mostly idle worker is starved: its bottleneck is upstream.
import type { Profile } from '../model.js';
import { frameLabel } from './frame-label.js';

export interface FrameTime {
  label: string;
  /** Microseconds with this frame on top of the stack. */
  selfUs: number;
  /** Microseconds with this frame anywhere on the stack (recursion counted once). */
  totalUs: number;
  selfShare: number;
  totalShare: number;
}

export interface ProfileSummary {
  totalUs: number;
  samples: number;
  topSelf: FrameTime[];
  topTotal: FrameTime[];
  idleShare: number;
  gcShare: number;
  programShare: number;
  /** Idle above `starvedIdleShare`: the worker waits for work, look upstream. */
  starved: boolean;
}

export interface SummaryOptions {
  /** How many frames in each top list. Default 10. */
  top?: number;
  /** Idle share above which the worker is called starved. Default 0.5. */
  starvedIdleShare?: number;
}

export function summarizeProfile(profile: Profile, opts: SummaryOptions = {}): ProfileSummary {
  const top = opts.top ?? 10;
  // Frames with the same label (same function in several processes) are one line in the summary.
  const labels = profile.frames.map(frameLabel);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let totalUs = 0;
  let samples = 0;
  let idle = 0;
  let gc = 0;
  let program = 0;
  for (const s of profile.samples) {
    if (s.stack.length === 0) continue;
    totalUs += s.weightUs;
    samples += s.count ?? 1;
    const leaf = s.stack[s.stack.length - 1];
    const kind = profile.frames[leaf].kind;
    if (kind === 'idle') idle += s.weightUs;
    else if (kind === 'gc') gc += s.weightUs;
    else if (kind === 'program') program += s.weightUs;
    self.set(labels[leaf], (self.get(labels[leaf]) ?? 0) + s.weightUs);
    const seen = new Set<string>();
    for (const i of s.stack) {
      const kindI = profile.frames[i].kind;
      if (kindI === 'process' || kindI === 'thread') continue; // roots would top every list
      if (seen.has(labels[i])) continue;
      seen.add(labels[i]);
      total.set(labels[i], (total.get(labels[i]) ?? 0) + s.weightUs);
    }
  }
  const share = (us: number) => (totalUs > 0 ? us / totalUs : 0);
  const row = (label: string): FrameTime => ({
    label,
    selfUs: self.get(label) ?? 0,
    totalUs: total.get(label) ?? self.get(label) ?? 0,
    selfShare: share(self.get(label) ?? 0),
    totalShare: share(total.get(label) ?? self.get(label) ?? 0),
  });
  // Ties broken by label so equal profiles print equal summaries.
  const rank = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const topSelf = [...self.entries()].sort(rank).slice(0, top).map(([l]) => row(l));
  const topTotal = [...total.entries()].sort(rank).slice(0, top).map(([l]) => row(l));
  const idleShare = share(idle);
  return {
    totalUs,
    samples,
    topSelf,
    topTotal,
    idleShare,
    gcShare: share(gc),
    programShare: share(program),
    starved: idleShare > (opts.starvedIdleShare ?? 0.5),
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`.padStart(6);
}

function ms(us: number): string {
  return `${(us / 1000).toFixed(0)} ms`.padStart(9);
}

/** Plain-text rendering of the summary, for the terminal (no colour: it is read and pasted into tickets). */
export function formatSummary(summary: ProfileSummary, profile: Profile): string {
  const lines: string[] = [];
  const who = profile.source.processes.map((p) => p.label ?? String(p.pid)).join(', ');
  lines.push(`${summary.samples} samples over ${(profile.durationMs / 1000).toFixed(1)} s from ${who} (${profile.source.collector})`);
  lines.push('');
  lines.push('Top frames by self time:');
  for (const f of summary.topSelf) lines.push(`  ${pct(f.selfShare)} ${ms(f.selfUs)}  ${f.label}`);
  lines.push('');
  lines.push('Top frames by total time:');
  for (const f of summary.topTotal) lines.push(`  ${pct(f.totalShare)} ${ms(f.totalUs)}  ${f.label}`);
  lines.push('');
  lines.push(`idle ${pct(summary.idleShare).trim()}, garbage collector ${pct(summary.gcShare).trim()}, program ${pct(summary.programShare).trim()}`);
  if (summary.starved) {
    lines.push(
      `The worker is idle ${pct(summary.idleShare).trim()} of the time: it is starved, not slow; look upstream (dispatcher, database, queue).`,
    );
  }
  for (const w of profile.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
