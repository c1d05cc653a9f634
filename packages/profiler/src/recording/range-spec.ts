// Parses recording names `DIR@FROM..TO` and turns their bounds into times: offsets from the recording's start
// (`DIR@5m..10m`, `DIR@..5m`, `DIR@50m..`), local clock times (`DIR@14:30..14:35`) or ISO times.
import { statSync } from 'node:fs';
import { parseDurationMs } from './duration.js';
import { RecordingError } from './errors.js';

export type RangeBound =
  | { type: 'offset'; ms: number }
  | { type: 'clock'; hours: number; minutes: number; seconds: number }
  | { type: 'absolute'; ms: number };

export interface RecordingSpec {
  dir: string;
  from?: RangeBound;
  to?: RangeBound;
  /** The range as typed, for messages. */
  rangeText?: string;
}

const CLOCK_RE = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/;
const DAY_MS = 86_400_000;

/** True when `target` names a recording (a directory, with or without `@FROM..TO`) rather than a profile file. */
export function looksLikeRecording(target: string): boolean {
  if (isDirectory(target)) return true;
  const at = target.lastIndexOf('@');
  return at > 0 && target.slice(at + 1).includes('..') && isDirectory(target.slice(0, at));
}

export function parseRecordingSpec(spec: string): RecordingSpec {
  if (isDirectory(spec)) return { dir: spec };
  const at = spec.lastIndexOf('@');
  if (at <= 0) return { dir: spec };
  const dir = spec.slice(0, at);
  const rangeText = spec.slice(at + 1);
  const sep = rangeText.indexOf('..');
  if (sep < 0) {
    throw new RecordingError(`recording range '${rangeText}' has no '..'; write DIR@FROM..TO, e.g. ${dir}@5m..10m, ${dir}@..5m or ${dir}@14:30..14:35`);
  }
  const from = parseBound(rangeText.slice(0, sep), rangeText);
  const to = parseBound(rangeText.slice(sep + 2), rangeText);
  return { dir, from, to, rangeText };
}

function parseBound(text: string, rangeText: string): RangeBound | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const offset = parseDurationMs(t);
  if (offset !== undefined) return { type: 'offset', ms: offset };
  if (t === '0') return { type: 'offset', ms: 0 };
  const clock = CLOCK_RE.exec(t);
  if (clock) {
    const [hours, minutes, seconds] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    if (hours < 24 && minutes < 60 && seconds < 60) return { type: 'clock', hours, minutes, seconds };
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return { type: 'absolute', ms };
  }
  throw new RecordingError(
    `cannot read '${t}' in range '${rangeText}': use an offset from the recording's start (5m, 90s, 1h), a local clock time (14:30, 14:30:15) or an ISO time (2026-11-27T14:30:00Z)`,
  );
}

/**
 * The time range [fromMs, toMs) a spec selects in a recording that starts at `recordingStartMs`. Clock times are
 * local times on the recording's first day, or the next day when that is nearer the recording (runs past midnight).
 */
export function resolveRange(spec: RecordingSpec, recordingStartMs: number): { fromMs: number; toMs: number } {
  const resolve = (b: RangeBound | undefined, fallback: number): number => {
    if (!b) return fallback;
    if (b.type === 'offset') return recordingStartMs + b.ms;
    if (b.type === 'absolute') return b.ms;
    const day = new Date(recordingStartMs);
    day.setHours(b.hours, b.minutes, 0, 0);
    let ms = day.getTime() + b.seconds * 1000;
    if (ms < recordingStartMs - DAY_MS / 2) ms += DAY_MS;
    return ms;
  };
  const fromMs = resolve(spec.from, -Infinity);
  let toMs = resolve(spec.to, Infinity);
  if (spec.to?.type === 'clock' && spec.from?.type === 'clock' && toMs <= fromMs) toMs += DAY_MS;
  if (toMs <= fromMs) {
    throw new RecordingError(`recording range '${spec.rangeText}' ends before it starts; write the earlier time first`);
  }
  return { fromMs, toMs };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
