// `--follow`: keeps reading files as they grow (like `tail -F`), survives rotation (the old file is drained through
// its open handle, then the new file at the same path is read from its start) and truncation, and hands out a fresh
// report after each poll. Same scanner and report as analyzeLogs; the time grid grows with the run.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { autoBucketMs } from './bucketer/bucket-size.js';
import { buildReport } from './build-report.js';
import { LogInputError } from './errors.js';
import { detectFormat } from './formats/detect-format.js';
import { NaiveTimeConverter } from './formats/timezone.js';
import type { FormatName } from './formats/types.js';
import type { LogsReport } from './report.js';
import { EventCounts } from './scanner/event-counts.js';
import { createScanner } from './scanner/scan-unit.js';
import type { LineScanner } from './scanner/line-scanner.js';
import { DEFAULT_SERIES, toSeriesSpecs, type SeriesPattern } from './series.js';
import { expandPaths } from './source/expand-paths.js';
import { groupForPath, parseGroupBy, shortenGroupNames } from './source/group-name.js';
import { looksBinary } from './source/read-head.js';

export interface FollowOptions {
  /** Files (or directories, globs) to follow; `-` is not supported. */
  paths: string[];
  series?: SeriesPattern[];
  /** Bucket size in ms, or 'auto' (default): chosen from the span so far. */
  bucketMs?: number | 'auto';
  groupBy?: string;
  timeFormat?: string;
  tz?: string;
  /** Start at the end of each file (only new lines), like `tail -f`. Default false: read what is there first. */
  fromEnd?: boolean;
  /** Poll period in ms. Default 500. */
  pollMs?: number;
  cwd?: string;
  /** Called after each poll that read something, with the report so far (null until a record was seen). */
  onUpdate?: (report: LogsReport) => void;
}

interface FollowedFile {
  path: string;
  displayPath: string;
  group: string;
  handle: FileHandle | null;
  /** The handle of a rotated-away file, drained once more on the next poll (a writer may not have reopened yet). */
  retired: { handle: FileHandle; offset: number } | null;
  ino: number;
  offset: number;
  carry: Buffer;
  scanner: LineScanner | null;
  format: FormatName | null;
}

export interface FollowSession {
  /** The report of everything read so far (null before the first record). */
  report(): LogsReport | null;
  /** Stops polling, closes the files, returns the final report. */
  stop(): Promise<LogsReport | null>;
}

const READ_BYTES = 1 << 20;

export async function followLogs(options: FollowOptions): Promise<FollowSession> {
  if (options.paths.includes('-')) throw new LogInputError('--follow reads files, not stdin (-).');
  const specs = toSeriesSpecs(options.series && options.series.length > 0 ? options.series : DEFAULT_SERIES);
  const zone = options.tz ?? 'local';
  new NaiveTimeConverter(zone);
  const groupBy = parseGroupBy(options.groupBy);
  const bucketMs = options.bucketMs ?? 'auto';
  const resolutionMs = bucketMs === 'auto' ? 1000 : bucketMs;
  const counts = new EventCounts(resolutionMs, specs.length, specs.map((s) => s.kind));
  const inputs = await expandPaths(options.paths, options.cwd);
  const short = shortenGroupNames(inputs.map((i) => groupForPath(i.displayPath, groupBy)));
  const files: FollowedFile[] = inputs.map((i) => ({
    path: i.path,
    displayPath: i.displayPath,
    group: groupBy.kind === 'path' ? groupForPath(i.displayPath, groupBy) : (short.get(groupForPath(i.displayPath, groupBy)) ?? i.displayPath),
    handle: null,
    retired: null,
    ino: -1,
    offset: options.fromEnd ? i.size : 0,
    carry: Buffer.alloc(0),
    scanner: null,
    format: options.timeFormat ? 'custom' : null,
  }));

  const feed = (f: FollowedFile, bytes: Buffer): void => {
    const buf = f.carry.length ? Buffer.concat([f.carry, bytes]) : bytes;
    if (!f.scanner) {
      if (!f.format) {
        if (looksBinary(buf)) throw new LogInputError(`${f.displayPath}: binary file, not a text log.`, { path: f.displayPath });
        f.format = detectFormat(buf, { naive: new NaiveTimeConverter(zone), referenceMs: Date.now() });
        if (!f.format) {
          if (buf.indexOf(10) < 0 || buf.length < 4096) {
            f.carry = buf; // too little to tell yet
            return;
          }
          throw new LogInputError(`${f.displayPath}: unknown log format; give the layout with --time-format.`, { path: f.displayPath });
        }
      }
      f.scanner = createScanner({
        format: f.format, timeFormat: options.timeFormat, zone, referenceMs: Date.now(), series: specs,
        group: f.group, groupField: groupBy.kind === 'field' ? groupBy.field : undefined, resolutionMs,
      }, counts).scanner; // one EventCounts for every file: one grid
    }
    const last = buf.lastIndexOf(10);
    if (last < 0) {
      f.carry = buf;
      return;
    }
    f.scanner.scan(buf, 0, last + 1);
    f.carry = Buffer.from(buf.subarray(last + 1));
  };

  /** Reads from `from` to the current end of `handle`; returns the new offset. */
  const drainHandle = async (f: FollowedFile, handle: FileHandle, from: number): Promise<number> => {
    const chunk = Buffer.allocUnsafe(READ_BYTES);
    let offset = from;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, READ_BYTES, offset);
      if (bytesRead === 0) return offset;
      offset += bytesRead;
      feed(f, Buffer.from(chunk.subarray(0, bytesRead)));
    }
  };

  const drain = async (f: FollowedFile): Promise<boolean> => {
    if (!f.handle) return false;
    const before = f.offset;
    f.offset = await drainHandle(f, f.handle, f.offset);
    return f.offset > before;
  };

  const poll = async (): Promise<boolean> => {
    let any = false;
    for (const f of files) {
      if (f.retired) {
        const end = await drainHandle(f, f.retired.handle, f.retired.offset);
        any = end > f.retired.offset || any;
        await f.retired.handle.close();
        f.retired = null;
      }
      const info = await stat(f.path).catch(() => null);
      if (f.handle && (!info || info.ino !== f.ino)) {
        // Rotated: finish the old file through the handle we hold (and once more next poll), then the new one.
        any = (await drain(f)) || any;
        f.retired = { handle: f.handle, offset: f.offset };
        f.handle = null;
        f.offset = 0;
      }
      if (!info) continue;
      if (!f.handle) {
        f.handle = await open(f.path, 'r');
        f.ino = info.ino;
      } else if (info.size < f.offset) {
        f.offset = 0; // truncated in place (copytruncate)
        f.carry = Buffer.alloc(0);
      }
      any = (await drain(f)) || any;
    }
    return any;
  };

  const report = (): LogsReport | null => {
    let first = NaN;
    let last = NaN;
    for (const g of counts.data.groups.values()) {
      if (!(g.first >= first)) first = g.first;
      if (!(g.last <= last)) last = g.last;
    }
    if (Number.isNaN(first)) return null;
    const size = bucketMs === 'auto' ? autoBucketMs(last - first) : bucketMs;
    const groupFiles = new Map<string, string[]>();
    for (const f of files) groupFiles.set(f.group, [...(groupFiles.get(f.group) ?? []), f.displayPath]);
    return buildReport({
      counts: counts.data,
      seriesNames: specs.map((s) => s.name),
      seriesKinds: specs.map((s) => s.kind),
      files: files.map((f) => ({
        path: f.displayPath,
        format: f.format ?? 'unknown',
        lines: f.scanner?.lines ?? 0,
        unparsed: f.scanner?.unparsed ?? 0,
        group: f.group,
      })),
      groupFiles,
      bucketMs: size,
      firstMs: first,
      lastMs: last,
    });
  };

  let stopped = false;
  let failure: unknown = null;
  await poll();
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
      if (stopped) break;
      try {
        if ((await poll()) && options.onUpdate) {
          const r = report();
          if (r) options.onUpdate(r);
        }
      } catch (err) {
        failure = err;
        stopped = true;
      }
    }
  })();
  const first = report();
  if (first) options.onUpdate?.(first);
  return {
    report,
    async stop() {
      stopped = true;
      await loop;
      for (const f of files) {
        await f.retired?.handle.close();
        await f.handle?.close();
      }
      if (failure) throw failure;
      return report();
    },
  };
}
