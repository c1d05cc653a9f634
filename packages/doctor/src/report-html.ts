// One self-contained HTML report that works offline: the doctor's findings on top, rate charts per series and per
// node (verdicts and change points marked), the comparison across node counts with the USL curve when a bench
// result is given, and flame graphs (early and late, and their diff) per process kind in iframes.
// Charts are uPlot (a small canvas library made for time series); its built JS and CSS are inlined.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { uslThroughput, type RatioSignal } from '@crawl-diag/log-analyzer';
import { diffProfiles, frameTimes, renderDiffHtml, renderFlameHtml } from '@crawl-diag/profiler';
import type { DoctorResult } from './explain.js';
import { fmtP, pct } from './rules/evidence-text.js';
import type { LogEvidence } from './collect/log-evidence.js';
import type { ProfileEvidence } from './collect/profile-evidence.js';

/** The parts of a `crawl-diag/bench-nodes@1` result the report draws. */
export interface BenchNodesInput {
  schema?: string;
  scenario?: string;
  runs: Array<{ nodes: number; pagesPerSec: number; efficiency?: number | null; trend?: { verdict: string; relativeChange: number | null } }>;
  usl?: { sigma: number | null; kappa: number | null; lambda?: number; peakNodes?: number | null; r2?: number };
}

export interface ReportInput {
  doctor: DoctorResult;
  logs?: LogEvidence;
  profiles?: ProfileEvidence;
  bench?: BenchNodesInput;
  title?: string;
}

/** A chart the page draws: x values (epoch seconds or node counts), named y series, marks. */
interface ChartSpec {
  id: string;
  title: string;
  subtitle: string;
  xTime: boolean;
  xLabel: string;
  yLabel: string;
  x: number[];
  series: Array<{ label: string; values: Array<number | null>; points?: boolean; color?: string }>;
  /** Vertical marks in x units: change points, a group's stop, the judged window. */
  marks: Array<{ x: number; label: string; color: string; kind: 'change' | 'stop' | 'window' }>;
}

/** Series colours (d3's category10 reordered); a group's change points are drawn in its line's colour. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#d62728'];
const CHANGE_RED = '#d62728';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Safe inside a <script> element: `<` never appears raw, so nothing can close it. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const main = require.resolve('uplot/dist/uPlot.iife.min.js');
  const js = readFileSync(main, 'utf8').replace(/<\/script/gi, '<\\/script');
  const css = readFileSync(main.replace(/uPlot\.iife\.min\.js$/, 'uPlot.min.css'), 'utf8');
  return { js, css };
}

const META_SERIES = new Set(['crawl end']);

function verdictText(t: { verdict: string; relativeChange: number | null; pValue: number | null }): string {
  return `${t.verdict}${t.relativeChange !== null ? ` (${t.relativeChange >= 0 ? '+' : ''}${pct(t.relativeChange)}, ${fmtP(t.pValue)})` : ''}`;
}

function logCharts(logs: LogEvidence): ChartSpec[] {
  const r = logs.report;
  const sig = logs.signals;
  const start = Date.parse(r.start) / 1000;
  const step = r.bucketMs / 1000;
  const perSec = 1000 / r.bucketMs;
  const x = Array.from({ length: r.buckets }, (_, i) => start + i * step);
  const windowMarks = [
    { x: start + sig.window.from * step, label: 'judged from', color: '#888', kind: 'window' as const },
    { x: start + sig.window.to * step, label: 'judged to', color: '#888', kind: 'window' as const },
  ];
  const charts: ChartSpec[] = [];
  // A rate that is no count series of the report (a counter differenced, fetch lines less failures) is drawn here.
  if (!r.series.some((s) => s.name === sig.rate.series)) {
    charts.push({
      id: `series-${charts.length}`,
      title: `${sig.rate.series}: pages per second (the crawl rate)`,
      subtitle: `judged window ${verdictText(sig.rate)}`,
      xTime: true,
      xLabel: 'time',
      yLabel: 'per second',
      x,
      series: [{ label: sig.rate.series, values: sig.rate.perBucket.map((c) => c * perSec) }],
      marks: windowMarks,
    });
  }
  for (const s of r.series) {
    if (META_SERIES.has(s.name) || s.total === 0) continue;
    const isRate = s.name === sig.rate.series;
    charts.push({
      id: `series-${charts.length}`,
      title: `${s.name}: lines per second${isRate ? ' (the crawl rate)' : ''}`,
      subtitle: `whole log ${verdictText(s.trend)}${isRate ? `; judged window ${verdictText(sig.rate)}` : ''}; ${s.changePoints.length} change point(s)`,
      xTime: true,
      xLabel: 'time',
      yLabel: 'per second',
      x,
      series: [{ label: s.name, values: s.counts.map((c) => c * perSec) }],
      marks: [
        ...s.changePoints.map((c) => ({ x: Date.parse(c.at) / 1000, label: `change ${(c.before * perSec).toFixed(1)} → ${(c.after * perSec).toFixed(1)}/s`, color: CHANGE_RED, kind: 'change' as const })),
        ...(isRate ? windowMarks : []),
      ],
    });
  }
  const rate = r.series.find((s) => s.name === sig.rate.series);
  const groups = rate ? Object.entries(rate.groups).filter(([, g]) => g.total > 0) : [];
  if (rate && groups.length > 1) {
    const colorOf = new Map(groups.map(([name], i) => [name, PALETTE[i % PALETTE.length]]));
    // Each node's own change points, in its line's colour: one node slowing is a different story from all of them.
    const changes = sig.groups.flatMap((g) =>
      g.changePoints.map((c) => ({
        x: Date.parse(c.at) / 1000,
        label: `${g.group}: ${(c.before * perSec).toFixed(1)} → ${(c.after * perSec).toFixed(1)}/s`,
        color: colorOf.get(g.group) ?? CHANGE_RED,
        kind: 'change' as const,
      })),
    );
    const changeCount = sig.groups.map((g) => g.changePoints.length).reduce((a, b) => a + b, 0);
    charts.push({
      id: 'per-node',
      title: `${rate.name} per node / process: lines per second`,
      subtitle:
        groups.map(([name, g]) => `${name} ${g.trend.verdict}`).join(' · ') +
        (sig.stopped.length ? ` · stopped: ${sig.stopped.map((s) => s.group).join(', ')}` : '') +
        ` · ${changeCount} change point(s) in the nodes' own rates`,
      xTime: true,
      xLabel: 'time',
      yLabel: 'per second',
      x,
      series: groups.map(([name, g]) => ({ label: name, values: g.counts.map((c) => c * perSec), color: colorOf.get(name) })),
      marks: [...changes, ...sig.stopped.map((s) => ({ x: Date.parse(s.lastEventAt) / 1000, label: `${s.group} stopped`, color: colorOf.get(s.group) ?? CHANGE_RED, kind: 'stop' as const }))],
    });
  }
  const ratioChart = (id: string, title: string, yLabel: string, ratios: Array<RatioSignal | null>) => {
    const present = ratios.filter((q): q is RatioSignal => q !== null && q.numeratorTotal > 0);
    if (present.length === 0) return;
    charts.push({
      id,
      title,
      subtitle: present.map((q) => `${q.name} ${q.early?.toFixed(3) ?? '—'} early → ${q.late?.toFixed(3) ?? '—'} late (trend ${verdictText(q.trend)})`).join(' · '),
      xTime: true,
      xLabel: 'time',
      yLabel,
      x,
      series: present.map((q) => ({ label: q.name, values: q.perBucket })),
      marks: windowMarks,
    });
  };
  // Requests given up on 429/503: where the log has no line per answer (Scrapy at LOG_LEVEL=INFO), the refusals' one trace.
  const refusedGivenUp = sig.pushbackShare?.numeratorTotal ? [] : [sig.gaveUpRefusedPerPage];
  ratioChart('pushback', 'the web pushing back: 429/503 answers per attempt, retries and timeouts per page', 'ratio', [sig.pushbackShare, sig.retriesPerPage, sig.timeoutsPerPage, sig.gaveUpPerPage, ...refusedGivenUp]);
  ratioChart('postponed-ratio', 'postponed per crawled page', 'ratio', [sig.postponedPerPage]);
  if (sig.domains) {
    const d = sig.domains;
    charts.push({
      id: 'domains',
      title: `domains of the pages fetched per bucket (${d.series})`,
      subtitle: `effective number (1/Σshare²) ${d.early.effective?.toFixed(1) ?? '—'} early → ${d.late.effective?.toFixed(1) ?? '—'} late, trend ${verdictText(d.effectiveTrend)}; distinct ${d.early.distinct} → ${d.late.distinct}`,
      xTime: true,
      xLabel: 'time',
      yLabel: 'domains',
      x,
      series: [
        { label: 'distinct domains', values: d.perBucket.map((b) => (b.pages > 0 ? b.distinct : null)) },
        { label: 'effective domains (1/Σshare²)', values: d.perBucket.map((b) => b.effective) },
      ],
      marks: windowMarks,
    });
  }
  return charts;
}

/** Per process kind, the lines where it waits (wait frames: on what, at which call site), share of wall time early → late. */
function waitLinesHtml(p: ProfileEvidence): string {
  const kinds = Object.entries(p.profiles ?? {});
  const tables: string[] = [];
  for (const [kind, { early, late }] of kinds) {
    const [a, b] = [frameTimes(early), frameTimes(late)];
    const waits = new Map<string, { early: number; late: number }>();
    const add = (t: ReturnType<typeof frameTimes>, side: 'early' | 'late') => {
      for (const f of t.frames.values()) {
        if (f.kind !== 'wait' || t.totalUs <= 0) continue;
        const where = f.file ? ` at ${f.file.replace(/^.*[/\\]/, '')}${f.line !== undefined ? `:${f.line}` : ''}` : '';
        const key = `${f.name}${where}`;
        const w = waits.get(key) ?? { early: 0, late: 0 };
        w[side] += f.selfWaitUs / t.totalUs;
        waits.set(key, w);
      }
    };
    add(a, 'early');
    add(b, 'late');
    const rows = [...waits].sort((x, y) => Math.max(y[1].early, y[1].late) - Math.max(x[1].early, x[1].late)).slice(0, 8);
    if (rows.length === 0) continue;
    tables.push(
      `<h3>${esc(kind)} <small>waiting ${pct(a.totalUs > 0 ? a.waitUs / a.totalUs : 0)} → ${pct(b.totalUs > 0 ? b.waitUs / b.totalUs : 0)} of wall time</small></h3><table class="store"><tr><th>waiting on, at</th><th>early</th><th>late</th></tr>${rows
        .map(([what, w]) => `<tr><td>${esc(what)}</td><td>${pct(w.early, 1)}</td><td>${pct(w.late, 1)}</td></tr>`)
        .join('')}</table>`,
    );
  }
  return tables.length ? `<section id="wait-lines"><h2>Wait shares by line</h2>${tables.join('\n')}</section>` : '';
}

/** Per process kind, the program's lines that call the database, with their share of wall time early and late. */
function storeLinesHtml(p: ProfileEvidence): string {
  const rows = p.kinds.filter((k) => (k.store?.sites.length ?? 0) > 0);
  if (rows.length === 0) return '';
  const body = rows
    .map(
      (k) =>
        `<h3>${esc(k.kind)} <small>database calls ${pct(k.store!.early)} → ${pct(k.store!.late)} of wall time</small></h3><table class="store"><tr><th>calling line</th><th>library</th><th>early</th><th>late</th></tr>${k.store!.sites
          .map((s) => `<tr><td>${esc(s.site)}</td><td>${esc(s.library)}</td><td>${pct(s.early, 1)}</td><td>${pct(s.late, 1)}</td></tr>`)
          .join('')}</table>`,
    )
    .join('\n');
  return `<section id="store-lines"><h2>Store calls by line: where the processes call their database</h2>${body}</section>`;
}

function benchChart(b: BenchNodesInput): ChartSpec {
  const runs = [...b.runs].sort((p, q) => p.nodes - q.nodes);
  const maxN = Math.max(...runs.map((r) => r.nodes), 1);
  const x = Array.from({ length: maxN * 4 }, (_, i) => 1 + (i * (maxN * 1.5 - 1)) / (maxN * 4 - 1));
  const u = b.usl;
  const usl = u && u.sigma !== null && u.kappa !== null && u.lambda !== undefined ? { sigma: u.sigma, kappa: u.kappa, lambda: u.lambda } : undefined;
  const measured = new Map(runs.map((r) => [r.nodes, r.pagesPerSec]));
  const xs = [...new Set([...x, ...runs.map((r) => r.nodes)])].sort((p, q) => p - q);
  return {
    id: 'bench-usl',
    title: `throughput against node count${b.scenario ? ` (${b.scenario})` : ''}`,
    subtitle: usl
      ? `USL fit: σ = ${usl.sigma.toFixed(3)}, κ = ${usl.kappa.toFixed(4)}, λ = ${usl.lambda.toFixed(2)} pages/s${u?.peakNodes ? `; peak at ${u.peakNodes.toFixed(1)} nodes` : ''}`
      : 'no USL fit in the result (it needs 3 or more node counts)',
    xTime: false,
    xLabel: 'nodes',
    yLabel: 'pages per second',
    x: xs,
    series: [
      { label: 'measured', values: xs.map((n) => measured.get(n) ?? null), points: true },
      ...(usl ? [{ label: 'USL', values: xs.map((n) => uslThroughput(n, usl)) }] : []),
    ],
    marks: [],
  };
}

function findingsHtml(d: DoctorResult): string {
  const items = d.findings
    .map(
      (f, i) => `<li class="finding"><div class="f-title"><span class="conf">${pct(f.confidence)}</span> ${i + 1}. ${esc(f.title)}</div>
<div class="f-sum">${esc(f.summary)}</div>
<details><summary>evidence</summary><table>${f.evidence.map((e) => `<tr><td>${esc(e.what)}</td><td>${esc(e.value === null ? '—' : typeof e.value === 'number' ? (e.unit === 'share' ? pct(e.value, 1) : String(+e.value.toFixed(4))) : e.value)}</td><td class="src">${e.source}</td></tr>`).join('')}</table></details></li>`,
    )
    .join('\n');
  return `<section id="findings"><h2>Findings</h2><p class="headline">${esc(d.headline)}</p>${d.findings.length ? `<ol class="findings">${items}</ol>` : '<p>No findings: nothing in the evidence points at a problem.</p>'}</section>`;
}

function flamesHtml(p: ProfileEvidence): string {
  if (!p.profiles || Object.keys(p.profiles).length === 0) return '';
  const frames = Object.entries(p.profiles)
    .map(([kind, { early, late }]) => {
      const diff = diffProfiles(early, late, { before: 'early', after: 'late' });
      const k = p.kinds.find((x) => x.kind === kind);
      const note = k ? `idle ${pct(k.idleEarly)} → ${pct(k.idleLate)}` : '';
      const frame = (title: string, html: string) => `<figure><figcaption>${esc(title)}</figcaption><iframe class="flame" title="${esc(title)}" srcdoc="${esc(html)}"></iframe></figure>`;
      return `<h3>${esc(kind)} <small>${esc(note)}</small></h3>
${frame(`${kind}: what grew from early to late (red grew, blue shrank)`, renderDiffHtml(diff, { title: `${kind}: early → late` }))}
<details><summary>${esc(kind)}: early and late flame graphs</summary>
${frame(`${kind}: early (${p.early.from} .. ${p.early.to})`, renderFlameHtml(early, { title: `${kind}: early` }))}
${frame(`${kind}: late (${p.late.from} .. ${p.late.to})`, renderFlameHtml(late, { title: `${kind}: late` }))}
</details>`;
    })
    .join('\n');
  return `<section id="flames"><h2>Flame graphs</h2>${frames}</section>`;
}

/** The page's own script: one uPlot chart per spec, with vertical marks drawn in the draw hook. */
const CLIENT_JS = `
(function () {
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  var palette = JSON.parse(document.getElementById('palette').textContent);
  function marksPlugin(marks, el) {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx; ctx.save();
      var drawn = [];
      marks.forEach(function (m, i) {
        var x = u.valToPos(m.x, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        // Where each mark was drawn (canvas pixels), so a reader script or a test can find it.
        drawn.push({ x: Math.round(x), top: Math.round(u.bbox.top), height: Math.round(u.bbox.height), color: m.color, kind: m.kind, label: m.label });
        ctx.strokeStyle = m.color; ctx.lineWidth = 1.5 * devicePixelRatio; ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
        ctx.setLineDash([]); ctx.fillStyle = m.color; ctx.font = (11 * devicePixelRatio) + 'px system-ui, sans-serif';
        ctx.fillText(m.label, x + 4 * devicePixelRatio, u.bbox.top + (12 + (i % 6) * 13) * devicePixelRatio);
      });
      ctx.restore();
      el.setAttribute('data-marks-drawn', JSON.stringify(drawn));
    }] } };
  }
  specs.forEach(function (s) {
    var el = document.getElementById(s.id);
    var width = Math.max(320, Math.min(1100, el.clientWidth || 900));
    var series = [{ label: s.xLabel }].concat(s.series.map(function (d, i) {
      var c = d.color || palette[i % palette.length];
      return d.points
        ? { label: d.label, stroke: c, width: 0, points: { show: true, size: 9, fill: c }, value: function (u, v) { return v == null ? '—' : v.toFixed(2); } }
        : { label: d.label, stroke: c, width: 1.5, spanGaps: false, points: { show: false }, value: function (u, v) { return v == null ? '—' : v.toFixed(2); } };
    }));
    var opts = {
      width: width, height: 260, series: series,
      scales: { x: { time: s.xTime } },
      axes: [{ label: s.xTime ? '' : s.xLabel }, { label: s.yLabel }],
      cursor: { drag: { x: true, y: false } },
      plugins: [marksPlugin(s.marks, el)],
    };
    new uPlot(opts, [s.x].concat(s.series.map(function (d) { return d.values; })), el);
  });
  document.body.setAttribute('data-charts-drawn', String(specs.length));
})();
`;

/** The change points and stops of a chart in words, under it (times in UTC). */
function marksList(c: ChartSpec): string {
  const marks = c.marks.filter((m) => m.kind !== 'window').sort((a, b) => a.x - b.x);
  if (marks.length === 0) return '';
  const at = (x: number) => new Date(x * 1000).toISOString().slice(11, 19);
  return `<ul class="marks">${marks.map((m) => `<li class="mark-${m.kind}"><span class="swatch" style="background:${m.color}"></span>${at(m.x)} ${esc(m.label)}</li>`).join('')}</ul>`;
}

export function renderReport(input: ReportInput): string {
  const { js, css } = uplotAssets();
  const charts = [...(input.logs ? logCharts(input.logs) : []), ...(input.bench ? [benchChart(input.bench)] : [])];
  const title = input.title ?? 'crawl-diag report';
  const chartHtml = (c: ChartSpec) => `<div class="chart-box"><h3>${esc(c.title)}</h3><p class="sub">${esc(c.subtitle)}</p><div class="chart" id="${c.id}"></div>${marksList(c)}</div>`;
  const logCh = charts.filter((c) => c.id !== 'bench-usl');
  const benchCh = charts.find((c) => c.id === 'bench-usl');
  const benchTable = input.bench
    ? `<table class="bench"><tr><th>nodes</th><th>pages/s</th><th>efficiency</th><th>rate trend</th></tr>${[...input.bench.runs]
        .sort((a, b) => a.nodes - b.nodes)
        .map((r) => `<tr><td>${r.nodes}</td><td>${r.pagesPerSec.toFixed(2)}</td><td>${r.efficiency == null ? '—' : pct(r.efficiency)}</td><td>${esc(r.trend ? `${r.trend.verdict}${r.trend.relativeChange !== null ? ` (${pct(r.trend.relativeChange)})` : ''}` : '—')}</td></tr>`)
        .join('')}</table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${css}</style>
<style>
body{font:14px system-ui,sans-serif;margin:0 auto;max-width:1160px;padding:12px 20px;color:#222}
h1{font-size:20px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}h3{font-size:14px;margin:14px 0 2px}
.headline{font-weight:600}.findings{padding-left:0;list-style:none}.finding{margin:10px 0;padding:8px 10px;border-left:4px solid #d62728;background:#fbf6f6}
.f-title{font-weight:600}.conf{display:inline-block;min-width:3.2em;font-variant-numeric:tabular-nums;color:#a00}.f-sum{margin:4px 0}
td{padding:2px 10px 2px 0;vertical-align:top}.src{color:#888}.sub{color:#555;margin:0 0 4px;font-size:12px}
.chart-box{margin-bottom:18px}iframe.flame{width:100%;height:460px;border:1px solid #ccc}figure{margin:8px 0}figcaption{font-size:12px;color:#555}
table.bench th,table.store th{text-align:left;padding-right:12px}
ul.marks{list-style:none;padding:0;margin:2px 0 0;font-size:12px;color:#444;columns:2}ul.marks li{margin:1px 0}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;vertical-align:-1px}.meta{color:#777;font-size:12px}
</style></head>
<body>
<h1>${esc(title)}</h1>
<p class="meta">generated ${esc(input.doctor.generatedAt)} by crawl-diag report · works offline</p>
${findingsHtml(input.doctor)}
${logCh.length ? `<section id="rates"><h2>Rates over time</h2>${logCh.map(chartHtml).join('\n')}</section>` : ''}
${input.bench ? `<section id="bench"><h2>Across runs: throughput and node count</h2>${benchTable}${benchCh ? chartHtml(benchCh) : ''}</section>` : ''}
${input.profiles ? storeLinesHtml(input.profiles) : ''}
${input.profiles ? waitLinesHtml(input.profiles) : ''}
${input.profiles ? flamesHtml(input.profiles) : ''}
<script type="application/json" id="chart-data">${scriptJson(charts)}</script>
<script type="application/json" id="palette">${scriptJson(PALETTE)}</script>
<script>${js}</script>
<script>${CLIENT_JS}</script>
</body></html>
`;
}
