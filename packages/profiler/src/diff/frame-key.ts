// Which frames count as "the same" across two profiles: same function at the same place. Process roots match by
// kind (`worker 12345` and `worker 23456` are both `worker`), so runs with different PIDs still line up.
import type { Frame } from '../model.js';
import { frameLabel } from '../outputs/frame-label.js';

/** Label used in the diff's tables and graph; a process root loses its PID (`worker`), which differs run to run. */
export function diffFrameLabel(frame: Frame): string {
  if (frame.kind === 'process') return frame.name.replace(/\b\d+\b/g, '').replace(/\s+/g, ' ').trim() || 'process';
  // Columns are left out: the agent's profiles have none, and a column should not split a function in two.
  return frameLabel({ ...frame, column: undefined });
}

export function diffFrameKey(frame: Frame): string {
  return `${frame.kind === 'process' ? 'process' : 'frame'}\u0000${diffFrameLabel(frame)}`;
}
