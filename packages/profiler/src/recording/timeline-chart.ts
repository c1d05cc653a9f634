// Draws a frame timeline in the terminal: an asciichart line of the share per step, the time axis, the summary.
import { createRequire } from 'node:module';
import { formatDurationMs } from './duration.js';
import type { FrameTimeline } from './timeline.js';

// asciichart is CommonJS without type declarations; required with the one signature used here, rather than an
// ambient module declaration that another package's own declaration could clash with.
const asciichart = createRequire(import.meta.url)('asciichart') as {
  plot(series: number[], cfg?: { height?: number; min?: number; max?: number; format?: (x: number) => string }): string;
};

export interface TimelineChartOptions {
  /** Chart columns; longer timelines are averaged down. Default 80. */
  width?: number;
  /** Chart rows. Default 10. */
  height?: number;
}

export function formatTimelineChart(t: FrameTimeline, opts: TimelineChartOptions = {}): string {
  const width = opts.width ?? 80;
  const shares = t.points.map((p) => p.share * 100);
  const series = downsample(shares, width);
  const lines = [`share of wall time in frames matching '${t.frame}' (${t.recording}${t.process ? `, process ${t.process}` : ''})`];
  if (series.length > 0) {
    const chart = asciichart.plot(series.length === 1 ? [series[0], series[0]] : series, {
      height: opts.height ?? 10,
      min: 0,
      max: Math.max(1, Math.ceil(Math.max(...series) / 10) * 10),
      format: (x) => `${x.toFixed(0).padStart(4)}% `,
    });
    lines.push(chart);
    const axisPad = ' '.repeat(7);
    const startLabel = '0s';
    const endLabel = formatDurationMs(t.points[t.points.length - 1].offsetMs + t.stepMs);
    const gap = Math.max(1, series.length - startLabel.length - endLabel.length + 1);
    lines.push(`${axisPad}${startLabel}${' '.repeat(gap)}${endLabel}  (from recording start, ${t.recordingStart})`);
  }
  lines.push(t.summary);
  return `${lines.join('\n')}\n`;
}

/** Averages consecutive values so at most `width` remain. */
function downsample(values: number[], width: number): number[] {
  if (values.length <= width) return values;
  const out: number[] = [];
  const per = values.length / width;
  for (let i = 0; i < width; i++) {
    const slice = values.slice(Math.floor(i * per), Math.max(Math.floor(i * per) + 1, Math.floor((i + 1) * per)));
    out.push(slice.reduce((s, v) => s + v, 0) / slice.length);
  }
  return out;
}
