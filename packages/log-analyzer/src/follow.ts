// `--follow`: keeps reading files as they grow (like `tail -F`), survives rotation (the old file is drained through
// its open handle, then the new file at the same path is read from its start) and truncation, and hands out a fresh
// report after each poll. A followed file is one more source of the same run as analyzeLogs: the same inputs,
// format detection, default series (Scrapy's, Crawlee's), gzip siblings (read once: they do not grow), scanner and
// report builder, so a followed log and a plain run over the same bytes give the same report.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { addToTally, detectInputFormat, newTally, prepareRun, reportFrom, scanUnitFor, type AnalyzeOptions, type FileTally, type PreparedRun } from './analyze.js';
import { LogInputError } from './errors.js';
import type { LogsReport } from './report.js';
import { EventCounts } from './scanner/event-counts.js';
import type { ChunkScanner } from './scanner/chunk-scanner.js';
import { createScanner, scanUnit } from './scanner/scan-unit.js';
import { LineAssembler, READ_CHUNK_BYTES } from './source/read-bytes.js';

export interface FollowOptions extends Omit<AnalyzeOptions, 'stdin' | 'threads' | 'rangeBytes' | 'onProgress'> {
  /** Start at the end of each file (only new lines), like `tail -f`. Default false: read what is there first. */
  fromEnd?: boolean;
  /** Poll period in ms. Default 500. */
  pollMs?: number;
  /** Called after each poll that read something, with the report so far (once a record was seen). */
  onUpdate?: (report: LogsReport) => void;
  /** Called once if following fails (an unreadable file, a format that cannot be told); polling stops. */
  onError?: (err: unknown) => void;
}

export interface FollowSession {
  /** The report of everything read so far (null before the first record). */
  report(): LogsReport | null;
  /** Stops polling, reads what was written up to now, closes the files, returns the final report. */
  stop(): Promise<LogsReport | null>;
}

/** A file of the run that is followed: where it was read up to, and its scanner once its format is known. */
interface Followed {
  fileIndex: number;
  path: string;
  displayPath: string;
  handle: FileHandle | null;
  /** The handle of a rotated-away file, drained once more on the next poll (a writer may not have reopened yet). */
  retired: { handle: FileHandle; offset: number } | null;
  ino: number;
  offset: number;
  lines: LineAssembler;
  scanner: ChunkScanner | null;
  /** Bytes of a file whose format is not known yet (it was empty at the start). */
  undetected: Buffer[];
}

/** Below this many bytes without a known format, wait for more before calling the format unknown. */
const DETECT_BYTES = 4096;

export async function followLogs(options: FollowOptions): Promise<FollowSession> {
  if (options.paths.includes('-')) throw new LogInputError('--follow reads files, not stdin (-).');
  const run = await prepareRun(options);
  const counts = new EventCounts(run.resolutionMs, run.specs.length, run.specs.map((s) => s.kind));
  const tallies: FileTally[] = run.files.map(() => newTally());
  const followed: Followed[] = [];
  for (const [fileIndex, f] of run.files.entries()) {
    if (f.gzip) {
      // A compressed sibling (crawler.log.2.gz) is finished: read once.
      const r = await scanUnit(scanUnitFor(run, fileIndex));
      counts.merge(r.counts);
      addToTally(tallies[fileIndex], r);
      continue;
    }
    const entry: Followed = {
      fileIndex,
      path: f.input.path,
      displayPath: f.input.displayPath,
      handle: null,
      retired: null,
      ino: -1,
      offset: options.fromEnd ? f.input.size : 0,
      lines: new LineAssembler((buf, s, e) => entry.scanner!.scan(buf, s, e)),
      scanner: null,
      undetected: [],
    };
    if (f.format !== 'empty') entry.scanner = scannerFor(run, fileIndex, counts);
    followed.push(entry);
  }

  const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  const feed = (f: Followed, bytes: Buffer): void => {
    if (!f.scanner) {
      f.undetected.push(Buffer.from(bytes));
      const head = Buffer.concat(f.undetected);
      const file = run.files[f.fileIndex];
      const found = detectInputFormat(f.displayPath, head, run.timeFormat, run.zone, Date.now());
      if ('problem' in found) {
        if (head.indexOf(10) < 0 || head.length < DETECT_BYTES) return; // too little to tell yet
        throw new LogInputError(found.problem, { path: f.displayPath });
      }
      file.format = found.format;
      f.scanner = scannerFor(run, f.fileIndex, counts);
      f.undetected = [];
      bytes = head;
    }
    f.lines.push(bytes);
  };

  /** Reads from `from` to the current end of `handle`; returns the new offset. */
  const drainHandle = async (f: Followed, handle: FileHandle, from: number): Promise<number> => {
    let offset = from;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, offset);
      if (bytesRead === 0) return offset;
      offset += bytesRead;
      feed(f, chunk.subarray(0, bytesRead));
    }
  };

  const drain = async (f: Followed): Promise<boolean> => {
    if (!f.handle) return false;
    const before = f.offset;
    f.offset = await drainHandle(f, f.handle, f.offset);
    run.files[f.fileIndex].input.size = f.offset; // the report's `bytes`: of the file at that path, as read so far
    return f.offset > before;
  };

  const poll = async (): Promise<boolean> => {
    let any = false;
    for (const f of followed) {
      if (f.retired) {
        const end = await drainHandle(f, f.retired.handle, f.retired.offset);
        any = end > f.retired.offset || any;
        await f.retired.handle.close();
        f.retired = null;
        if (f.scanner) f.lines.flush(); // the old file's last line is complete now
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
        if (f.retired) continue; // the new file is read once the old one is finished
        f.handle = await open(f.path, 'r');
        f.ino = info.ino;
      } else if (info.size < f.offset) {
        f.offset = 0; // truncated in place (copytruncate)
        f.lines.discard();
      }
      any = (await drain(f)) || any;
    }
    return any;
  };

  const report = (): LogsReport | null => {
    for (const f of followed) {
      const s = f.scanner;
      tallies[f.fileIndex] = s ? { lines: s.lines, unparsed: s.unparsed, nulBytes: s.nulBytes, first: s.firstTime, last: s.lastTime } : newTally();
    }
    return reportFrom(run, counts.data, tallies);
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
        options.onError?.(err);
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
      if (!failure) {
        // What was written since the last poll, then the last line of each file even without its newline.
        await poll();
        await poll(); // a rotated-away file is finished on the poll after the rotation was seen
        for (const f of followed) if (f.scanner) f.lines.flush();
      }
      for (const f of followed) {
        await f.retired?.handle.close();
        await f.handle?.close();
      }
      if (failure) throw failure;
      return report();
    },
  };
}

function scannerFor(run: PreparedRun, fileIndex: number, counts: EventCounts): ChunkScanner {
  // One EventCounts for every file: one grid.
  return createScanner({ ...scanUnitFor(run, fileIndex) }, counts).scanner;
}
