// Self-contained SVG line charts for the bench's HTML page (no script, no external assets): axes with ticks,
// one polyline per series, a legend. Drawn by hand because it is a few dozen lines and the page must stay one file.

export interface SvgSeries {
  name: string;
  points: Array<[number, number]>;
  /** Dashed line (fits, ideal lines) instead of a solid one with markers. */
  dashed?: boolean;
}

export interface SvgChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Mark these x values on the axis instead of evenly spaced ticks (e.g. the node counts). */
  xTicks?: number[];
}

const PALETTE = ['#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceStep(span: number, target: number): number {
  const raw = span / target;
  const mag = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
}

export function renderSvgChart(series: SvgSeries[], o: SvgChartOptions): string {
  const W = o.width ?? 860;
  const H = o.height ?? 360;
  const m = { left: 64, right: 250, top: 36, bottom: 48 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const all = series.flatMap((s) => s.points);
  const xMin = Math.min(...all.map((p) => p[0]));
  const xMax = Math.max(...all.map((p) => p[0]), xMin + 1);
  const yStep = niceStep(Math.max(...all.map((p) => p[1]), 1), 5);
  const yMax = Math.ceil(Math.max(...all.map((p) => p[1]), 1) / yStep) * yStep;
  const sx = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const sy = (y: number) => m.top + ph - (y / yMax) * ph;
  const parts: string[] = [];
  parts.push(`<text x="${W / 2 - m.right / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(o.title)}</text>`);
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${sy(y)}" y2="${sy(y)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${sy(y) + 4}" text-anchor="end">${Number(y.toPrecision(6))}</text>`);
  }
  const xTicks = o.xTicks ?? Array.from({ length: 6 }, (_, i) => xMin + ((xMax - xMin) * i) / 5);
  for (const x of xTicks) {
    parts.push(`<line x1="${sx(x)}" x2="${sx(x)}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="#333"/>`);
    parts.push(`<text x="${sx(x)}" y="${m.top + ph + 18}" text-anchor="middle">${Number(x.toFixed(1))}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}><title>${esc(s.name)}</title></polyline>`);
    if (!s.dashed && s.points.length <= 16) {
      for (const [x, y] of s.points) parts.push(`<circle cx="${sx(x)}" cy="${sy(y)}" r="3.5" fill="${color}"><title>${esc(`${s.name}: ${x} → ${y.toFixed(2)}`)}</title></circle>`);
    }
    const ly = m.top + 10 + i * 18;
    parts.push(`<line x1="${W - m.right + 12}" x2="${W - m.right + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${W - m.right + 42}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">${parts.join('')}</svg>`;
}
