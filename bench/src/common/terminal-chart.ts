// Terminal line charts with asciichart: several series on one grid, an x-axis line under it and a legend.
import asciichart from 'asciichart';

export interface ChartSeries {
  name: string;
  /** [x, y] points, x ascending. */
  points: Array<[number, number]>;
}

export interface TerminalChartOptions {
  /** Columns of the plot area. Default 60. */
  width?: number;
  /** Rows. Default 12. */
  height?: number;
  /** Colour the series (only on a TTY). Default false. */
  color?: boolean;
  xLabel: string;
  yLabel: string;
}

const COLORS = [asciichart.blue, asciichart.green, asciichart.red, asciichart.magenta, asciichart.yellow, asciichart.cyan];

/** y at x by linear interpolation between the series' points (flat beyond its ends). */
function valueAt(points: Array<[number, number]>, x: number): number {
  if (x <= points[0][0]) return points[0][1];
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i];
    if (x <= x1) {
      const [x0, y0] = points[i - 1];
      return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return points[points.length - 1][1];
}

export function renderTerminalChart(series: ChartSeries[], opts: TerminalChartOptions): string {
  const shown = series.filter((s) => s.points.length > 0);
  if (shown.length === 0) return '(no data)\n';
  const width = opts.width ?? 60;
  const xMin = Math.min(...shown.map((s) => s.points[0][0]));
  const xMax = Math.max(...shown.map((s) => s.points[s.points.length - 1][0]));
  const xs = Array.from({ length: width }, (_, i) => xMin + ((xMax - xMin) * i) / Math.max(1, width - 1));
  // Each series is drawn only over its own x range, so a shorter run does not appear to flatline.
  const rows = shown.map((s) => {
    const end = s.points[s.points.length - 1][0];
    const ys = xs.filter((x) => x <= end + 1e-9).map((x) => valueAt(s.points, x));
    return ys;
  });
  const colors = shown.map((_, i) => COLORS[i % COLORS.length]);
  const plot = asciichart.plot(rows, {
    height: opts.height ?? 12,
    min: 0,
    colors: opts.color ? colors : undefined,
    format: (y: number) => y.toFixed(1).padStart(8),
  });
  const pad = ' '.repeat(10);
  const midValue = (xMin + xMax) / 2;
  const mid = Number.isInteger(midValue) ? String(midValue) : midValue.toFixed(1);
  const axis = `${pad}${String(xMin)}${' '.repeat(Math.max(1, Math.floor(width / 2) - String(xMin).length - Math.floor(mid.length / 2)))}${mid}${' '.repeat(Math.max(1, width - Math.floor(width / 2) - Math.ceil(mid.length / 2) - String(xMax).length))}${xMax}`;
  const legend = shown
    .map((s, i) => `${opts.color ? colors[i] : ''}── ${s.name}${opts.color ? asciichart.reset : ''}`)
    .join('   ');
  return `${opts.yLabel}\n${plot}\n${axis}  ${opts.xLabel}\n${pad}${legend}\n`;
}
