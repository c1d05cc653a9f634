// Per-frame time of one profile, split into CPU and waiting: the one query every report, diff and rule reads
// (`store-bound workers`: which file:line of which library holds the workers' wall time, and is it waiting).
// A sample's time is waiting when its leaf is a wait frame (see model.ts), CPU otherwise; a frame's own time
// (`self*`) is the time it is the leaf, plus, for code frames, the time a wait frame sits directly above it (the
// line that made the blocking call). Frames are keyed as the diff keys them: same function, file and line, column
// left out, so line-level frames and wait frames at different lines stay apart.
import type { Frame, Profile } from './model.js';
import { diffFrameKey, diffFrameLabel } from './diff/frame-key.js';

export interface FrameTime {
  key: string;
  label: string;
  kind: Frame['kind'];
  name: string;
  file?: string;
  line?: number;
  library?: string;
  /** Time with the frame as leaf (a wait frame's whole time; a code frame's time on CPU). */
  selfUs: number;
  /** Time with the frame anywhere on the stack, counted once per sample even under recursion. */
  totalUs: number;
  /** Part of `totalUs` on stacks that end in a wait frame. */
  totalWaitUs: number;
  /** Own time on CPU: `selfUs` for code frames, 0 for wait frames. */
  selfCpuUs: number;
  /** Own time waiting: for a code frame, the time a wait frame sits directly above it; for a wait frame, `selfUs`. */
  selfWaitUs: number;
}

export interface FrameTimes {
  /** Every sample's time (CPU, waiting, idle). */
  totalUs: number;
  /** Time on stacks that end in a wait frame. */
  waitUs: number;
  frames: Map<string, FrameTime>;
}

export function frameTimes(profile: Profile): FrameTimes {
  const keys = profile.frames.map(diffFrameKey);
  const frames = new Map<string, FrameTime>();
  const entry = (i: number): FrameTime => {
    const key = keys[i];
    let t = frames.get(key);
    if (!t) {
      const f = profile.frames[i];
      t = { key, label: diffFrameLabel(f), kind: f.kind, name: f.name, selfUs: 0, totalUs: 0, totalWaitUs: 0, selfCpuUs: 0, selfWaitUs: 0 };
      if (f.file) t.file = f.file;
      if (f.line !== undefined) t.line = f.line;
      if (f.library) t.library = f.library;
      frames.set(key, t);
    }
    return t;
  };
  let totalUs = 0;
  let waitUs = 0;
  const seen = new Set<string>();
  for (const s of profile.samples) {
    if (s.stack.length === 0 || !(s.weightUs > 0)) continue;
    const leafIndex = s.stack[s.stack.length - 1];
    const waiting = profile.frames[leafIndex].kind === 'wait';
    totalUs += s.weightUs;
    if (waiting) waitUs += s.weightUs;
    seen.clear();
    for (const i of s.stack) {
      if (seen.has(keys[i])) continue;
      seen.add(keys[i]);
      const t = entry(i);
      t.totalUs += s.weightUs;
      if (waiting) t.totalWaitUs += s.weightUs;
    }
    const leaf = entry(leafIndex);
    leaf.selfUs += s.weightUs;
    if (waiting) {
      leaf.selfWaitUs += s.weightUs;
      if (s.stack.length > 1) entry(s.stack[s.stack.length - 2]).selfWaitUs += s.weightUs;
    } else leaf.selfCpuUs += s.weightUs;
  }
  return { totalUs, waitUs, frames };
}
