// Reads one side of a diff: a recording range (`DIR`, `DIR@5m..10m`), a pprof file (.pb.gz, .pprof), a V8
// `.cpuprofile`, or folded stacks (.txt, .folded; one `stack count` per line, as `crawl-diag flame --format folded`).
import { readFile } from 'node:fs/promises';
import type { Profile } from '../model.js';
import { RecordingError } from '../recording/errors.js';
import { readCpuProfile } from './cpuprofile.js';
import { readFolded } from './folded.js';
import { readPprof } from './pprof.js';
import { loadRecordingRange } from '../recording/load-range.js';
import { looksLikeRecording } from '../recording/range-spec.js';

export { parseFoldedFrame } from './folded.js';

export interface LoadProfileOptions {
  /** For recordings: one process kind or PID. */
  process?: string;
  /** For folded stacks: the time one sample stands for, µs. Default 10 000 (100 Hz). */
  foldedIntervalUs?: number;
}

export async function loadProfileInput(target: string, opts: LoadProfileOptions = {}): Promise<Profile> {
  if (looksLikeRecording(target) || (target.includes('@') && target.includes('..'))) {
    return loadRecordingRange(target, { process: opts.process });
  }
  let data: Buffer;
  try {
    data = await readFile(target);
  } catch (err) {
    throw new RecordingError(`cannot read ${target} (${(err as Error).message}); give a profile file (.pb.gz, .cpuprofile, folded .txt) or a recording DIR@FROM..TO`);
  }
  if (/\.(pb\.gz|pb|pprof|pprof\.gz)$/i.test(target) || (data[0] === 0x1f && data[1] === 0x8b)) return readPprof(data, target);
  const text = data.toString('utf8');
  if (/\.cpuprofile$/i.test(target) || text.trimStart().startsWith('{')) return readCpuProfile(text, target);
  return readFolded(text, target, opts.foldedIntervalUs ?? 10_000);
}
