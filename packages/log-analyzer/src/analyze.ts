// analyzeLogs: the whole pipeline (source -> scanner -> bucketer -> analysis) behind one typed options object.
import { availableParallelism } from 'node:os';
import { autoBucketMs, countTrendBucketMs, MAX_BUCKETS, formatBucket } from './bucketer/bucket-size.js';
import { valueSampleIntervals } from './bucketer/sample-interval.js';
import { buildReport, withCrawlRate } from './build-report.js';
import { CRAWL_SERIES, CRAWLER_KINDS, crawlRateSeries, type CrawlerKind } from './crawl-signals/crawler-logs.js';
import { LogInputError } from './errors.js';
import { detectFormat } from './formats/detect-format.js';
import { createFormat } from './formats/registry.js';
import { NaiveTimeConverter } from './formats/timezone.js';
import type { FormatName } from './formats/types.js';
import { compileTimeFormat } from './formats/custom-time-format.js';
import type { LogsReport, FileSummary } from './report.js';
import { EventCounts, type EventCountsData } from './scanner/event-counts.js';
import { createScanner, unitResult, type ScanUnit, type UnitResult } from './scanner/scan-unit.js';
import { splitAtRecords } from './scanner/split-ranges.js';
import { runScanUnits } from './scanner/worker-pool.js';
import { CRAWLEE_SERIES, DEFAULT_SERIES, SCRAPY_SERIES, looksLikeCrawlee, startsWithCrawleeStart, toSeriesSpecs, type SeriesPattern, type SeriesSpec } from './series.js';
import { crawleeRunStart } from './formats/crawlee.js';
import { readFileTail } from './source/read-head.js';
import { expandPaths } from './source/expand-paths.js';
import { groupForPath, parseGroupBy, shortenGroupNames, type GroupBy } from './source/group-name.js';
import type { LogInput } from './source/log-input.js';
import { isGzip, readStream } from './source/read-bytes.js';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { HEAD_BYTES, looksBinary, readFileHead, withoutNulRuns } from './source/read-head.js';
import { analyzeVictoriaLogs, isVictoriaLogsPath, parseTimeBound } from './source/victorialogs-source.js';

export interface AnalyzeOptions {
  /** Files, directories (walked recursively), globs, or `-` for standard input. */
  paths: string[];
  /** What to count. Default: the crawler's strategic lines (DEFAULT_SERIES). */
  series?: SeriesPattern[];
  /**
   * Ratios of two count series per bucket (e.g. postponed / will be crawled), each with its own trend. Default none.
   */
  ratios?: Array<{ name: string; numerator: string; denominator: string }>;
  /** Bucket size in ms (whole seconds), or 'auto' (default): 30 to 120 buckets over the time span. */
  bucketMs?: number | 'auto';
  /**
   * Groups (nodes, processes). Default: one group per file, rotated siblings folded together. A plain name
   * (`hostname`, `pid`) is a JSON field of NDJSON records; anything else is a regex on the path (capture group 1).
   */
  groupBy?: string;
  /** Timestamp layout for formats the detector does not know (tokens in formats/custom-time-format.ts). */
  timeFormat?: string;
  /** Zone of naive timestamps: 'local' (default), 'UTC', '+02:00', or an IANA name. */
  tz?: string;
  /** Worker threads. Default: one per core when the input exceeds one core's worth (64 MB), else none. */
  threads?: number;
  /** Size of the byte ranges a big plain file is cut into for worker threads. Default 32 MB. */
  rangeBytes?: number;
  /** Working directory for relative paths (default: process.cwd()). */
  cwd?: string;
  /** Standard input, for the path `-` (default: process.stdin). */
  stdin?: AsyncIterable<Buffer>;
  /** Called as bytes are read, with the total bytes on disk (0 when only stdin). */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /**
   * `line`: scan with the JavaScript line scanner even where the WebAssembly kernel's whole-record scan applies (the
   * reference it is tested and benchmarked against). Default: the kernel where it applies.
   */
  scanCore?: 'line';
  /** Called for files skipped while walking a directory (not logs, unreadable). */
  onWarning?: (message: string) => void;
  /**
   * Only records from / up to this time: ISO 8601 or a duration before now (`2h`). Log-engine sources
   * (`victorialogs://`) only; the report's grid then spans this range.
   */
  since?: string;
  until?: string;
  /**
   * Also judge the crawl rate into the report's `crawlRate`, as the crawl signals read it: the few series it reads
   * beyond `series` are counted in the same scan and left out of the report. `crawler` names the crawler instead of
   * detecting it; with `series` of the caller's own it is needed (see `withCrawlSeries`). Not done when one of
   * `series` takes a signal series' name with a pattern of its own (the rate would be read from it). Default: not
   * asked.
   */
  crawlRate?: { crawler?: string };
}

/** Input worth more than this is scanned by worker threads. */
export const THREADS_ABOVE_BYTES = 64 << 20;
/** Size of the byte ranges a big file is cut into for the workers. */
const RANGE_BYTES = 32 << 20;

export interface PreparedFile {
  input: LogInput;
  format: FormatName | 'empty';
  gzip: boolean;
  group: string;
  head: Buffer;
  /** A Crawlee log (its own default series). */
  crawlee?: boolean;
  /** Reference time for the format when not the file's mtime: the run's start for an untimed Crawlee log. */
  referenceMs?: number;
  /** Its first line is the crawler starting (Crawlee): its first record is when the crawler's totals were 0. */
  startsAtCrawlerStart?: boolean;
}

export async function analyzeLogs(options: AnalyzeOptions): Promise<LogsReport> {
  if (options.paths.some(isVictoriaLogsPath)) {
    const userSeries = options.series && options.series.length > 0 ? options.series : null;
    toSeriesSpecs(userSeries ?? DEFAULT_SERIES); // validates before any reading
    const counted = withCrawlSeries(userSeries ?? DEFAULT_SERIES, options, userSeries !== null);
    const report = await analyzeEngine(options, counted.patterns);
    return counted.shown ? withCrawlRate(report, counted.shown, options.crawlRate?.crawler) : report;
  }
  const run = await prepareRun(options);
  const { files, specs } = run;
  const totalBytes = files.reduce((s, f) => s + f.input.size, 0);
  const threads = options.threads ?? (totalBytes > THREADS_ABOVE_BYTES ? availableParallelism() : 0);
  let doneBytes = 0;
  const onBytes = options.onProgress
    ? (n: number): void => {
        doneBytes += n;
        options.onProgress!(doneBytes, totalBytes);
      }
    : undefined;

  const units: ScanUnit[] = [];
  let stdinIndex = -1;
  for (const [fileIndex, f] of files.entries()) {
    if (f.input.path === '-') {
      stdinIndex = fileIndex; // its format is detected once its first bytes arrive
      continue;
    }
    if (f.format === 'empty') continue;
    const unit = scanUnitFor(run, fileIndex);
    const rangeBytes = options.rangeBytes ?? RANGE_BYTES;
    if (threads > 1 && !f.gzip && f.input.size > rangeBytes * 1.5) {
      const format = createFormat(f.format, { naive: new NaiveTimeConverter(run.zone), referenceMs: 0 }, run.timeFormat);
      for (const range of await splitAtRecords(f.input.path, f.input.size, rangeBytes, format)) {
        units.push({ ...unit, range });
      }
    } else units.push(unit);
  }

  const results = await runScanUnits(units, { threads, onBytes });
  if (stdinIndex >= 0) {
    const f = files[stdinIndex];
    results.push(await scanStdin(f, options.stdin ?? process.stdin, { ...scanBase(run), format: f.format as FormatName, referenceMs: f.input.mtimeMs, group: f.group }, stdinIndex));
  }

  const counts = new EventCounts(run.resolutionMs, specs.length, specs.map((s) => s.kind));
  const tallies = files.map(() => newTally());
  for (const r of results) {
    counts.merge(r.counts);
    addToTally(tallies[r.fileIndex], r);
  }
  const report = reportFrom(run, counts.data, tallies);
  if (!report) {
    throw new LogInputError(`${options.paths.join(' ')}: no line with a timestamp found; if the stamps have an unusual layout, give it with --time-format.`);
  }
  return report;
}

/** A run once its options are checked and its inputs opened and detected: what analyzeLogs and followLogs share. */
export interface PreparedRun {
  files: PreparedFile[];
  /** The series counted, and the patterns they were made from (the defaults when none was given). */
  specs: SeriesSpec[];
  patterns: SeriesPattern[];
  zone: string;
  groupBy: GroupBy;
  bucketMs: number | 'auto';
  /** The counts' time resolution: 1 s with an automatic bucket, else the bucket. */
  resolutionMs: number;
  timeFormat?: string;
  ratios?: AnalyzeOptions['ratios'];
  scanCore?: 'line';
  /** When the crawl rate is judged: the names the report keeps (the rest were counted for the crawl signals). */
  crawlRate?: { shown: ReadonlySet<string>; crawler?: string };
}

/**
 * The patterns to count for a report of `shown`: with the crawl rate asked for, what it reads too (`crawlRateSeries`,
 * each once; the signals need theirs as they define them, so an operator's series that takes one's name with another
 * pattern means no crawl rate). With series of the operator's own (`user`), the rate only when the crawler is named:
 * the lines that carry it may not be among them, and counting every crawler's would slow the scan they asked for.
 * `shown` is set when the rate is to be judged.
 */
function withCrawlSeries(shown: SeriesPattern[], options: AnalyzeOptions, user: boolean): { patterns: SeriesPattern[]; shown?: Set<string> } {
  const crawler = options.crawlRate?.crawler;
  if (!options.crawlRate || (user && crawler === undefined)) return { patterns: shown };
  const known = (CRAWLER_KINDS as readonly string[]).includes(crawler ?? '') ? (crawler as CrawlerKind) : undefined;
  const signal = new Map(CRAWL_SERIES.map((p) => [p.name, p]));
  if (shown.some((p) => signal.has(p.name) && !samePattern(p, signal.get(p.name)!))) return { patterns: shown };
  const names = new Set([...shown.map((p) => p.name), ...(options.ratios ?? []).map((r) => r.name)]);
  return { patterns: [...shown, ...crawlRateSeries(known).filter((p) => !names.has(p.name))], shown: names };
}

function samePattern(a: SeriesPattern, b: SeriesPattern): boolean {
  const source = (r: SeriesPattern['regex']) => (r === undefined ? undefined : typeof r === 'string' ? r : `/${r.source}/${r.flags}`);
  return a.substring === b.substring && source(a.regex) === source(b.regex) && a.level === b.level && (a.kind ?? 'count') === (b.kind ?? 'count');
}

/** Per input file: its lines, unparsed lines, NUL bytes and first and last record time, summed over its scans. */
export interface FileTally {
  lines: number;
  unparsed: number;
  nulBytes: number;
  first: number;
  last: number;
}

export function newTally(): FileTally {
  return { lines: 0, unparsed: 0, nulBytes: 0, first: NaN, last: NaN };
}

export function addToTally(t: FileTally, r: Pick<UnitResult, 'lines' | 'unparsed' | 'nulBytes' | 'firstTime' | 'lastTime'>): void {
  t.lines += r.lines;
  t.unparsed += r.unparsed;
  t.nulBytes += r.nulBytes;
  if (!(r.firstTime >= t.first)) t.first = r.firstTime;
  if (!(r.lastTime <= t.last)) t.last = r.lastTime;
}

/**
 * Checks the options (before any reading), expands the paths, reads each input's head and detects its format, and
 * picks the series: with none given, a Scrapy log gets its own lines (`Crawled (200)`, the LogStats totals) and a
 * Crawlee log its own (statistics differenced, retries, failures) instead of the crawler's strategic lines.
 */
export async function prepareRun(options: AnalyzeOptions): Promise<PreparedRun> {
  const userSeries = options.series && options.series.length > 0 ? options.series : null;
  toSeriesSpecs(userSeries ?? DEFAULT_SERIES); // validates before any reading
  if (options.since !== undefined || options.until !== undefined) {
    throw new LogInputError('--since/--until select records on a log engine (victorialogs://…); for log files, give the files of that time.');
  }
  const zone = options.tz ?? 'local';
  new NaiveTimeConverter(zone); // validates --tz before any reading
  if (options.timeFormat) compileTimeFormat(options.timeFormat);
  const groupBy = parseGroupBy(options.groupBy);
  const bucketMs = options.bucketMs ?? 'auto';
  const resolutionMs = bucketMs === 'auto' ? 1000 : bucketMs;

  const inputs = await expandPaths(options.paths, options.cwd);
  const files: PreparedFile[] = [];
  for (const input of inputs) {
    const prepared = await prepareInput(input, options, zone, groupBy);
    if (prepared) files.push(prepared);
  }
  if (files.length === 0) throw new LogInputError(`${options.paths.join(' ')}: no readable logs found.`);
  const crawlerKinds = new Set(files.map((f) => (f.format === 'scrapy' ? 'scrapy' : f.crawlee ? 'crawlee' : 'crawler')));
  const defaults = [
    ...(crawlerKinds.has('crawler') ? DEFAULT_SERIES : []),
    ...(crawlerKinds.has('scrapy') ? SCRAPY_SERIES : []),
    ...(crawlerKinds.has('crawlee') ? CRAWLEE_SERIES : []),
  ];
  const counted = withCrawlSeries(userSeries ?? defaults, options, userSeries !== null);
  const patterns = counted.patterns;
  const specs = toSeriesSpecs(patterns);
  if (groupBy.kind !== 'path') {
    const short = shortenGroupNames(files.filter((f) => f.input.path !== '-').map((f) => f.group));
    for (const f of files) f.group = short.get(f.group) ?? f.group;
  }
  const crawlRate = counted.shown ? { shown: counted.shown, crawler: options.crawlRate?.crawler } : undefined;
  return { files, specs, patterns, zone, groupBy, bucketMs, resolutionMs, timeFormat: options.timeFormat, ratios: options.ratios, scanCore: options.scanCore, crawlRate };
}

/** What every scan of a run shares. */
function scanBase(run: PreparedRun): Pick<ScanUnit, 'zone' | 'series' | 'resolutionMs' | 'timeFormat' | 'groupField' | 'core'> {
  return {
    core: run.scanCore,
    zone: run.zone,
    series: run.specs,
    resolutionMs: run.resolutionMs,
    timeFormat: run.timeFormat,
    groupField: run.groupBy.kind === 'field' ? run.groupBy.field : undefined,
  };
}

/** The scan of a whole file of the run (its format detected). */
export function scanUnitFor(run: PreparedRun, fileIndex: number): ScanUnit {
  const f = run.files[fileIndex];
  return {
    ...scanBase(run),
    fileIndex,
    path: f.input.path,
    gzip: f.gzip,
    format: f.format as FormatName,
    referenceMs: f.referenceMs ?? f.input.mtimeMs,
    group: f.group,
  };
}

/** The report of a run from its merged counts and per-file tallies; null when no record had a time yet. */
export function reportFrom(run: PreparedRun, counts: EventCountsData, tallies: FileTally[]): LogsReport | null {
  const { files, specs } = run;
  let firstMs = NaN;
  let lastMs = NaN;
  for (const t of tallies) {
    if (!(t.first >= firstMs)) firstMs = t.first;
    if (!(t.last <= lastMs)) lastMs = t.last;
  }
  if (Number.isNaN(firstMs)) return null;

  // Never finer than the statistics lines gauges and counters come from (unless that leaves too few buckets for
  // the series counted line by line, which then say so through `bucketWarnings`).
  const intervals = valueSampleIntervals(counts);
  const dataIntervalMs = Math.max(0, ...intervals.map((v) => v ?? 0));
  const countedLines = specs.some((s, i) => s.kind === 'count' && [...counts.groups.values()].some((g) => g.series[i].size > 0));
  const chosenBucketMs = run.bucketMs === 'auto' ? autoBucketMs(lastMs - firstMs, dataIntervalMs, countedLines) : run.bucketMs;
  const buckets = Math.floor(lastMs / chosenBucketMs) - Math.floor(firstMs / chosenBucketMs) + 1;
  if (buckets > MAX_BUCKETS) {
    throw new LogInputError(
      `--bucket ${formatBucket(chosenBucketMs)} makes ${buckets} buckets over this time span; choose a larger bucket.`,
    );
  }

  const summaries: FileSummary[] = files.map((f, i) => ({
    path: f.input.displayPath,
    format: f.format,
    lines: tallies[i].lines,
    unparsed: tallies[i].unparsed,
    ...(tallies[i].nulBytes > 0 ? { nulBytes: tallies[i].nulBytes } : {}),
    group: f.group,
    first: Number.isNaN(tallies[i].first) ? null : new Date(tallies[i].first).toISOString(),
    last: Number.isNaN(tallies[i].last) ? null : new Date(tallies[i].last).toISOString(),
    ...(f.input.path === '-' ? {} : { bytes: f.input.size }),
  }));
  const groupFiles = new Map<string, string[]>();
  if (run.groupBy.kind !== 'field') {
    for (const f of files) groupFiles.set(f.group, [...(groupFiles.get(f.group) ?? []), f.input.displayPath]);
  }
  // A group whose log begins with its crawler starting: its first record is when the crawler's totals were 0.
  const crawlerStarts = new Map<string, number>();
  files.forEach((f, i) => {
    if (f.startsAtCrawlerStart && !Number.isNaN(tallies[i].first) && !(crawlerStarts.get(f.group)! <= tallies[i].first)) {
      crawlerStarts.set(f.group, tallies[i].first);
    }
  });
  const report = buildReport({
    counts,
    seriesNames: specs.map((s) => s.name),
    seriesKinds: specs.map((s) => s.kind),
    seriesNotes: run.patterns.map((p) => p.note),
    seriesZeroAtStart: run.patterns.map((p) => p.zeroAtStart === true),
    sampleIntervals: intervals,
    crawlerStarts,
    ratios: run.ratios,
    files: summaries,
    groupFiles,
    bucketMs: chosenBucketMs,
    countTrendBucketMs: run.bucketMs === 'auto' ? countTrendBucketMs(lastMs - firstMs, chosenBucketMs, run.resolutionMs) : null,
    firstMs,
    lastMs,
  });
  return run.crawlRate ? withCrawlRate(report, run.crawlRate.shown, run.crawlRate.crawler) : report;
}

/** A log-engine source (victorialogs://): the engine counts, the same report builder reports. */
function analyzeEngine(options: AnalyzeOptions, patterns: SeriesPattern[]): Promise<LogsReport> {
  if (options.paths.length !== 1) {
    throw new LogInputError(`give one victorialogs:// source alone, not with other paths (${options.paths.join(' ')}); narrow it with ?query=.`);
  }
  const sinceMs = options.since === undefined ? undefined : parseTimeBound('--since', options.since);
  const untilMs = options.until === undefined ? undefined : parseTimeBound('--until', options.until);
  if (sinceMs !== undefined && untilMs !== undefined && !(sinceMs < untilMs)) {
    throw new LogInputError(`--since ${options.since} is not before --until ${options.until}.`);
  }
  return analyzeVictoriaLogs(options.paths[0], {
    series: toSeriesSpecs(patterns),
    seriesNotes: patterns.map((p) => p.note),
    ratios: options.ratios,
    bucketMs: options.bucketMs ?? 'auto',
    groupBy: options.groupBy,
    sinceMs,
    untilMs,
  });
}

/** Reads the head, checks it is a text log, detects its format. Null for a skippable file found in a directory. */
async function prepareInput(
  input: LogInput,
  options: AnalyzeOptions,
  zone: string,
  groupBy: ReturnType<typeof parseGroupBy>,
): Promise<PreparedFile | null> {
  const group = input.path === '-' ? 'stdin' : groupForPath(input.displayPath, groupBy);
  let head: Buffer;
  let gzip = false;
  if (input.path === '-') {
    head = Buffer.alloc(0);
  } else {
    try {
      ({ bytes: head, gzip } = await readFileHead(input.path));
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (err as Error).message;
      if (input.fromDirectory) {
        options.onWarning?.(`${input.displayPath}: skipped (${why}).`);
        return null;
      }
      throw new LogInputError(`${input.displayPath}: cannot read it (${why}).`, { path: input.displayPath });
    }
  }
  const prepared: PreparedFile = { input, format: 'empty', gzip, group, head };
  if (input.path === '-') return prepared; // detected once its first bytes arrive
  if (head.length === 0) return prepared;
  const found = detectInputFormat(input.displayPath, head, options.timeFormat, zone, input.mtimeMs);
  if ('problem' in found) {
    if (input.fromDirectory) {
      options.onWarning?.(`${found.problem} Skipped.`);
      return null;
    }
    throw new LogInputError(found.problem, { path: input.displayPath });
  }
  prepared.format = found.format;
  prepared.crawlee = found.format === 'crawlee' || looksLikeCrawlee(head);
  if (prepared.crawlee && startsWithCrawleeStart(head)) prepared.startsAtCrawlerStart = true;
  if (found.format === 'crawlee' && !gzip) {
    // Untimed lines are placed by their crawlerRuntimeMillis from the run's start: mtime minus the last runtime.
    const start = crawleeRunStart(await readFileTail(input.path, input.size), input.mtimeMs);
    if (!Number.isNaN(start)) prepared.referenceMs = start;
  }
  return prepared;
}

/** The input's format, or the one-line reason it cannot be read as a log. */
export function detectInputFormat(
  displayPath: string,
  head: Buffer,
  timeFormat: string | undefined,
  zone: string,
  referenceMs: number,
): { format: FormatName } | { problem: string } {
  if (looksBinary(head)) return { problem: `${displayPath}: binary file, not a text log.` };
  if (timeFormat) return { format: 'custom' };
  const format = detectFormat(withoutNulRuns(head), { naive: new NaiveTimeConverter(zone), referenceMs });
  if (format) return { format };
  return {
    problem: `${displayPath}: unknown log format (no known timestamp layout in its first lines); give the layout with --time-format, e.g. --time-format 'YYYY/MM/DD HH:mm:ss'.`,
  };
}

async function scanStdin(
  file: PreparedFile,
  stdin: AsyncIterable<Buffer>,
  unit: Omit<ScanUnit, 'path' | 'gzip' | 'range' | 'fileIndex'>,
  fileIndex: number,
): Promise<UnitResult> {
  // Collect the head first: the format is detected on it, then the same bytes are scanned.
  let { head, rest } = await peekHead(stdin);
  if (head.length === 0) throw new LogInputError('stdin: no input (nothing was piped in).');
  if (isGzip(head)) {
    // `cat crawler.log.1.gz | crawl-diag logs -`: decompress, then peek again.
    const compressed = Readable.from(prepend(head, rest));
    const gunzip = createGunzip();
    compressed.on('error', (err) => gunzip.destroy(err));
    ({ head, rest } = await peekHead(compressed.pipe(gunzip)));
  }
  const found = detectInputFormat('stdin', head, unit.timeFormat, unit.zone, unit.referenceMs);
  if ('problem' in found) throw new LogInputError(found.problem);
  file.format = found.format;
  const { scanner, counts } = createScanner({ ...unit, format: file.format });
  await readStream(rest, (buf, s, e) => scanner.scan(buf, s, e), head);
  return unitResult(fileIndex, scanner, counts);
}

/**
 * Reads up to HEAD_BYTES from a stream (more while it has been only NUL bytes, as a copytruncated log piped in
 * begins, up to PEEK_LIMIT); returns them and the rest of the stream.
 */
async function peekHead(stream: AsyncIterable<Buffer>): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let n = 0;
  let onlyNul = true;
  while (n < HEAD_BYTES || (onlyNul && n < PEEK_LIMIT)) {
    const r = await iterator.next();
    if (r.done) break;
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    parts.push(chunk);
    n += chunk.length;
    if (onlyNul) onlyNul = chunk.every((b) => b === 0);
  }
  return { head: Buffer.concat(parts), rest: { [Symbol.asyncIterator]: () => iterator } };
}

const PEEK_LIMIT = 64 << 20;

async function* prepend(head: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  yield* rest;
}
