// `crawl-diag flame timeline DIR --frame NAME`: the share of wall time spent in matching frames, window by window
// over a recording, so a slow drift ("the frontier query went from 3% to 61%") shows as a rising line.
import type { Profile } from '../model.js';
import { formatDurationMs } from './duration.js';
import { frameMatcher } from './frame-matcher.js';
import { readWindow, selectWindows } from './load-range.js';

export interface TimelinePoint {
  /** Offset of the time step from the recording's start, ms. */
  offsetMs: number;
  start: string;
  /** Share of the step's time with a matching frame on the stack, 0..1 (idle time counts in the total). */
  share: number;
  /**
   * The same share of the busy (non-idle) time only: on a machine with no CPU to spare, idle also holds the time a
   * process waited for a core, which dilutes `share`; this one is not affected.
   */
  busyShare: number;
  matchedUs: number;
  totalUs: number;
  idleUs: number;
  /** Window files in this step (one per process). */
  windows: number;
  /** Less than half the usual time in this step (a process's last window, cut short at exit): left out of first/last. */
  partial: boolean;
}

export interface FrameTimeline {
  schema: 'crawl-diag/flame-timeline@1';
  recording: string;
  frame: string;
  process?: string;
  recordingStart: string;
  stepMs: number;
  points: TimelinePoint[];
  /** Mean share over the first and the last tenth of the points (at least one each; partial steps left out). */
  first: number;
  last: number;
  verdict: 'grew' | 'shrank' | 'steady' | 'absent';
  summary: string;
}

export interface TimelineOptions {
  process?: string;
}

/** An absolute change below this (5 points of share) reads as steady. */
const STEADY_BAND = 0.05;

export async function frameTimeline(spec: string, frame: string, opts: TimelineOptions = {}): Promise<FrameTimeline> {
  const matcher = frameMatcher(frame);
  const { recording, windows } = await selectWindows(spec, opts);
  // Steps are the recording's typical window length, so each process contributes one window per step.
  const stepMs = recording.windowMs ?? 30_000;
  const steps = new Map<number, TimelinePoint>();
  for (const w of windows) {
    const profile = await readWindow(w);
    const { matchedUs, totalUs, idleUs } = matchedTime(profile, matcher.test);
    const index = Math.round((w.startMs - recording.startMs) / stepMs);
    let point = steps.get(index);
    if (!point) {
      const offsetMs = index * stepMs;
      point = { offsetMs, start: new Date(recording.startMs + offsetMs).toISOString(), share: 0, busyShare: 0, matchedUs: 0, totalUs: 0, idleUs: 0, windows: 0, partial: false };
      steps.set(index, point);
    }
    point.matchedUs += matchedUs;
    point.totalUs += totalUs;
    point.idleUs += idleUs;
    point.windows++;
  }
  const points = [...steps.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, p]) => ({
      ...p,
      share: p.totalUs > 0 ? p.matchedUs / p.totalUs : 0,
      busyShare: p.totalUs - p.idleUs > 0 ? p.matchedUs / (p.totalUs - p.idleUs) : 0,
    }));
  const usual = median(points.map((p) => p.totalUs));
  for (const p of points) p.partial = p.totalUs < usual / 2;
  const whole = points.some((p) => !p.partial) ? points.filter((p) => !p.partial) : points;
  const tenth = Math.max(1, Math.floor(whole.length / 10));
  const mean = (ps: TimelinePoint[]): number => ps.reduce((s, p) => s + p.share, 0) / ps.length;
  const first = mean(whole.slice(0, tenth));
  const last = mean(whole.slice(-tenth));
  const any = points.some((p) => p.matchedUs > 0);
  const verdict = !any ? 'absent' : last - first > STEADY_BAND ? 'grew' : first - last > STEADY_BAND ? 'shrank' : 'steady';
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const span = formatDurationMs(points[points.length - 1].offsetMs + stepMs);
  const summary =
    verdict === 'absent'
      ? `no frame matching '${frame}' in ${points.length} steps of ${formatDurationMs(stepMs)}; check the name (it is matched against 'function (file:line)')`
      : `time in frames matching '${frame}' ${verdict === 'steady' ? 'stayed near' : verdict} ${verdict === 'steady' ? pct(last) : `from ${pct(first)} to ${pct(last)}`} of wall time over ${span} (${points.length} steps of ${formatDurationMs(stepMs)}; first and last tenth compared)`;
  return {
    schema: 'crawl-diag/flame-timeline@1',
    recording: spec,
    frame,
    ...(opts.process ? { process: opts.process } : {}),
    recordingStart: new Date(recording.startMs).toISOString(),
    stepMs,
    points,
    first,
    last,
    verdict,
    summary,
  };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

/** Time of samples with a matching frame anywhere on the stack, all time (idle included), and idle time. */
export function matchedTime(
  profile: Profile,
  test: (f: Profile['frames'][number]) => boolean,
): { matchedUs: number; totalUs: number; idleUs: number } {
  const matches = profile.frames.map((f) => test(f));
  let matchedUs = 0;
  let totalUs = 0;
  let idleUs = 0;
  for (const s of profile.samples) {
    if (!(s.weightUs > 0) || s.stack.length === 0) continue;
    totalUs += s.weightUs;
    if (s.stack.some((i) => matches[i])) matchedUs += s.weightUs;
    else if (profile.frames[s.stack[s.stack.length - 1]].kind === 'idle') idleUs += s.weightUs;
  }
  return { matchedUs, totalUs, idleUs };
}
