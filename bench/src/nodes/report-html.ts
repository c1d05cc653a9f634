// The HTML page of a `bench nodes` result: the same table and charts as the terminal, as one self-contained file
// (inline SVG, no scripts).
import { renderSvgChart } from '../common/svg-chart.js';
import { cpuBoundNote, rateOverTimeSeries, runsTable, throughputSeries } from './report-terminal.js';
import type { NodesResult } from './result.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderNodesHtml(r: NodesResult): string {
  const throughput = throughputSeries(r).map((s, i) => ({ ...s, dashed: i > 0 }));
  const svg1 = renderSvgChart(throughput, {
    title: 'Throughput against node count',
    xLabel: 'nodes (supervisors)',
    yLabel: 'pages/s',
    xTicks: r.runs.map((x) => x.nodes),
  });
  const svg2 = renderSvgChart(rateOverTimeSeries(r), { title: 'Crawl rate over time', xLabel: 's since first page', yLabel: 'pages/s' });
  const ratio = r.runs
    .map((run) => ({
      name: `${run.nodes} node${run.nodes === 1 ? '' : 's'}`,
      points: run.postponedRatio
        .slice(0, run.window.to)
        .map((v, i): [number, number] | null => (v === null ? null : [(i * r.settings.bucketMs) / 1000, v]))
        .filter((p): p is [number, number] => p !== null),
    }))
    .filter((s) => s.points.length > 0);
  const svg3 = ratio.some((s) => s.points.some((p) => p[1] > 0))
    ? renderSvgChart(ratio, { title: 'Postponed per crawled page over time', xLabel: 's since first page', yLabel: 'postponed / crawled' })
    : '<p>No URL was postponed in any run.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>crawl-diag bench: ${esc(r.scenario)} on ${esc(r.store)}</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style>
</head><body>
<h1>crawl-diag bench: ${esc(r.scenario)} on ${esc(r.store)}</h1>
<p>${r.machine.cores} cores (${esc(r.machine.cpu ?? 'unknown CPU')}), Node ${esc(r.machine.node)}, load ${r.machine.loadAtStart ?? '?'} at start; measured ${esc(r.measuredAt)}.<br>
Command: <code>${esc(r.command)}</code></p>
<pre>${esc(runsTable(r))}</pre>
${cpuBoundNote(r) ? `<p>${esc(cpuBoundNote(r)!)}</p>\n` : ''}<p>USL: σ = ${r.usl.sigma ?? '—'}, κ = ${r.usl.kappa ?? '—'}, peak nodes = ${r.usl.peakNodes ?? '—'}, λ = ${r.usl.lambda ?? '—'}, R² = ${r.usl.r2 ?? '—'}</p>
${svg1}
${svg2}
${svg3}
</body></html>
`;
}
