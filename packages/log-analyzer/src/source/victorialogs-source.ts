// A log engine as the source: `victorialogs://HOST:PORT[?query=LOGSQL]` reads per-bucket counts of every series
// from a VictoriaLogs server instead of scanning files, and feeds them to the same report builder the file scanner
// feeds (same grid, verdicts, charts, JSON and CSV).
//
// LogsQL queries over /select/logsql/query, each answered by the server without sending records:
//   1. per group: records, first and last `_time` (the time span, each group's coverage of the edge buckets);
//   2. per gauge or counter, per second and group: its samples (how often its statistics lines come sets the floor
//      of the automatic bucket, as with files);
//   3. with an automatic bucket and gauges or counters, whether any counted series has lines at all;
//   4. per bucket and group: one `count() if (FILTER)` per counted series, over the records any series matches;
//      and per key series, a count per key.
// A series pattern becomes a LogsQL filter on the message (`_msg`): a text is a substring filter `*"text"*`, which
// counts what the file scanner counts (a phrase filter would also require word boundaries at both ends, so
// `--line crawl` would miss "crawled"); a regex is `~"re"` (RE2 syntax: the server rejects what RE2 lacks, such as
// lookaheads, and says so); a level is the `level` field (pino's numbers or names). Gauges, counters and keys
// extract the regex's first group (`extract_regexp`) and take per bucket its sum, its largest value, or a count per
// key, which is what the report builder makes of the file scanner's slots too.
// Groups are a log field (`--group-by node`), by default the stream (`_stream`), a log engine's file.
// Node's global fetch (undici) does the HTTP: no dependency for two POST requests.
import { autoBucketMs, formatBucket, MAX_BUCKETS } from '../bucketer/bucket-size.js';
import { valueSampleIntervals } from '../bucketer/sample-interval.js';
import { buildReport } from '../build-report.js';
import { LogInputError } from '../errors.js';
import type { LogsReport } from '../report.js';
import { CHUNK_SLOTS, EventCounts, type GroupCounts } from '../scanner/event-counts.js';
import type { SeriesSpec } from '../series.js';
import { parseGroupBy } from './group-name.js';

export const VICTORIALOGS_SCHEME = 'victorialogs://';
/** VictoriaLogs' own default HTTP port, when the address gives none. */
export const VICTORIALOGS_DEFAULT_PORT = 9428;

export function isVictoriaLogsPath(path: string): boolean {
  return path.startsWith(VICTORIALOGS_SCHEME);
}

export interface VictoriaLogsTarget {
  /** http://HOST:PORT */
  baseUrl: string;
  /** The address as given (for messages and the report's `files`). */
  display: string;
  /** The LogsQL filter that narrows the records; `*` for all. */
  filter: string;
}

/** Parses `victorialogs://HOST[:PORT][/][?query=LOGSQL]`; one clear line when it is not that. */
export function parseVictoriaLogsPath(path: string): VictoriaLogsTarget {
  const bad = (why: string): never => {
    throw new LogInputError(`${path}: ${why}; write victorialogs://HOST:PORT, optionally ?query=LOGSQL (e.g. victorialogs://127.0.0.1:9428?query=job:crawler).`);
  };
  let url: URL;
  try {
    url = new URL(`http://${path.slice(VICTORIALOGS_SCHEME.length)}`);
  } catch {
    return bad('not a valid address');
  }
  if (!url.hostname) bad('no host');
  if (url.username || url.password) bad('credentials in the address are not supported');
  if (url.pathname !== '/' && url.pathname !== '') bad(`unexpected path '${url.pathname}'`);
  if (url.hash) bad(`unexpected '${url.hash}'`);
  // URL drops an empty port (`h:` is `h`): look at the address as written.
  if (/^[^/?#]*:$/.test(path.slice(VICTORIALOGS_SCHEME.length).split(/[/?#]/)[0])) bad('empty port');
  for (const key of url.searchParams.keys()) if (key !== 'query') bad(`unknown parameter '${key}' (only query=)`);
  const filter = url.searchParams.get('query')?.trim() || '*';
  const host = url.port ? url.host : `${url.host}:${VICTORIALOGS_DEFAULT_PORT}`;
  return { baseUrl: `http://${host}`, display: path, filter };
}

/** A LogsQL string literal (LogsQL reads Go-style quoted strings, which JSON's escapes are a subset of). */
function quote(text: string): string {
  return JSON.stringify(text);
}

const PINO_LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, warning: 40, error: 50, fatal: 60, critical: 60 };

/** A JavaScript regex as RE2 source: the flags RE2 has inline; `g`, `y`, `u` change nothing for a yes/no match. */
function re2Source(regex: { source: string; flags: string }): string {
  const inline = [...regex.flags].filter((f) => 'ims'.includes(f)).join('');
  return inline ? `(?${inline})${regex.source}` : regex.source;
}

/** The LogsQL filter that selects the records one series counts. */
export function seriesFilter(spec: SeriesSpec): string {
  if (spec.engineFilter) return `(${spec.engineFilter})`;
  if (spec.substring !== undefined) return `*${quote(spec.substring)}*`;
  if (spec.regex) return `~${quote(re2Source(spec.regex))}`;
  const level = spec.level!;
  const name = level.toLowerCase();
  const num = PINO_LEVELS[name] ?? (/^\d+$/.test(level) ? Number(level) : undefined);
  const values = [...new Set([name, level.toUpperCase(), ...(num === undefined ? [] : [String(num)])])];
  return `level:in(${values.map(quote).join(', ')})`;
}

export interface VictoriaLogsReadOptions {
  series: SeriesSpec[];
  /** Per series: how its numbers were made (shown with value series), as with files. */
  seriesNotes?: Array<string | undefined>;
  ratios?: Array<{ name: string; numerator: string; denominator: string }>;
  bucketMs: number | 'auto';
  groupBy?: string;
  /** Only records at or after / at or before these times (ms); the report's grid then spans them. */
  sinceMs?: number;
  untilMs?: number;
}

type Row = Record<string, string>;

/** Reads one server's counts and builds the `crawl-diag/logs@1` report. */
export async function analyzeVictoriaLogs(path: string, o: VictoriaLogsReadOptions): Promise<LogsReport> {
  const target = parseVictoriaLogsPath(path);
  const groupBy = parseGroupBy(o.groupBy);
  if (groupBy.kind === 'path') {
    throw new LogInputError(`--group-by ${o.groupBy}: a victorialogs:// source groups by a log field (node, host, pid, _stream), not a path regex.`);
  }
  const groupField = groupBy.kind === 'field' ? groupBy.field : '_stream';
  const by = fieldName(groupField);
  const range = { start: o.sinceMs, end: o.untilMs };

  const plain = o.series.map((spec, i) => ({ spec, i })).filter(({ spec }) => spec.kind === 'count');
  const plainFilters = plain.map(({ spec }) => seriesFilter(spec));
  const anyPlain = plainFilters.length === 1 ? plainFilters[0] : `(${plainFilters.join(' or ')})`;
  const spans = await query(target, `${target.filter} | stats by (${by}) count() as lines, min(_time) as first, max(_time) as last`, range);
  if (spans.length === 0) {
    throw new LogInputError(`${path}: no records${target.filter === '*' ? '' : ` match ${target.filter}`}${o.sinceMs !== undefined || o.untilMs !== undefined ? ' in the given time range' : ''}.`);
  }
  const resolutionMs = o.bucketMs === 'auto' ? 1000 : o.bucketMs;
  const counts = new EventCounts(resolutionMs, o.series.length, o.series.map((s) => s.kind));
  let dataFirst = Infinity;
  let dataLast = -Infinity;
  let lines = 0;
  for (const row of spans) {
    const g = counts.group(groupName(row[groupField], groupField));
    const first = parseTime(row.first, target);
    const last = parseTime(row.last, target);
    counts.seen(g, first);
    counts.seen(g, last);
    dataFirst = Math.min(dataFirst, first);
    dataLast = Math.max(dataLast, last);
    lines += Number(row.lines);
  }
  // With a range given, the grid is that range (silence at its start is zeros, not a later start), up to now.
  const firstMs = o.sinceMs ?? dataFirst;
  const lastMs = o.untilMs !== undefined ? Math.max(dataLast, Math.min(o.untilMs, Date.now())) : dataLast;

  const place = (row: Row) => {
    const g = counts.group(groupName(row[groupField], groupField));
    const slot = Math.floor(parseTime(row._time, target) / resolutionMs);
    return { g, slot, chunkIndex: Math.floor(slot / CHUNK_SLOTS) };
  };
  const countAt = (g: GroupCounts, i: number, chunkIndex: number, slot: number, n: number): void => {
    // Each bucket's count lands in its first slot; the report builder sums slots into buckets.
    let chunk = g.series[i].get(chunkIndex);
    if (!chunk) g.series[i].set(chunkIndex, (chunk = new Uint32Array(CHUNK_SLOTS)));
    chunk[slot - chunkIndex * CHUNK_SLOTS] += n;
  };
  const extractFor = (spec: SeriesSpec) =>
    `${target.filter} ${seriesFilter(spec)} | extract_regexp ${quote(namedFirstGroup(spec))} from _msg | filter ${VALUE_FIELD}:*`;

  // Gauges and counters first, at the counts' own resolution as the file scanner keeps them (statistics lines are
  // sparse): how often they are sampled sets the floor of the automatic bucket.
  const bySlot = `_time:${resolutionMs / 1000}s, ${by}`;
  for (const [i, spec] of o.series.entries()) {
    if (spec.kind !== 'gauge' && spec.kind !== 'counter') continue;
    const counter = spec.kind === 'counter';
    for (const row of await query(target, `${extractFor(spec)} | stats by (${bySlot}) count() as n, ${counter ? 'max' : 'sum'}(${VALUE_FIELD}) as v`, range)) {
      const value = Number(row.v);
      if (!Number.isFinite(value)) continue; // not a number: the file scanner does not count it either
      const { g, slot, chunkIndex } = place(row);
      countAt(g, i, chunkIndex, slot, Number(row.n));
      let chunk = g.values[i].get(chunkIndex);
      if (!chunk) g.values[i].set(chunkIndex, (chunk = new Float64Array(CHUNK_SLOTS).fill(counter ? -Infinity : 0)));
      const k = slot - chunkIndex * CHUNK_SLOTS;
      chunk[k] = counter ? Math.max(chunk[k], value) : chunk[k] + value;
    }
  }
  const intervals = valueSampleIntervals(counts.data);
  const dataIntervalMs = Math.max(0, ...intervals.map((v) => v ?? 0));

  // Whether any counted series has lines: the automatic bucket then keeps their own resolution, as with files.
  const countedLines =
    o.bucketMs === 'auto' && dataIntervalMs > 0 && plain.length > 0
      ? Number((await query(target, `${target.filter} ${anyPlain} | stats count() as n`, range))[0]?.n ?? 0) > 0
      : plain.length > 0;
  const bucketMs = o.bucketMs === 'auto' ? autoBucketMs(lastMs - firstMs, dataIntervalMs, countedLines) : o.bucketMs;
  const buckets = Math.floor(lastMs / bucketMs) - Math.floor(firstMs / bucketMs) + 1;
  if (buckets > MAX_BUCKETS) {
    throw new LogInputError(`--bucket ${formatBucket(bucketMs)} makes ${buckets} buckets over this time span; choose a larger bucket.`);
  }
  // Buckets of `_time:STEP` start at multiples of STEP since the epoch (UTC), as the file grid's do.
  const byBucket = `_time:${bucketMs / 1000}s, ${by}`;

  if (plain.length > 0) {
    const stats = plainFilters.map((f, k) => `count() if (${f}) as s${k}`).join(', ');
    for (const row of await query(target, `${target.filter} ${anyPlain} | stats by (${byBucket}) ${stats}`, range)) {
      const { g, slot, chunkIndex } = place(row);
      plain.forEach(({ i }, k) => {
        const n = Number(row[`s${k}`]);
        if (n > 0) countAt(g, i, chunkIndex, slot, n);
      });
    }
  }

  // Keys: a count per extracted key and bucket.
  for (const [i, spec] of o.series.entries()) {
    if (spec.kind !== 'key') continue;
    for (const row of await query(target, `${extractFor(spec)} | stats by (${byBucket}, ${VALUE_FIELD}) count() as n`, range)) {
      const { g, slot, chunkIndex } = place(row);
      const n = Number(row.n);
      countAt(g, i, chunkIndex, slot, n);
      counts.addKey(g, i, slot, row[VALUE_FIELD], n);
    }
  }

  return buildReport({
    counts: counts.data,
    seriesNames: o.series.map((s) => s.name),
    seriesKinds: o.series.map((s) => s.kind),
    seriesNotes: o.seriesNotes,
    sampleIntervals: intervals,
    ratios: o.ratios,
    files: [
      {
        path: target.display,
        format: 'victorialogs',
        lines,
        unparsed: 0,
        first: new Date(dataFirst).toISOString(),
        last: new Date(dataLast).toISOString(),
      },
    ],
    groupFiles: new Map([...counts.data.groups.keys()].map((g) => [g, [target.display]])),
    bucketMs,
    firstMs,
    lastMs,
  });
}

/** Where a value series' number (or a key series' key) is extracted to. */
const VALUE_FIELD = 'crawl_diag_value';

/**
 * The series' regex with its first capturing group named VALUE_FIELD, for `extract_regexp` (RE2 wants named groups):
 * the first `(` that is not escaped, not inside a character class and not `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`.
 */
export function namedFirstGroup(spec: SeriesSpec): string {
  const re = re2Source(spec.regex!);
  let inClass = false;
  for (let k = 0; k < re.length; k++) {
    const c = re[k];
    if (c === '\\') k++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') {
      if (re[k + 1] !== '?') return `${re.slice(0, k + 1)}?P<${VALUE_FIELD}>${re.slice(k + 1)}`;
      const named = /^\(\?P?<([A-Za-z_]\w*)>/.exec(re.slice(k));
      if (named) return `${re.slice(0, k)}(?P<${VALUE_FIELD}>${re.slice(k + named[0].length)}`;
    }
  }
  throw new LogInputError(`series '${spec.name}': the regex has no capture group for its value.`);
}

/** A field name as LogsQL takes it in `by (…)`: bare when it is a plain name, else quoted. */
function fieldName(field: string): string {
  return /^[A-Za-z_][\w.]*$/.test(field) ? field : quote(field);
}

/**
 * A record without the grouping field is counted in `(none)`, as with files. A stream, `{kind="worker",node="n1"}`,
 * is named `kind=worker,node=n1` (its quotes would be doubled in every CSV header).
 */
function groupName(value: string | undefined, field: string): string {
  if (field === '_stream' && value !== undefined) {
    value = value.replace(/^\{(.*)\}$/s, '$1').replace(/="((?:[^"\\]|\\.)*)"/g, (_, v: string) => `=${v.replace(/\\(.)/g, '$1')}`);
  }
  return value === undefined || value === '' ? '(none)' : value;
}

function parseTime(text: string | undefined, target: VictoriaLogsTarget): number {
  const t = text === undefined ? NaN : Date.parse(text);
  if (Number.isNaN(t)) throw new LogInputError(`${target.display}: the server answered a time that is not one ('${text}'); is it VictoriaLogs?`);
  return t;
}

/**
 * How long one query may take. The server stops a query itself after its -search.maxQueryDuration (30 s by default)
 * and says so; this only guards against a server that accepted the connection and went silent.
 */
const QUERY_TIMEOUT_MS = 300_000;

/** Runs a LogsQL query; its JSON-lines answer as rows. Every failure is one line naming the server and the cause. */
async function query(target: VictoriaLogsTarget, logsql: string, range: { start?: number; end?: number }): Promise<Row[]> {
  const body = new URLSearchParams({ query: logsql });
  if (range.start !== undefined) body.set('start', new Date(range.start).toISOString());
  if (range.end !== undefined) body.set('end', new Date(range.end).toISOString());
  let res: Response;
  try {
    res = await fetch(`${target.baseUrl}/select/logsql/query`, { method: 'POST', body, signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') {
      throw new LogInputError(`${target.display}: VictoriaLogs did not answer within ${QUERY_TIMEOUT_MS / 1000} s; narrow the records (?query=, --since) or check the server.`);
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new LogInputError(`${target.display}: cannot reach VictoriaLogs at ${target.baseUrl} (${why}); is the server running and the address right?`);
  }
  const text = await res.text();
  if (res.status === 400) {
    // VictoriaLogs says what it could not parse: `cannot parse `query` arg [...]: <reason>; context: [...]`.
    const reason = text.trim().split('\n')[0].replace(/^cannot parse `query` arg \[.*?\]: /s, '');
    throw new LogInputError(`${target.display}: VictoriaLogs rejected the query: ${reason} (query: ${logsql})`);
  }
  if (!res.ok) {
    throw new LogInputError(`${target.display}: VictoriaLogs answered HTTP ${res.status}: ${text.trim().split('\n')[0].slice(0, 300)}`);
  }
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      rows.push(JSON.parse(line) as Row);
    } catch {
      throw new LogInputError(`${target.display}: the answer is not VictoriaLogs' JSON lines (${line.slice(0, 80)}); is it VictoriaLogs?`);
    }
  }
  return rows;
}

/**
 * `--since` / `--until`: an ISO 8601 time (`2026-12-02T10:00:00Z`, a date, or without a zone: local time), or a
 * duration before now (`30m`, `2h`, `1d`). Milliseconds since the epoch.
 */
export function parseTimeBound(option: string, text: string, nowMs = Date.now()): number {
  const ago = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)$/.exec(text.trim());
  if (ago) {
    const unit = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[ago[2] as 's'];
    return nowMs - Number(ago[1]) * unit;
  }
  const t = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(t)) {
    throw new LogInputError(`${option} ${text}: give a time (2026-12-02T10:00:00Z, 2026-12-02) or a duration before now (30m, 2h, 1d).`);
  }
  return t;
}
