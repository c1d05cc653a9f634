// Reads a recording range (`DIR@5m..10m`, `--process worker`) into one Profile: every selected window decoded,
// merged under a root frame per process.
import { readFile } from 'node:fs/promises';
import type { Profile, ProfiledProcess } from '../model.js';
import { readPprof } from '../inputs/pprof.js';
import { formatDurationMs } from './duration.js';
import { RecordingError } from './errors.js';
import { filterByProcess, listRecording, type Recording, type RecordingWindow } from './list-windows.js';
import { mergeUnderProcessRoots, type ProcessProfile } from './merge-processes.js';
import { parseRecordingSpec, resolveRange } from './range-spec.js';
import { STRETCHED } from './loop-stalls.js';

const READ_BATCH = 64;

export interface RecordingRangeOptions {
  /** A process kind (`worker`) or PID; default every process. */
  process?: string;
}

export interface SelectedWindows {
  recording: Recording;
  windows: RecordingWindow[];
  fromMs: number;
  toMs: number;
}

/**
 * Where each window ends: where the same process's next window starts (the agent rotates without gaps), or, for a
 * process's last window, one typical window length after its start.
 */
function windowEnds(windows: RecordingWindow[], typicalMs: number | undefined): Map<RecordingWindow, number> {
  const ends = new Map<RecordingWindow, number>();
  const lastOf = new Map<number, RecordingWindow>();
  for (const w of windows) {
    const previous = lastOf.get(w.pid);
    if (previous) ends.set(previous, w.startMs);
    lastOf.set(w.pid, w);
  }
  for (const w of lastOf.values()) ends.set(w, w.startMs + (typicalMs ?? 0));
  return ends;
}

/**
 * A window stretched far past the typical length (the agent rotates on a timer, so a process whose event loop was
 * blocked, e.g. a dispatcher saturated by a synchronous query, writes one long window) that lies mostly inside the
 * range. Selecting by start alone would leave such a process out of the very ranges where it was busiest.
 */
function stretchedInside(w: RecordingWindow, endMs: number | undefined, typicalMs: number | undefined, fromMs: number, toMs: number): boolean {
  if (endMs === undefined || typicalMs === undefined) return false;
  const length = endMs - w.startMs;
  if (length <= STRETCHED * typicalMs) return false;
  const overlap = Math.min(endMs, toMs) - Math.max(w.startMs, fromMs);
  return overlap >= length / 2;
}

/**
 * The windows a spec selects: those whose start lies in [FROM, TO), and any window stretched by a blocked process
 * that lies mostly inside the range.
 */
export async function selectWindows(spec: string, opts: RecordingRangeOptions = {}): Promise<SelectedWindows> {
  const parsed = parseRecordingSpec(spec);
  const recording = await listRecording(parsed.dir);
  const { fromMs, toMs } = resolveRange(parsed, recording.startMs);
  const candidates = filterByProcess(recording, opts.process);
  const ends = windowEnds(candidates, recording.windowMs);
  const windows = candidates.filter(
    (w) => (w.startMs >= fromMs && w.startMs < toMs) || stretchedInside(w, ends.get(w), recording.windowMs, fromMs, toMs),
  );
  if (windows.length === 0) {
    const last = recording.windows[recording.windows.length - 1];
    const spanMs = last.startMs - recording.startMs + (recording.windowMs ?? 0);
    throw new RecordingError(
      `no windows in ${parsed.dir} for range '${parsed.rangeText ?? ''}'${opts.process ? ` and process ${opts.process}` : ''}: the recording starts ${new Date(recording.startMs).toISOString()} and spans ${formatDurationMs(spanMs)}; pick offsets within that (e.g. ${parsed.dir}@0s..${formatDurationMs(Math.max(1000, spanMs / 2))})`,
    );
  }
  return { recording, windows, fromMs, toMs };
}

export function windowProcess(w: RecordingWindow): ProfiledProcess {
  return { pid: w.pid, runtime: 'node', label: `${w.kind} ${w.pid}` };
}

/** One window's profile. */
export async function readWindow(w: RecordingWindow): Promise<Profile> {
  let data: Buffer;
  try {
    data = await readFile(w.path);
  } catch (err) {
    throw new RecordingError(`cannot read ${w.path} (${(err as Error).message})`, 1);
  }
  return readPprof(data, w.path, { process: windowProcess(w) });
}

/** `crawl-diag flame DIR@FROM..TO`: the selected windows as one Profile, a root frame per process. */
export async function loadRecordingRange(spec: string, opts: RecordingRangeOptions = {}): Promise<Profile> {
  const { windows } = await selectWindows(spec, opts);
  const parts: ProcessProfile[] = [];
  // In batches: a long recording of many processes holds thousands of windows, more than open-file limits allow at once.
  for (let i = 0; i < windows.length; i += READ_BATCH) {
    const batch = windows.slice(i, i + READ_BATCH);
    parts.push(...(await Promise.all(batch.map(async (w) => ({ process: windowProcess(w), profile: await readWindow(w) })))));
  }
  return mergeUnderProcessRoots(parts, 'pprof-agent');
}
