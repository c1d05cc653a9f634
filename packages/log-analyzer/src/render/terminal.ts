// The terminal view: one asciichart per series (counts per bucket), the crawl rate's verdict, and a summary table
// per series and group.
// Colour only when asked (the CLI asks when stdout is a TTY and NO_COLOR is unset).
import asciichart from 'asciichart';
import { formatBucket } from '../bucketer/bucket-size.js';
import type { CrawlRateReport, LogsReport, Trend } from '../report.js';
import { edgeRates } from './rates.js';

export interface TerminalOptions {
  /** ANSI colours. Default false. */
  color?: boolean;
  /** Columns available. Default 100. */
  width?: number;
  /** Chart height in rows. Default 8. */
  chartHeight?: number;
}

const LABEL_WIDTH = 9;

/** `3 files`, or for a log engine its address and how many records it holds. */
function inputsLine(report: LogsReport): string {
  const engine = report.files.length === 1 && report.files[0].format === 'victorialogs' ? report.files[0] : undefined;
  if (engine) return `${engine.path} (${engine.lines} records)`;
  return `${report.files.length} file${report.files.length === 1 ? '' : 's'}`;
}

export function renderTerminal(report: LogsReport, options: TerminalOptions = {}): string {
  const color = options.color ?? false;
  const width = Math.max(40, options.width ?? 100);
  const paint = (code: string, text: string): string => (color ? `${code}${text}${asciichart.reset}` : text);
  const out: string[] = [];
  const bucket = formatBucket(report.bucketMs);
  const groupCount = report.groups ? Object.keys(report.groups).length : 0;
  out.push(
    `${inputsLine(report)}, ${groupCount} group${groupCount === 1 ? '' : 's'}, ` +
      `${report.buckets} buckets of ${bucket}, ${shortTime(report.start)} to ${shortTime(report.end ?? report.start)} UTC`,
  );
  const unparsed = report.files.reduce((s, f) => s + f.unparsed, 0);
  if (unparsed > 0) out.push(`${unparsed} unparsed line${unparsed === 1 ? '' : 's'} (no timestamp, not part of a record)`);
  const nulBytes = report.files.reduce((s, f) => s + (f.nulBytes ?? 0), 0);
  if (nulBytes > 0) out.push(`${nulBytes} NUL bytes skipped (a copytruncate hole or crash padding; each run ends a line)`);
  for (const s of report.series) {
    out.push('', paint(asciichart.cyan, `${s.name}`) + `  (lines per ${bucket}, total ${s.total})`);
    out.push(chart(s.counts, width, options.chartHeight ?? 8, color, true));
    out.push(timeAxis(report, Math.min(report.buckets, width - LABEL_WIDTH - 3)));
    if (s.changePoints.length > 0) {
      const changes = s.changePoints.map((cp) => `${shortTime(cp.at).slice(11)} ${formatCount(round1(cp.before))} -> ${formatCount(round1(cp.after))}`);
      out.push(' '.repeat(LABEL_WIDTH) + `rate changes (per ${bucket}): ${changes.join(', ')}`);
    }
    for (const stop of s.stoppedGroups ?? []) {
      out.push(' '.repeat(LABEL_WIDTH) + `stopped: ${stop.group}: no lines after ${shortTime(stop.lastEventAt)} (was ${formatCount(round1(stop.rateBefore))} per ${bucket})`);
    }
  }
  for (const v of report.values ?? []) {
    const what =
      v.kind === 'gauge' ? `gauge, mean per ${bucket}` : v.kind === 'counter' ? `counter, increase per ${bucket}` : `${v.of?.numerator} / ${v.of?.denominator} per ${bucket}`;
    out.push('', paint(asciichart.cyan, v.name) + `  (${what})`);
    if (v.note) for (const l of wrap(v.note, width - LABEL_WIDTH)) out.push(' '.repeat(LABEL_WIDTH) + l);
    const points = v.values.filter((x): x is number => x !== null);
    if (points.length === 0) out.push(' '.repeat(LABEL_WIDTH) + '(no values)');
    else {
      out.push(chart(fillGaps(v.values), width, options.chartHeight ?? 8, color, false));
      out.push(timeAxis(report, Math.min(report.buckets, width - LABEL_WIDTH - 3)));
    }
  }
  if (report.crawlRate) out.push('', crawlRateBlock(report.crawlRate, width, paint));
  out.push('', table(report, paint));
  const shares = shareTable(report);
  if (shares) out.push('', shares);
  return out.join('\n') + '\n';
}

/** `counts`: small integer counts get one row per unit (a chart of 0..3 has 4 rows, not 8 with fractions). */
function chart(values: number[], width: number, height: number, color: boolean, counts: boolean): string {
  const points = fitToWidth(values, width - LABEL_WIDTH - 3);
  if (points.every((p) => p === 0)) return ' '.repeat(LABEL_WIDTH) + (counts ? '(no matching lines)' : '(all zero)');
  const max = Math.max(...points);
  return asciichart.plot(points, {
    height: counts ? Math.min(height, Math.max(1, Math.ceil(max))) : height,
    min: 0,
    format: (x) => formatCount(x).padStart(LABEL_WIDTH - 1),
    colors: color ? [asciichart.cyan] : undefined,
  });
}

/** Averages neighbouring buckets so the chart fits the terminal (display only; the data keeps every bucket). */
function fitToWidth(counts: number[], columns: number): number[] {
  if (counts.length <= columns) return counts;
  const per = Math.ceil(counts.length / columns);
  const out: number[] = [];
  for (let i = 0; i < counts.length; i += per) {
    const part = counts.slice(i, i + per);
    out.push(part.reduce((a, b) => a + b, 0) / part.length);
  }
  return out;
}

function timeAxis(report: LogsReport, columns: number): string {
  const left = shortTime(report.start);
  const right = shortTime(report.end ?? report.start);
  const gap = Math.max(1, columns + 2 - left.length - right.length);
  return ' '.repeat(LABEL_WIDTH) + left + ' '.repeat(gap) + right;
}

function table(report: LogsReport, paint: (code: string, text: string) => string): string {
  const header = ['series / group', 'total', 'start /min', 'end /min', 'change', 'verdict'];
  const rows: string[][] = [];
  const verdicts: Trend[] = [];
  for (const s of report.series) {
    rows.push(row(s.name, s.total, s.counts, s.trend, report));
    verdicts.push(s.trend);
    const groups = Object.entries(s.groups);
    if (groups.length > 1) {
      for (const [g, gs] of groups) {
        rows.push(row(`  ${g}`, gs.total, gs.counts, gs.trend, report));
        verdicts.push(gs.trend);
      }
    }
  }
  for (const v of report.values ?? []) {
    // Counter increases are shown per minute like counts; gauges and ratios as they are.
    const scale = v.kind === 'counter' ? 60_000 / report.bucketMs : 1;
    rows.push(valueRow(v.name, v.values, v.trend, scale));
    verdicts.push(v.trend);
    const groups = Object.entries(v.groups);
    if (groups.length > 1) {
      for (const [g, gv] of groups) {
        rows.push(valueRow(`  ${g}`, gv.values, gv.trend, scale));
        verdicts.push(gv.trend);
      }
    }
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmt = (r: string[]): string =>
    r.map((cell, c) => (c === 0 || c === 5 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  const lines = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((r, i) => {
    const line = fmt(r);
    const v = verdicts[i].verdict;
    const code = verdictColor(v);
    lines.push(code ? line.replace(new RegExp(`${v}$`), paint(code, v)) : line);
  });
  return lines.join('\n');
}

/**
 * The crawl rate's verdict, first, above the table: it is the one answer to "is the crawl slowing", where the table's
 * series each have their own (a crawler that logs every attempt shows its attempts steady while its pages fall).
 */
function crawlRateBlock(crawl: CrawlRateReport, width: number, paint: (code: string, text: string) => string): string {
  const unitName = crawl.crawler === 'access-log' ? 'requests' : 'pages';
  const p = crawl.pValue === null ? [] : [crawl.pValue < 0.001 ? 'p < 0.001' : `p = ${crawl.pValue.toFixed(3)}`];
  const how = [...verdictHow(crawl), ...p];
  const code = verdictColor(crawl.verdict);
  const head =
    `crawl rate: ${rate(crawl.perSecEarly)} -> ${rate(crawl.perSecLate)} ${unitName}/s, ` +
    `${code ? paint(code, crawl.verdict) : crawl.verdict} ${changeText(crawl.relativeChange)}${how.length > 0 ? ` (${how.join(', ')})` : ''}`;
  const from = shortTime(crawl.window.from);
  const to = shortTime(crawl.window.to);
  const window = `${from} to ${to.slice(0, 10) === from.slice(0, 10) ? to.slice(11) : to} UTC`;
  const details = [
    `${unitName}: ${crawl.series}, judged ${window} (start-up, shutdown left out)`,
    `crawler: ${crawl.crawler}, ${crawl.crawlerFrom === 'given' ? 'given' : `detected: ${crawl.crawlerReason}`}`,
    ...(crawl.warnings ?? []).map((w) => `note: ${w}`),
  ];
  const indent = '  ';
  return [head, ...details.flatMap((d) => wrap(d, width - indent.length).map((l) => indent + l))].join('\n');
}

function verdictColor(verdict: Trend['verdict']): string {
  return verdict === 'decay' ? asciichart.red : verdict === 'growth' ? asciichart.green : verdict === 'insufficient-data' ? asciichart.yellow : '';
}

function changeText(relativeChange: number | null): string {
  return relativeChange === null ? '-' : `${relativeChange >= 0 ? '+' : ''}${Math.round(relativeChange * 100)}%`;
}

/**
 * Each group's share of its series' total early and late in the run (first and last tenth of the buckets): a node
 * whose share falls is losing out to the others, even when the total looks healthy. Only series with at least
 * MIN_SHARE_EVENTS events in both windows are listed (sparser shares are noise). A change is called `falls` or
 * `rises` when a two-proportion z-test gives |z| >= 3 (conservative because real counts are overdispersed).
 * Null when no series qualifies.
 */
function shareTable(report: LogsReport): string | null {
  const rows: string[][] = [];
  for (const s of report.series) {
    const groups = Object.entries(s.groups).filter(([, g]) => g.share);
    if (groups.length < 2) continue;
    const window = Math.max(3, Math.round(s.counts.length / 10));
    const early = sumRange(s.counts, 0, window);
    const late = sumRange(s.counts, s.counts.length - window, s.counts.length);
    if (early < MIN_SHARE_EVENTS || late < MIN_SHARE_EVENTS) continue;
    rows.push([s.name, '', '', '', '']);
    for (const [name, g] of groups) {
      const { start, end } = g.share!;
      if (start === null || end === null) continue;
      const pooled = (start * early + end * late) / (early + late);
      const se = Math.sqrt(pooled * (1 - pooled) * (1 / early + 1 / late));
      const z = se > 0 ? (end - start) / se : 0;
      const word = z <= -3 ? 'falls' : z >= 3 ? 'rises' : '';
      rows.push([`  ${name}`, percent(start), percent(end), `${end >= start ? '+' : ''}${((end - start) * 100).toFixed(1)} pt`, word]);
    }
  }
  if (rows.length === 0) return null;
  const header = ['share of total', 'early', 'late', 'change', ''];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmt = (r: string[]): string =>
    r.map((cell, c) => (c === 0 || c === 4 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [fmt(header), widths.slice(0, 4).map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

const MIN_SHARE_EVENTS = 30;

function sumRange(xs: number[], from: number, to: number): number {
  let s = 0;
  for (let i = Math.max(0, from); i < Math.min(to, xs.length); i++) s += xs[i];
  return s;
}

/** Words of `text` in lines of at most `columns` characters (a longer word stays whole). */
function wrap(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function percent(x: number | null): string {
  return x === null ? '-' : `${(x * 100).toFixed(1)}%`;
}

function row(name: string, total: number, counts: number[], trend: Trend, report: LogsReport): string[] {
  const rates = edgeRates(counts, report);
  return [name, String(total), rate(rates.startPerMin), rate(rates.endPerMin), changeText(trend.relativeChange), verdictText(trend)];
}

/** A row for a value series: no total; "start" and "end" are its mean over the first and last quarter, scaled. */
function valueRow(name: string, values: Array<number | null>, trend: Trend, scale: number): string[] {
  const present = values.filter((x): x is number => x !== null);
  const quarter = Math.max(1, Math.floor(present.length / 4));
  const avg = (xs: number[]): number | null => (xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length) * scale : null);
  return [name, '', rate(avg(present.slice(0, quarter))), rate(avg(present.slice(-quarter))), changeText(trend.relativeChange), verdictText(trend)];
}

/** The verdict, with how it was reached when that is not the plain trend test: a step, a wander, a warm-up left out. */
function verdictText(trend: Trend): string {
  const how = verdictHow(trend);
  return how.length > 0 ? `${trend.verdict} (${how.join(', ')})` : trend.verdict;
}

function verdictHow(trend: Trend): string[] {
  return [
    trend.sustainedShift ? 'step' : '',
    trend.wandering ? 'wanders' : '',
    trend.warmupBuckets ? 'after warm-up' : '',
    // A series counted line by line, judged at its own resolution under buckets that follow statistics lines.
    trend.judgedBucketMs ? `on ${formatBucket(trend.judgedBucketMs)}` : '',
    // Too short or noisy a run: the smallest decline it could have shown, linear and as a step.
    trend.unconfirmed ? 'change not significant' : trend.verdict === 'insufficient-data' ? detectableText(trend) : '',
  ].filter(Boolean);
}

/** `sees ≥ 9% linear, ≥ 45% step only`; `no step` where no step of any size could have been called. */
function detectableText(trend: Trend): string {
  const atLeast = (x: number) => `≥ ${Math.round(x * 100)}%`;
  const sizes = [
    trend.detectableDecline !== undefined ? `${atLeast(trend.detectableDecline)} linear` : '',
    typeof trend.detectableStep === 'number' ? `${atLeast(trend.detectableStep)} step` : '',
  ].filter(Boolean);
  const text = [sizes.length > 0 ? `${sizes.join(', ')} only` : '', trend.detectableStep === null ? 'no step' : ''].filter(Boolean).join(', ');
  return text ? `sees ${text}` : '';
}

/** Charts need a number per bucket: a missing value repeats the one before (0 before the first). */
function fillGaps(values: Array<number | null>): number[] {
  let last = 0;
  return values.map((v) => (v === null ? last : (last = v)));
}

function rate(x: number | null): string {
  if (x === null) return '-';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function formatCount(x: number): string {
  return Number.isInteger(x) || Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1);
}

/** `2016-12-20T14:29:00.000Z` -> `2016-12-20 14:29` (seconds kept when not zero). */
function shortTime(isoTime: string): string {
  const t = isoTime.replace('T', ' ').replace(/\.\d+Z$/, '');
  return t.endsWith(':00') ? t.slice(0, -3) : t;
}
