// Lists the window files of a recording directory (the agent's output), oldest first, without reading them.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingError } from './errors.js';
import { parseWindowFileName, type WindowFileName } from './window-file-name.js';

export interface RecordingWindow extends WindowFileName {
  path: string;
}

export interface Recording {
  dir: string;
  /** Wall-time windows of every process, by start time. */
  windows: RecordingWindow[];
  /** Start of the earliest window: offsets such as `DIR@5m..10m` count from here. */
  startMs: number;
  /** The typical window length (median gap between a process's consecutive windows), or undefined with one window. */
  windowMs: number | undefined;
}

export async function listRecording(dir: string): Promise<Recording> {
  let entries: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new RecordingError(`${dir} is not a directory; a recording is the directory the agent wrote (CRAWL_DIAG_PROFILE_DIR)`);
    entries = await readdir(dir);
  } catch (err) {
    if (err instanceof RecordingError) throw err;
    throw new RecordingError(`cannot read recording directory ${dir} (${(err as Error).message}); pass the directory the agent wrote (CRAWL_DIAG_PROFILE_DIR)`);
  }
  const windows: RecordingWindow[] = [];
  for (const name of entries) {
    const parsed = parseWindowFileName(name);
    if (parsed && parsed.profileType === 'wall') windows.push({ ...parsed, path: join(dir, name) });
  }
  if (windows.length === 0) {
    throw new RecordingError(`${dir} holds no profile windows (files like worker-12345-20261127T001500.000Z.pb.gz); is the agent writing there?`);
  }
  windows.sort((a, b) => a.startMs - b.startMs || a.pid - b.pid);
  return { dir, windows, startMs: windows[0].startMs, windowMs: typicalWindowMs(windows) };
}

function typicalWindowMs(windows: RecordingWindow[]): number | undefined {
  const lastByProcess = new Map<string, number>();
  const gaps: number[] = [];
  for (const w of windows) {
    const key = `${w.kind}/${w.pid}`;
    const last = lastByProcess.get(key);
    if (last !== undefined) gaps.push(w.startMs - last);
    lastByProcess.set(key, w.startMs);
  }
  if (gaps.length === 0) return undefined;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

/** Narrows to one process kind (`worker`) or one PID (`12345`); an unknown one is an error that lists the choices. */
export function filterByProcess(recording: Recording, process: string | undefined): RecordingWindow[] {
  if (!process) return recording.windows;
  const wanted = process.trim();
  const selected = recording.windows.filter((w) => w.kind === wanted || String(w.pid) === wanted);
  if (selected.length === 0) {
    const kinds = [...new Set(recording.windows.map((w) => w.kind))].join(', ');
    const pids = [...new Set(recording.windows.map((w) => `${w.kind} ${w.pid}`))].slice(0, 12).join(', ');
    throw new RecordingError(`--process ${wanted} matches no process in ${recording.dir}; kinds: ${kinds}; processes: ${pids}`);
  }
  return selected;
}
