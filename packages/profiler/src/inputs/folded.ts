// Folded stacks (`frame;frame;frame count` lines, as `crawl-diag flame -f folded` and flamegraph.pl write them) read
// into the model, frames parsed back from their labels (the contract in docs/contracts.md, wait frames included).
import type { Profile } from '../model.js';
import { parseFrameLabel } from '../outputs/frame-label.js';
import { ProfileBuilder } from '../profile-builder.js';
import { RecordingError } from '../recording/errors.js';

export const parseFoldedFrame = parseFrameLabel;

/** Folded stacks back into frames: `name (file:line)` as the folded contract writes JS frames. */
export function readFolded(text: string, source: string, intervalUs: number): Profile {
  const builder = new ProfileBuilder();
  let lines = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trimEnd();
    const space = trimmed.lastIndexOf(' ');
    if (space <= 0) continue;
    const count = Number(trimmed.slice(space + 1));
    if (!Number.isFinite(count) || count <= 0) continue;
    const stack = trimmed.slice(0, space).split(';').map((f) => builder.frameId(parseFrameLabel(f)));
    builder.addSample({ stack, weightUs: count * intervalUs, count });
    lines++;
  }
  if (lines === 0) {
    throw new RecordingError(`${source} holds no folded stacks ('frame;frame;frame count' lines); give a .pb.gz, .cpuprofile or folded file`);
  }
  const totalUs = builder.samples.reduce((s, x) => s + x.weightUs, 0);
  return builder.build({ startTimeMs: 0, durationMs: totalUs / 1000, intervalUs, collector: 'file', processes: [] });
}
