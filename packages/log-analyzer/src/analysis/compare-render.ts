// Terminal view of a run comparison: a table per run, scaling findings, the USL fit, and a chart of throughput
// against node count (measured, and the USL curve when fitted). Pure: returns the text.
import asciichart from 'asciichart';
import { uslThroughput } from './usl.js';
import type { Comparison } from './compare.js';

export function renderComparison(c: Comparison, seriesName: string, options: { width?: number; color?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`Throughput of '${seriesName}' over the first ${formatDuration(c.windowMs)} of each run (same window for all)`);
  const header = ['run', 'nodes', 'lines/s', 'per node', 'efficiency', 'change', 'verdict'];
  const rows = c.runs.map((r) => [
    r.label,
    `${r.nodes}${r.nodesFrom === 'groups' ? '*' : ''}`,
    num(r.throughput),
    num(r.throughputPerNode),
    r.efficiency === null ? '-' : `${(100 * r.efficiency).toFixed(0)}%`,
    r.trend.relativeChange === null ? '-' : `${r.trend.relativeChange > 0 ? '+' : ''}${(100 * r.trend.relativeChange).toFixed(0)}%`,
    r.trend.verdict,
  ]);
  out.push(table([header, ...rows]));
  if (c.runs.some((r) => r.nodesFrom === 'groups')) out.push('* node count taken from the number of groups (files) that logged; give --nodes to set it');
  for (const r of c.runs) for (const s of r.stopped) out.push(`${r.label}: ${s.group}: no lines after ${s.lastEventAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`);
  out.push('');
  const sc = c.scaling;
  const pct = (x: number | null): string => (x === null ? '-' : `${x > 0 ? '+' : ''}${(100 * x).toFixed(0)}%`);
  out.push(`Scaling efficiency is throughput per node relative to the ${sc.baselineNodes}-node run.`);
  out.push(`Decay with more nodes: ${sc.decayWithNodes} (${pct(sc.decayAtFewest)} at the fewest nodes, ${pct(sc.decayAtMost)} at the most)`);
  if (c.usl) {
    const u = c.usl;
    const iv = u.intervals;
    const range = (r: [number | null, number | null] | undefined, digits: number): string =>
      r ? ` [${r[0] === null ? '∞' : r[0].toFixed(digits)}, ${r[1] === null ? '∞' : r[1].toFixed(digits)}]` : '';
    out.push(
      `USL fit: sigma ${u.sigma.toFixed(4)}${range(iv?.sigma, 4)} (contention), kappa ${u.kappa.toFixed(6)}${range(iv?.kappa, 6)} (coherency), ` +
        `lambda ${num(u.lambda)} lines/s per node, R² ${u.rSquared.toFixed(3)}`,
    );
    out.push(
      u.peakNodes === null
        ? 'No peak: throughput keeps rising but flattens towards ' + num(u.lambda / Math.max(u.sigma, 1e-12)) + ' lines/s (contention only).'
        : `Throughput peaks at ${u.peakNodes.toFixed(1)} nodes${range(iv?.peakNodes, 1)} (${num(u.peakThroughput!)} lines/s); more nodes make the crawl slower.`,
    );
    if (iv) out.push(`(${Math.round(iv.level * 100)}% bootstrap intervals in brackets)`);
    else out.push('(no intervals: 3 points fit 3 parameters exactly; a fourth node count gives them)');
  } else if (c.uslSkipped) out.push(`USL fit skipped: ${c.uslSkipped}`);
  out.push('', chart(c, options.width ?? 100, options.color ?? false));
  return out.join('\n') + '\n';
}

function chart(c: Comparison, width: number, color: boolean): string {
  const points = [...c.runs].sort((a, b) => a.nodes - b.nodes);
  const lo = points[0].nodes;
  const hi = Math.max(points[points.length - 1].nodes, c.usl?.peakNodes ? Math.min(Math.ceil(c.usl.peakNodes * 1.3), points[points.length - 1].nodes * 2) : 0);
  const columns = Math.max(2, Math.min(width - 16, 60));
  const xs = Array.from({ length: columns }, (_, i) => lo + ((hi - lo) * i) / (columns - 1));
  // Measured throughput, linearly interpolated between node counts, up to the largest run (asciichart draws
  // shorter series as far as they go; it cannot skip NaN).
  const measured = xs.filter((x) => x <= points[points.length - 1].nodes + 1e-9).map((x) => {
    let k = 0;
    while (k + 1 < points.length && points[k + 1].nodes < x) k++;
    const a = points[k];
    const b = points[Math.min(k + 1, points.length - 1)];
    if (b.nodes === a.nodes) return a.throughput;
    return a.throughput + ((b.throughput - a.throughput) * (x - a.nodes)) / (b.nodes - a.nodes);
  });
  const fitted = c.usl ? xs.map((x) => uslThroughput(x, c.usl!)) : null;
  const top = Math.max(...measured, ...(fitted ?? []));
  const draw = (series: number[][], colors: string[]): string =>
    asciichart.plot(series, { height: 10, min: 0, max: top, format: (v: number) => num(v).padStart(10), colors: color ? colors : undefined });
  const axisOf = (from: number, to: number, len: number): string =>
    `${' '.repeat(11)}${String(from).padEnd(Math.max(String(from).length + 1, len - String(to).length + 1))}${to}  nodes`;
  const axis = axisOf(lo, hi, columns);
  const measuredAxis = axisOf(lo, points[points.length - 1].nodes, measured.length);
  if (!fitted) return `${draw([measured], [asciichart.cyan])}\n${measuredAxis}\nlines/s against nodes (measured, interpolated between runs)`;
  if (color) {
    return `${draw([measured, fitted], [asciichart.cyan, asciichart.yellow])}\n${axis}\nlines/s against nodes: ${asciichart.cyan}measured${asciichart.reset}, ${asciichart.yellow}USL fit${asciichart.reset}`;
  }
  // Without colour two overlapping lines cannot be told apart: one chart each, on the same scale.
  return [draw([measured], []), measuredAxis, 'lines/s against nodes, measured (interpolated between runs)', '', draw([fitted], []), axis, 'lines/s against nodes, USL fit'].join('\n');
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) => r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  ')).join('\n');
}

function num(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
