// Reads the crawler processes' "Store time" lines back from a run's logs (the line is written, and its message
// parsed, by packages/crawler/src/log/store-time-line.ts):
//   `Store time: 5.0 s window, leaseUrls 12 calls 1403.2 ms (max 310.4 ms), addUrls 4 calls 20.0 ms (max 8.1 ms, 1 failed).`
// Line times are read with the log analyzer's own format detection and parsers (Python logging or pino NDJSON,
// naive stamps in local time, as `crawl-diag logs` reads them); a JSON line's figures come from its fields.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseStoreTimeMessage, type MethodTime } from '@crawl-diag/crawler';
import { createFormat, detectFormat, NaiveTimeConverter, type FormatContext } from '@crawl-diag/log-analyzer';

export { parseStoreTimeMessage, type MethodTime };

/** One window of one process: `fromMs` is the line's time minus the window, `toMs` the line's time. */
export interface StoreTimeRecord {
  /** Process kind, from the log file's name: `dispatcher` or `worker`. */
  kind: string;
  /** The log file's name without `.log` (`worker-2-1`). */
  process: string;
  fromMs: number;
  toMs: number;
  methods: Record<string, MethodTime>;
}

const MARK = 'Store time: ';
interface JsonStoreTimeLine {
  storeTime?: { windowMs?: number; methods?: Record<string, MethodTime> };
  msg?: string;
}

/** Process kind of a crawler log file (`dispatcher.log`, `worker-1-2.log`), or undefined for other files. */
export function processKindOf(file: string): string | undefined {
  return /^(dispatcher|worker)(?:-[\w-]+)?\.log$/.exec(file)?.[1];
}

/** Every Store time line of one log file's text. `referenceMs`: the file's mtime (formats without a year). */
export function storeTimeRecordsOf(text: Buffer, file: string, referenceMs: number): StoreTimeRecord[] {
  const kind = processKindOf(file);
  if (!kind) return [];
  const ctx: FormatContext = { naive: new NaiveTimeConverter('local'), referenceMs };
  const formatName = detectFormat(text.subarray(0, 64 * 1024), ctx);
  if (!formatName) return [];
  const format = createFormat(formatName, ctx);
  const processName = file.replace(/\.log$/, '');
  const out: StoreTimeRecord[] = [];
  const mark = Buffer.from(MARK);
  let at = text.indexOf(mark);
  while (at >= 0) {
    const start = text.lastIndexOf(10, at) + 1;
    let end = text.indexOf(10, at);
    if (end < 0) end = text.length;
    const toMs = format.parseTime(text, start, end);
    const parsed = Number.isNaN(toMs) ? undefined : parseLine(text.toString('utf8', start, end), text.toString('utf8', at, end));
    if (parsed) out.push({ kind, process: processName, fromMs: toMs - parsed.windowMs, toMs, methods: parsed.methods });
    at = text.indexOf(mark, end);
  }
  return out;
}

/** A JSON line's fields when it has them (exact window), else its message. */
function parseLine(line: string, fromMark: string): ReturnType<typeof parseStoreTimeMessage> {
  if (line.startsWith('{')) {
    try {
      const rec = JSON.parse(line) as JsonStoreTimeLine;
      if (rec.storeTime?.windowMs !== undefined && rec.storeTime.methods) return { windowMs: rec.storeTime.windowMs, methods: rec.storeTime.methods };
      return rec.msg ? parseStoreTimeMessage(rec.msg) : undefined;
    } catch {
      return undefined; // a torn last line of a killed process
    }
  }
  return parseStoreTimeMessage(fromMark);
}

/** The Store time lines of every dispatcher and worker log in a run's log directory. */
export async function readStoreTimeRecords(logDir: string): Promise<StoreTimeRecord[]> {
  const out: StoreTimeRecord[] = [];
  for (const file of (await readdir(logDir)).sort()) {
    if (!processKindOf(file)) continue;
    const text = await readFile(join(logDir, file));
    out.push(...storeTimeRecordsOf(text, file, Date.now()));
  }
  return out;
}
