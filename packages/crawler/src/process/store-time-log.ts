// Writes a crawler process's store time to its log: every window (default 5 s) in which store calls ended, one
// "Store time" line (log/store-time-line.ts) with the calls, total and slowest time per method. Nothing per call
// is logged, so the cost is one timer and a few additions per call.
import type { Logger } from 'pino';
import { storeTimeFields, storeTimeMessage } from '../log/store-time-line.js';
import { StoreTimeWindow } from '../store/timed-store.js';

/** Environment variable that sets the window in ms (tests use short ones); 0 turns the lines off. */
export const STORE_TIME_WINDOW_ENV = 'CRAWL_DIAG_STORE_TIME_MS';
export const DEFAULT_STORE_TIME_WINDOW_MS = 5000;

export class StoreTimeEnvError extends Error {
  readonly exitCode = 2;
  override readonly name = 'StoreTimeEnvError';
}

/** The window from the environment, or the default; a bad value is refused with what to write instead. */
export function storeTimeWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[STORE_TIME_WINDOW_ENV];
  if (raw === undefined || raw === '') return DEFAULT_STORE_TIME_WINDOW_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) {
    throw new StoreTimeEnvError(`${STORE_TIME_WINDOW_ENV}=${raw} is not a whole number of ms; use e.g. 5000, or 0 to turn the store time lines off`);
  }
  return ms;
}

export interface StoreTimeLogOptions {
  /** Window length, ms; 0: no lines. Default: `CRAWL_DIAG_STORE_TIME_MS` or 5000. */
  windowMs?: number;
  /**
   * A bad `CRAWL_DIAG_STORE_TIME_MS`: true (default) throws StoreTimeEnvError; false uses the default window and
   * logs a warning once attached. Workers pass false: a worker that died at start would be restarted by its
   * supervisor again and again (`crawl local` refuses the value before starting anything).
   */
  strict?: boolean;
}

/**
 * The window of one process, and the timer that logs it. Created before the store is opened (the window is the
 * sink of the timed store); `attach` starts the lines once the process has its logger (a worker gets its logger
 * after its store); `stop` logs the last, partial window.
 */
export class StoreTimeLog {
  readonly window = new StoreTimeWindow();
  readonly windowMs: number;
  private log: Logger | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly envWarning: string | undefined;

  constructor(opts: StoreTimeLogOptions = {}) {
    let windowMs = opts.windowMs;
    if (windowMs === undefined) {
      try {
        windowMs = storeTimeWindowMs();
      } catch (err) {
        if (opts.strict !== false) throw err;
        windowMs = DEFAULT_STORE_TIME_WINDOW_MS;
        this.envWarning = `${(err as Error).message}; using ${windowMs} ms`;
      }
    }
    this.windowMs = windowMs;
  }

  /**
   * The sink for openCrawlStore's `timing`: the window, or undefined when the lines are off (window 0), so that the
   * store is then not wrapped at all (what the overhead measurement compares against).
   */
  get sink(): StoreTimeWindow | undefined {
    return this.windowMs > 0 ? this.window : undefined;
  }

  attach(log: Logger): void {
    this.log = log;
    if (this.envWarning) log.warn(this.envWarning);
    if (this.windowMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.flush(), this.windowMs);
    // The lines must not keep a finished process alive.
    this.timer.unref();
  }

  /** Logs the window so far when it had calls, and starts the next one. */
  flush(): void {
    if (!this.log || this.windowMs <= 0) return;
    const snapshot = this.window.take();
    if (snapshot) this.log.info(storeTimeFields(snapshot), storeTimeMessage(snapshot));
  }

  /** Stops the timer and logs what the last window held. Call before closing the logger. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
