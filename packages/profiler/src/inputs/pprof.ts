// Decodes pprof files (gzipped or not) into the Profile model: the agent's windows, and any pprof a user brings.
// Decoding is pprof-format's; this module only maps locations/functions/lines to frames and values to time.
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Profile as PprofProfile } from 'pprof-format';
import type { Frame, FrameKind, Profile, ProfiledProcess, Sample } from '../model.js';
import { ProfileBuilder } from '../profile-builder.js';
import { WAIT_PREFIX, waitFrame } from '../outputs/frame-label.js';

export interface PprofReadOptions {
  /** The process the profile came from (the agent's file name says); defaults to an unknown one. */
  process?: ProfiledProcess;
  /**
   * Add an `(idle)` sample for the part of the profile's duration that no sample covers. @datadog/pprof drops
   * V8's idle samples, so without this an idle worker would look busy. Default true.
   */
  fillIdle?: boolean;
}

export class PprofDecodeError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'PprofDecodeError';
  }
}

const TIME_UNIT_TO_US: Record<string, number> = { nanoseconds: 1e-3, microseconds: 1, milliseconds: 1e3, seconds: 1e6 };
const GZIP_MAGIC = [0x1f, 0x8b];
/** Frames @datadog/pprof adds around runtime activity; dropped so GC reads as `(garbage collector)`, as in V8. */
const ANONYMOUS_AT_RE = /^\(anonymous:L#\d+:C#\d+\)$/;
const WRAPPER_FRAMES = new Set(['Node.js', '(root)']);

/** The Profile in a pprof buffer. `source` names it in errors (a path). */
export function readPprof(data: Uint8Array, source: string, opts: PprofReadOptions = {}): Profile {
  let decoded: PprofProfile;
  try {
    const raw = data[0] === GZIP_MAGIC[0] && data[1] === GZIP_MAGIC[1] ? gunzipSync(data) : data;
    decoded = PprofProfile.decode(raw);
  } catch (err) {
    throw new PprofDecodeError(`${source} is not a readable pprof profile (${(err as Error).message}); pass a .pb.gz written by the agent or by pprof`);
  }
  return pprofToProfile(decoded, source, opts);
}

/** Maps an already-decoded pprof profile (pprof-format's object) to the Profile model. */
export function pprofToProfile(p: PprofProfile, source: string, opts: PprofReadOptions = {}): Profile {
  const str = (i: number | bigint | undefined): string => (i === undefined ? '' : (p.stringTable.strings[Number(i)] ?? ''));
  const { index: valueIndex, toUs } = pickTimeValue(p, str, source);
  const countIndex = p.sampleType.findIndex((t) => str(t.unit) === 'count');

  const functions = new Map<string, { name: string; file: string; startLine: number }>();
  for (const f of p.function) functions.set(String(f.id), { name: str(f.name), file: str(f.filename), startLine: Number(f.startLine) });

  const builder = new ProfileBuilder();
  const frameIndex = (frame: Frame): number => builder.frameId(frame);

  // Each location becomes its frames, root-most first (pprof lists inlined callees before their caller).
  const locationFrames = new Map<string, number[]>();
  for (const loc of p.location) {
    const ids: number[] = [];
    for (let i = loc.line.length - 1; i >= 0; i--) {
      const line = loc.line[i];
      const fn = functions.get(String(line.functionId));
      if (!fn || WRAPPER_FRAMES.has(fn.name)) continue;
      ids.push(frameIndex(toFrame(fn.name, fn.file, Number(line.line) || fn.startLine)));
    }
    locationFrames.set(String(loc.id), ids);
  }

  const startTimeMs = Number(BigInt(p.timeNanos ?? 0) / 1_000_000n);
  const durationMs = Number(p.durationNanos ?? 0) / 1e6;
  const timestampUs = startTimeMs * 1000;
  let coveredUs = 0;
  for (const s of p.sample) {
    const weightUs = Number(s.value[valueIndex] ?? 0) * toUs;
    if (!(weightUs > 0)) continue;
    const stack: number[] = [];
    for (let i = s.locationId.length - 1; i >= 0; i--) {
      const ids = locationFrames.get(String(s.locationId[i]));
      if (ids) stack.push(...ids);
    }
    if (stack.length === 0) stack.push(frameIndex({ name: '(program)', kind: 'program' }));
    const sample: Sample = { stack, weightUs, timestampUs };
    if (countIndex >= 0 && countIndex !== valueIndex) sample.count = Number(s.value[countIndex] ?? 0);
    builder.addSample(sample);
    coveredUs += weightUs;
  }

  const periodUs = Number(p.period ?? 0) * (TIME_UNIT_TO_US[str(p.periodType?.unit)] ?? 0);
  const idleUs = durationMs * 1000 - coveredUs;
  if ((opts.fillIdle ?? true) && idleUs > 0) {
    // Counted as the samples the profiler would have taken at its period, so folded counts stay comparable.
    const count = periodUs > 0 ? Math.round(idleUs / periodUs) : 1;
    builder.addSample({ stack: [frameIndex({ name: '(idle)', kind: 'idle' })], weightUs: idleUs, timestampUs, count });
  }

  return builder.build({
    startTimeMs,
    durationMs,
    intervalUs: periodUs > 0 ? periodUs : 10_000,
    collector: 'pprof-agent',
    processes: [opts.process ?? { pid: 0, runtime: 'unknown' }],
  });
}

/** Which sample value is time, and its factor to microseconds: `wall`, else `cpu`, else a count times the period. */
function pickTimeValue(p: PprofProfile, str: (i: number | bigint) => string, source: string): { index: number; toUs: number } {
  const types = p.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) }));
  for (const wanted of ['wall', 'cpu']) {
    const index = types.findIndex((t) => t.type === wanted && TIME_UNIT_TO_US[t.unit] !== undefined);
    if (index >= 0) return { index, toUs: TIME_UNIT_TO_US[types[index].unit] };
  }
  const periodUnitUs = TIME_UNIT_TO_US[str(p.periodType?.unit ?? 0)];
  const countIndex = types.findIndex((t) => t.unit === 'count');
  if (countIndex >= 0 && periodUnitUs !== undefined && Number(p.period) > 0) {
    return { index: countIndex, toUs: Number(p.period) * periodUnitUs };
  }
  const found = types.map((t) => `${t.type}/${t.unit}`).join(', ') || 'none';
  throw new PprofDecodeError(`${source} holds no time samples (sample types: ${found}); pass a CPU or wall-time profile`);
}

function toFrame(rawName: string, rawFile: string, line: number): Frame {
  if (rawName === 'Garbage Collection' || rawName === '(garbage collector)') return { name: '(garbage collector)', kind: 'gc' };
  if (rawName === '(program)') return { name: '(program)', kind: 'program' };
  if (rawName === '(idle)') return { name: '(idle)', kind: 'idle' };
  if (rawName.startsWith(WAIT_PREFIX)) {
    const file = rawFile.startsWith('file://') ? safeFileUrlToPath(rawFile) : rawFile;
    return waitFrame(rawName.slice(WAIT_PREFIX.length), { file: file || undefined, line: line > 0 ? line : undefined });
  }
  // @datadog/pprof names anonymous functions by position (`(anonymous:L#26:C#27)`); the line is in the frame already.
  const name = !rawName || ANONYMOUS_AT_RE.test(rawName) ? '(anonymous)' : rawName;
  const file = rawFile.startsWith('file://') ? safeFileUrlToPath(rawFile) : rawFile;
  const kind: FrameKind = file ? 'js' : 'native';
  const frame: Frame = { name, kind };
  if (file) frame.file = file;
  if (line > 0) frame.line = line;
  return frame;
}

function safeFileUrlToPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}
