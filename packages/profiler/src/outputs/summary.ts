// The terminal summary printed after every run: top frames by self and by total time, where the workers wait
// (the blocking call, its library and line), and the shares of idle, GC and V8's own (program) time. A worker
// that is mostly idle with nothing known to wait on is starved: its bottleneck is upstream. A worker blocked in
// its own database call is not starved, and the summary says where it waits instead.
import { basename } from 'node:path';
import type { Profile } from '../model.js';
import { frameTimes } from '../frame-times.js';
import { frameLabel } from './frame-label.js';

export interface WaitTime {
  /** What is waited on, library first (`sqlite3`, `mongodb find crawl.frontier`). */
  what: string;
  library?: string;
  file?: string;
  line?: number;
  waitUs: number;
  share: number;
}

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
  /** Share of time on stacks that end in a wait frame (blocked in a call). */
  waitShare: number;
  /** Where the time waiting went, by what and call site, most first (at most `top`). */
  waits: WaitTime[];
  /** Idle above `starvedIdleShare`: the worker waits for work, look upstream. */
  starved: boolean;
  /**
   * Node sampled through its inspector, which sees no waits: its idle time may be waiting on I/O as much as
   * starving, and only the agent in the process can tell them apart.
   */
  waitsHidden: boolean;
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
  const times = frameTimes(profile);
  const waits = [...times.frames.values()]
    .filter((f) => f.kind === 'wait' && f.selfUs > 0)
    .sort((a, b) => b.selfUs - a.selfUs || (a.label < b.label ? -1 : 1))
    .slice(0, top)
    .map((f) => ({ what: f.name, library: f.library, file: f.file, line: f.line, waitUs: f.selfUs, share: share(f.selfUs) }));
  return {
    totalUs,
    samples,
    topSelf,
    topTotal,
    idleShare,
    gcShare: share(gc),
    programShare: share(program),
    waitShare: share(times.waitUs),
    waits,
    starved: idleShare > (opts.starvedIdleShare ?? 0.5),
    waitsHidden:
      times.waitUs === 0 &&
      idle > 0 &&
      (profile.source.collector === 'inspector' || profile.source.collector === 'merge') &&
      profile.source.processes.some((p) => p.runtime === 'node'),
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
  if (summary.waits.length) {
    lines.push('Where the workers wait (blocked in a call, off CPU):');
    for (const w of summary.waits) lines.push(`  waiting in ${w.what}${w.file ? ` at ${basename(w.file)}${w.line !== undefined ? `:${w.line}` : ''}` : ''}: ${pct(w.share).trim()} of wall time`);
    lines.push('');
  }
  lines.push(`${summary.waitShare > 0 ? `waiting ${pct(summary.waitShare).trim()}, ` : ''}idle ${pct(summary.idleShare).trim()}, garbage collector ${pct(summary.gcShare).trim()}, program ${pct(summary.programShare).trim()}`);
  if (summary.waitsHidden) {
    lines.push(
      `(idle) ${pct(summary.idleShare).trim()}: waits not visible: load the agent. The inspector sees no waits, so a Node worker waiting on MongoDB or a slow site shows only (idle); ` +
        'run it with node --import @crawl-diag/profiler/agent (CRAWL_DIAG_PROFILE_DIR set) and read its recording to see where it waits.',
    );
  }
  if (summary.starved && summary.waitsHidden) {
    lines.push(`The worker is idle ${pct(summary.idleShare).trim()} of the time: starved, or waiting on I/O the inspector cannot see (the agent tells which).`);
  } else if (summary.starved) {
    lines.push(
      `The worker is idle ${pct(summary.idleShare).trim()} of the time: it is starved, not slow; look upstream (dispatcher, database, queue).`,
    );
  }
  for (const n of profile.notes ?? []) lines.push(`note: ${n}`);
  for (const w of profile.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
