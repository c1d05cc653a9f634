// Event-loop stalls read from a recording's window lengths alone. The agent rotates its window on a timer in the
// process's own event loop, so a process whose loop was blocked (a dispatcher stuck in a synchronous query, a worker
// parsing a huge page) writes one long window where it would have written several: the stretch past the typical
// length is time the loop could not run anything else, whatever the profile inside says. This needs no samples and
// works for any recorded process.
import type { Recording } from './list-windows.js';

/** A window counts as stretched past this many typical lengths (the same rule selectWindows uses). */
export const STRETCHED = 1.5;

export interface LoopStalls {
  kind: string;
  /** Processes of the kind with windows in the range. */
  processes: number;
  /** Windows stretched past STRETCHED × the typical length, among those starting in the range. */
  stretched: number;
  /** Longest stall (window length minus the typical length), ms; 0 when none. */
  maxMs: number;
  /** All stalls added up, ms, over the kind's processes. */
  totalMs: number;
  /** Windows of the kind starting in the range whose length is known (a process's last window is not). */
  windows: number;
}

/**
 * Stalls per process kind among windows starting in [fromMs, toMs). A window's length is the gap to the same
 * process's next window; a process's last window has no known end and is left out.
 */
export function loopStalls(recording: Recording, fromMs = -Infinity, toMs = Infinity): LoopStalls[] {
  const typical = recording.windowMs;
  const byKind = new Map<string, LoopStalls>();
  const pids = new Map<string, Set<number>>();
  const previous = new Map<number, { startMs: number; kind: string }>();
  const note = (kind: string, lengthMs: number, pid: number): void => {
    const s = byKind.get(kind) ?? { kind, processes: 0, stretched: 0, maxMs: 0, totalMs: 0, windows: 0 };
    byKind.set(kind, s);
    const seen = pids.get(kind) ?? new Set<number>();
    pids.set(kind, seen);
    seen.add(pid);
    s.processes = seen.size;
    s.windows++;
    if (typical === undefined || lengthMs <= STRETCHED * typical) return;
    const stall = lengthMs - typical;
    s.stretched++;
    s.totalMs += stall;
    s.maxMs = Math.max(s.maxMs, stall);
  };
  for (const w of recording.windows) {
    const last = previous.get(w.pid);
    if (last && last.startMs >= fromMs && last.startMs < toMs) note(last.kind, w.startMs - last.startMs, w.pid);
    previous.set(w.pid, { startMs: w.startMs, kind: w.kind });
  }
  return [...byKind.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}
