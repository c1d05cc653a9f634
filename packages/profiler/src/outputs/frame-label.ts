// How a frame is written in text outputs (folded stacks, summaries, flame graph labels): the DESIGN.md contract.
import type { Frame } from '../model.js';

/** `functionName (file:line)` for JS frames with a location; the bare name otherwise (`(idle)`, `(program)`…). */
export function frameLabel(frame: Frame): string {
  if (frame.file) return frame.line !== undefined ? `${frame.name} (${frame.file}:${frame.line})` : `${frame.name} (${frame.file})`;
  return frame.name;
}
