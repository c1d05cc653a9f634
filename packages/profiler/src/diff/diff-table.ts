// The terminal report of a diff: the frames whose share of time grew most, both shares, most grown first; and
// the same figures as JSON for scripts.
import { formatDurationMs } from '../recording/duration.js';
import { idleShares, topGrown, topShrunk, type FrameDelta, type ProfileDiff } from './diff-profiles.js';

export interface DiffReportOptions {
  /** Rows in each table. Default 15. */
  top?: number;
}

const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
const signedPct = (delta: number): string => `${delta >= 0 ? '+' : '−'}${(Math.abs(delta) * 100).toFixed(1)}%`;

function rows(frames: FrameDelta[]): string[] {
  const header = ['Δ self', 'self before → after', 'total before → after', 'frame'];
  const cells = frames.map((f) => [
    signedPct(f.selfDelta),
    `${pct(f.before.self).padStart(6)} → ${pct(f.after.self).padStart(6)}`,
    `${pct(f.before.total).padStart(6)} → ${pct(f.after.total).padStart(6)}`,
    f.label,
  ]);
  const widths = header.slice(0, 3).map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => `  ${c[0].padStart(widths[0])}  ${c[1].padStart(widths[1])}  ${c[2].padStart(widths[2])}  ${c[3]}`;
  return [line(header), ...cells.map(line)];
}

export function formatDiffTable(diff: ProfileDiff, opts: DiffReportOptions = {}): string {
  const top = opts.top ?? 15;
  const side = (s: ProfileDiff['before']): string => `${s.name} (${formatDurationMs(s.totalUs / 1000)} of samples)`;
  const idle = idleShares(diff);
  const waitShare = (s: ProfileDiff['before']): number => (s.totalUs > 0 ? s.waitUs / s.totalUs : 0);
  const waits = diff.before.waitUs > 0 || diff.after.waitUs > 0 ? `; waiting (blocked in a call) ${pct(waitShare(diff.before))} → ${pct(waitShare(diff.after))}` : '';
  const out = [
    `before: ${side(diff.before)}`,
    `after:  ${side(diff.after)}`,
    `Shares are of each profile's own total time; idle (no JS running: waiting on I/O, or for a CPU) ${pct(idle.before)} → ${pct(idle.after)}${waits}.`,
    '',
  ];
  const grown = topGrown(diff, top);
  out.push(grown.length ? 'Grew most (share of time):' : 'No frame takes a larger share of time in AFTER.');
  if (grown.length) out.push(...rows(grown));
  const shrunk = topShrunk(diff, Math.min(top, 5));
  if (shrunk.length) out.push('', 'Shrank most:', ...rows(shrunk));
  return `${out.join('\n')}\n`;
}

export function diffToJson(diff: ProfileDiff, opts: DiffReportOptions = {}): object {
  const top = opts.top ?? 15;
  return {
    schema: 'crawl-diag/flame-diff@1',
    before: diff.before,
    after: diff.after,
    idle: idleShares(diff),
    grown: topGrown(diff, top),
    shrunk: topShrunk(diff, top),
  };
}
