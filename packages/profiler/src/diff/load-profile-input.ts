// Reads one side of a diff: a recording range (`DIR`, `DIR@5m..10m`), a pprof file (.pb.gz, .pprof), a V8
// `.cpuprofile`, or folded stacks (.txt, .folded; one `stack count` per line, as `crawl-diag flame --format folded`).
import { readFile } from 'node:fs/promises';
import type { Profile } from '../model.js';
import { parseFrameLabel } from '../outputs/frame-label.js';
import { ProfileBuilder } from '../profile-builder.js';
import { readPprof } from '../pprof-read.js';
import { addCpuProfile, type V8CpuProfile } from '../v8-cpuprofile.js';
import { RecordingError } from '../recording/errors.js';
import { loadRecordingRange } from '../recording/load-range.js';
import { looksLikeRecording } from '../recording/range-spec.js';

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

function readCpuProfile(text: string, source: string): Profile {
  let parsed: V8CpuProfile;
  try {
    parsed = JSON.parse(text) as V8CpuProfile;
  } catch (err) {
    throw new RecordingError(`${source} is not valid JSON (${(err as Error).message}); a .cpuprofile is V8's CPU profile JSON`);
  }
  if (!Array.isArray(parsed.nodes)) throw new RecordingError(`${source} has no 'nodes': not a V8 .cpuprofile`);
  const builder = new ProfileBuilder();
  addCpuProfile(builder, parsed);
  return builder.build({
    startTimeMs: 0,
    durationMs: (parsed.endTime - parsed.startTime) / 1000,
    intervalUs: 1000,
    collector: 'file',
    processes: [],
  });
}

/** Folded stacks back into frames: `name (file:line)` as the folded contract writes JS frames. */
function readFolded(text: string, source: string, intervalUs: number): Profile {
  const builder = new ProfileBuilder();
  let lines = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trimEnd();
    const space = trimmed.lastIndexOf(' ');
    if (space <= 0) continue;
    const count = Number(trimmed.slice(space + 1));
    if (!Number.isFinite(count) || count <= 0) continue;
    const stack = trimmed.slice(0, space).split(';').map((f) => builder.frameId(parseFoldedFrame(f)));
    builder.addSample({ stack, weightUs: count * intervalUs, count });
    lines++;
  }
  if (lines === 0) {
    throw new RecordingError(`${source} holds no folded stacks ('frame;frame;frame count' lines); give a .pb.gz, .cpuprofile or folded file`);
  }
  const totalUs = builder.samples.reduce((s, x) => s + x.weightUs, 0);
  return builder.build({ startTimeMs: 0, durationMs: totalUs / 1000, intervalUs, collector: 'file', processes: [] });
}

export const parseFoldedFrame = parseFrameLabel;
