// What `bench nodes` prints: a table of runs, the USL parameters, and two charts (throughput against node count
// with the USL curve and linear scaling; the crawl rate over time for every node count on one grid).
import { renderTerminalChart, type ChartSeries } from '../common/terminal-chart.js';
import { uslThroughput } from '../common/usl-fit.js';
import type { NodesResult } from './result.js';

export function throughputSeries(r: NodesResult, samples = 40): ChartSeries[] {
  const runs = [...r.runs].sort((a, b) => a.nodes - b.nodes);
  const series: ChartSeries[] = [{ name: 'measured', points: runs.map((x) => [x.nodes, x.pagesPerSec]) }];
  if (runs.length === 0) return series;
  const maxN = runs[runs.length - 1].nodes;
  const xs = Array.from({ length: samples }, (_, i) => 1 + ((maxN - 1) * i) / (samples - 1));
  if (r.usl.sigma !== null && r.usl.kappa !== null && r.usl.lambda !== undefined) {
    const p = { lambda: r.usl.lambda, sigma: r.usl.sigma, kappa: r.usl.kappa };
    series.push({ name: `USL fit (σ=${r.usl.sigma}, κ=${r.usl.kappa})`, points: xs.map((n) => [n, uslThroughput(n, p)]) });
  }
  const base = runs[0];
  series.push({ name: 'linear scaling', points: xs.map((n) => [n, (base.pagesPerSec / base.nodes) * n]) });
  return series;
}

export function rateOverTimeSeries(r: NodesResult): ChartSeries[] {
  const bucketSec = r.settings.bucketMs / 1000;
  return [...r.runs]
    .sort((a, b) => a.nodes - b.nodes)
    .map((run) => ({
      name: `${run.nodes} node${run.nodes === 1 ? '' : 's'}`,
      // Up to the end of the measured window: the last bucket is cut short by the end of the run.
      points: run.ratePerSec.slice(0, run.window.to).map((v, i): [number, number] => [i * bucketSec, v]),
    }));
}

function fmt(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined ? '—' : x.toFixed(digits);
}

export function runsTable(r: NodesResult): string {
  // CPU columns when the runs measured them: machine busy, and the store server's (FerretDB started by the bench).
  const withServer = r.runs.some((x) => x.cpu?.storeServer);
  const withMachine = r.runs.some((x) => x.cpu?.machineBusy != null);
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(0)}%`);
  const head = [
    'nodes',
    'pages/s',
    'efficiency',
    'verdict',
    'change',
    'whole run',
    'per node pages/s',
    'postponed',
    'crawled',
    ...(withMachine ? ['machine busy'] : []),
    ...(withServer ? ['FerretDB CPU', 'FerretDB ms/page'] : []),
  ];
  const rows = [...r.runs]
    .sort((a, b) => a.nodes - b.nodes)
    .map((x) => [
      String(x.nodes),
      fmt(x.pagesPerSec, 1),
      fmt(x.efficiency),
      x.trend.verdict,
      x.trend.relativeChange === null ? '—' : `${(x.trend.relativeChange * 100).toFixed(0)}%`,
      // The verdict with the warm-up included: a fault that collapses the rate before the window opens shows here.
      `${x.wholeRunTrend.verdict}${x.wholeRunTrend.relativeChange === null ? '' : ` ${(x.wholeRunTrend.relativeChange * 100).toFixed(0)}%`}`,
      Object.values(x.perNode).map((p) => p.pagesPerSec.toFixed(1)).join(' '),
      String(x.totals.postponed),
      String(x.totals.crawled),
      ...(withMachine ? [pct(x.cpu?.machineBusy)] : []),
      ...(withServer ? [pct(x.cpu?.storeServer?.coreShare), fmt(x.cpu?.storeServer?.msPerPage, 0)] : []),
    ]);
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  return all
    .map((row) => row.map((cell, c) => (c === 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

/** Share of all cores busy from which a run counts as CPU-bound: its throughput is the machine's, not the crawler's. */
export const CPU_BOUND_BUSY = 0.9;

/**
 * Names the runs during which the machine's cores were (nearly) all busy: there adding nodes adds processes competing
 * for the same cores, so a flat or falling throughput says "out of CPU" (and who used it), not "the crawler does not
 * scale". Undefined when no run was.
 */
export function cpuBoundNote(r: NodesResult): string | undefined {
  const runs = [...r.runs].sort((a, b) => a.nodes - b.nodes);
  const notes: string[] = [];
  const bound = runs.filter((x) => (x.cpu?.machineBusy ?? 0) >= CPU_BOUND_BUSY);
  if (bound.length > 0) {
    const list = bound
      .map((x) => {
        const server = x.cpu?.storeServer ? `, FerretDB ${(x.cpu.storeServer.coreShare).toFixed(2)} cores` : '';
        return `${x.nodes} node(s) (${((x.cpu?.machineBusy ?? 0) * 100).toFixed(0)}% busy${server})`;
      })
      .join(', ');
    notes.push(
      `CPU-bound: ${list}. The ${r.machine.cores} cores were ${Math.round(CPU_BOUND_BUSY * 100)}%+ busy over the measured window, so these ` +
        `runs measure the machine (and whatever else ran on it), not how the crawler scales.`,
    );
  }
  // The store server near one full core while the machine still had CPU to spare: on SQLite the server's
  // one-at-a-time part (one write transaction at a time) is the ceiling, about 1000 / (its ms per page); on
  // PostgreSQL, its CPU per page against the cores left to it.
  const serverBound = runs.filter((x) => (x.cpu?.storeServer?.coreShare ?? 0) >= CPU_BOUND_BUSY && (x.cpu?.machineBusy ?? 1) < CPU_BOUND_BUSY);
  if (serverBound.length > 0) {
    const list = serverBound
      .map((x) => {
        const s = x.cpu!.storeServer!;
        const ceiling = s.msPerPage ? `, ceiling ≈ ${(1000 / s.msPerPage).toFixed(1)} pages/s at ${s.msPerPage.toFixed(0)} ms/page` : '';
        return `${x.nodes} node(s) (FerretDB ${(s.coreShare * 100).toFixed(0)}% of a core, machine ${((x.cpu?.machineBusy ?? 0) * 100).toFixed(0)}% busy${ceiling})`;
      })
      .join(', ');
    const why =
      r.backend === 'postgresql'
        ? `its CPU per page (FerretDB translating each command to SQL, PostgreSQL running it) caps the crawl at about ` +
          `the cores it can have divided by that cost`
        : `its serial part (FerretDB's SQLite backend writes one transaction at a time) caps the crawl, whatever the node count`;
    notes.push(`Store-bound: ${list}. The store server used about one full core while the machine had CPU to spare: ${why}.`);
  }
  return notes.length > 0 ? notes.join('\n') : undefined;
}

export function renderNodesTerminal(r: NodesResult, color: boolean): string {
  const usl =
    r.usl.sigma === null
      ? 'USL: not fitted (needs at least two node counts)'
      : `USL: σ (contention) = ${r.usl.sigma}, κ (coherency) = ${r.usl.kappa}, peak at ${r.usl.peakNodes ?? 'no peak (κ = 0)'} nodes, λ = ${fmt(r.usl.lambda)} pages/s, R² = ${fmt(r.usl.r2, 3)} (${r.usl.fitted})`;
  const cpuNote = cpuBoundNote(r);
  return [
    `${r.scenario} on ${r.store}${r.backend ? ` (FerretDB/${r.backend === 'postgresql' ? 'PostgreSQL' : 'SQLite'})` : ''}: ${r.runs.length} run(s) of ${r.settings.durationSec} s, ${r.settings.workersPerNode} workers per node; ${r.machine.cores} cores, Node ${r.machine.node}`,
    '',
    runsTable(r),
    ...(cpuNote ? ['', cpuNote] : []),
    '',
    usl,
    '',
    renderTerminalChart(throughputSeries(r), { xLabel: 'nodes', yLabel: 'pages/s against nodes', color }),
    renderTerminalChart(rateOverTimeSeries(r), { xLabel: 's since first page', yLabel: 'pages/s over time', color }),
  ].join('\n');
}
