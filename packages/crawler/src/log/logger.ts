// One log file per crawler process (dispatcher.log, supervisor-1.log, worker-1-2.log), written by pino either as
// NDJSON or as the Python logging text format the original crawler wrote (so old and new logs read the same), and/or
// the same records shipped to a VictoriaLogs server by a pino transport (log/victorialogs-transport.ts).
import { mkdirSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Level, type Logger } from 'pino';
import { pythonLogLine } from './python-format.js';

export type LogFormat = 'python' | 'json';

export interface ProcessLoggerOptions {
  /** Directory of the log files; created if missing. None: no file (records only shipped, with `ship`). */
  dir?: string;
  /** Also send every record to this VictoriaLogs server, with these stream fields. */
  ship?: ShipOptions;
  /** File name without `.log`, chosen by the caller: `dispatcher`, `supervisor-1`, `worker-1-2`. */
  processName: string;
  /** Logger name: a dotted module name like `crawl_diag.worker` (Python's `%(name)s`). Default `crawl_diag`. */
  name?: string;
  /** `python` (text, as the original crawler) or `json` (pino NDJSON: `time` epoch ms, hostname, pid, name). Default `python`. */
  format?: LogFormat;
  /** Lowest level written. Default `debug` (the strategic "will be crawled" lines are DEBUG, as in the original). */
  level?: Level;
  /**
   * Write each line with its own write(2) (default true), so a process killed with SIGKILL loses no line. Measured
   * (CRAWLING.md, `node packages/crawler/scripts/log-cost.mjs`): buffered asynchronous writes cost the same CPU per
   * line here, so there is nothing to win by risking lines. false: buffered, flushed synchronously on exit.
   */
  sync?: boolean;
}

export interface ShipOptions {
  /** http://HOST:PORT of a VictoriaLogs server. */
  url: string;
  /** The node (a supervisor and its workers; the dispatcher's host) and the kind of process. */
  node: string;
  kind: 'dispatcher' | 'supervisor' | 'worker';
  /** Where records wait while the server is away. Default: defaultSpoolDir(url). */
  spoolDir?: string;
}

/** Spool of records not yet shipped: one directory per server, shared by the processes of this machine. */
export function defaultSpoolDir(url: string): string {
  return join(tmpdir(), 'crawl-diag-log-spool', url.replace(/^https?:\/\//, '').replace(/[^\w.-]+/g, '_'));
}

/** The transport's module: always the built one (pino loads it in a worker thread, which cannot run TypeScript). */
const transportModule = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'log', 'victorialogs-transport.js');

/** The log file a process writes: `<dir>/<processName>.log`. */
export function processLogFile(dir: string, processName: string): string {
  return join(dir, `${processName}.log`);
}

interface FileStream {
  write(line: string): boolean;
  flush(cb?: (err?: Error) => void): void;
  flushSync(): void;
  end(): void;
  once(event: 'close' | 'finish' | 'ready', fn: () => void): unknown;
}

/**
 * Turns pino's JSON lines into Python logging lines, synchronously, in the same write call. Parsing pino's own
 * output is the cheapest correct way to get the fields back (a line is a few hundred bytes, JSON.parse takes about
 * a microsecond); a pino transport would cost a worker thread per process for no gain here.
 */
class PythonFormatStream {
  constructor(
    private readonly file: FileStream,
    private readonly defaultName: string,
  ) {}

  write(json: string): boolean {
    const rec = JSON.parse(json) as { time?: number; level?: number; name?: string; msg?: string; err?: { type?: string; message?: string } };
    let msg = rec.msg ?? '';
    if (rec.err && rec.err.message && rec.err.message !== msg) msg = msg ? `${msg}: ${rec.err.type ?? 'Error'}: ${rec.err.message}` : `${rec.err.type ?? 'Error'}: ${rec.err.message}`;
    return this.file.write(pythonLogLine(rec.time ?? Date.now(), rec.name ?? this.defaultName, rec.level ?? 30, msg));
  }

  flush(cb?: (err?: Error) => void): void {
    this.file.flush(cb);
  }

  flushSync(): void {
    this.file.flushSync();
  }

  end(): void {
    this.file.end();
  }
}

const fileStreams = new WeakMap<Logger, FileStream>();
const shipStreams = new WeakMap<Logger, Closable>();

interface Closable {
  end(): void;
  once(event: 'close', fn: () => void): unknown;
}

/** Creates the logger of one process, writing `<dir>/<processName>.log` (appending) and/or shipping its records. */
export function createProcessLogger(opts: ProcessLoggerOptions): Logger {
  const format = opts.format ?? 'python';
  const name = opts.name ?? 'crawl_diag';
  const level = opts.level ?? 'debug';
  let file: FileStream | undefined;
  let fileStream: pino.DestinationStream | undefined;
  if (opts.dir) {
    // The file is opened synchronously: a process that logs and exits at once (a crash right at start) must still
    // leave its lines, and SonicBoom cannot flush on exit while its own asynchronous open is pending.
    mkdirSync(opts.dir, { recursive: true });
    const fd = openSync(processLogFile(opts.dir, opts.processName), 'a');
    file = pino.destination({ dest: fd, sync: opts.sync ?? true }) as unknown as FileStream;
    fileStream = (format === 'json' ? file : new PythonFormatStream(file, name)) as unknown as pino.DestinationStream;
  }
  let ship: (pino.DestinationStream & Closable) | undefined;
  if (opts.ship) {
    ship = pino.transport({
      target: transportModule,
      options: {
        url: opts.ship.url,
        fields: { node: opts.ship.node, kind: opts.ship.kind, pid: process.pid },
        processName: opts.processName,
        spoolDir: opts.ship.spoolDir ?? defaultSpoolDir(opts.ship.url),
      },
    }) as pino.DestinationStream & Closable;
  }
  // pid and hostname are not part of the Python format: leave them out of the JSON that is parsed again (shipped
  // records get node, kind and pid from the transport).
  const base = format === 'json' ? {} : { base: undefined };
  const streams = [fileStream, ship].filter((x): x is pino.DestinationStream => x !== undefined);
  const destination = streams.length === 1 ? streams[0] : pino.multistream(streams.map((stream) => ({ stream, level })));
  const logger = pino({ name, level, ...base }, destination);
  if (file) fileStreams.set(logger, file);
  if (ship) shipStreams.set(logger, ship);
  return logger;
}

/** Writes out buffered lines now (before a deliberate exit, or in a test before reading the file). */
export function flushProcessLoggerSync(logger: Logger): void {
  fileStreams.get(logger)?.flushSync();
}

/** Flushes and closes the log file and the shipping transport (which sends or spools what is left). */
export async function closeProcessLogger(logger: Logger): Promise<void> {
  const file = fileStreams.get(logger);
  const ship = shipStreams.get(logger);
  await Promise.all([
    file &&
      new Promise<void>((resolve) => {
        file.once('close', () => resolve());
        logger.flush(() => file.end());
      }),
    ship &&
      new Promise<void>((resolve) => {
        ship.once('close', () => resolve());
        ship.end();
      }),
  ]);
}
