// Reads the agent's settings from the environment, so it can be switched on in any Node process without code changes.
import { basename, extname, resolve } from 'node:path';
import { parseDurationMs } from '../recording/duration.js';
import { sanitizeKind } from '../recording/window-file-name.js';

export interface AgentConfig {
  /** Where window files go (`CRAWL_DIAG_PROFILE_DIR`); the agent does nothing without it. */
  dir: string;
  /** Length of one window, ms (`CRAWL_DIAG_PROFILE_WINDOW`: `500ms`, `10s`, `1m`; default 30 s). */
  windowMs: number;
  /** Sampling rate in Hz (`CRAWL_DIAG_PROFILE_RATE`; default 100, as py-spy and Pyflame). */
  rateHz: number;
  /** Also write a sampled heap profile per window (`CRAWL_DIAG_PROFILE_HEAP=1`; default off). */
  heap: boolean;
  /** Process kind in file names (`CRAWL_DIAG_PROCESS_KIND`, else the entry script's base name). */
  kind: string;
  /** Record where the process waits (MongoDB, HTTP, timers) as wait frames (`CRAWL_DIAG_PROFILE_WAITS=0` turns it off; default on). */
  waits: boolean;
  /**
   * Capture the awaiting stack of every wait (`CRAWL_DIAG_PROFILE_WAITS=all`) rather than of the waits a
   * wall-clock sampler at the profile's rate would hit (default): exact call-site splits, at tens of µs per wait.
   */
  waitsEveryStack: boolean;
}

export const DEFAULT_WINDOW_MS = 30_000;
export const DEFAULT_RATE_HZ = 100;
/** Below this a window holds too few samples to say anything, and the per-window cost stops being small. */
const MIN_WINDOW_MS = 100;

export const ENV = {
  dir: 'CRAWL_DIAG_PROFILE_DIR',
  window: 'CRAWL_DIAG_PROFILE_WINDOW',
  rate: 'CRAWL_DIAG_PROFILE_RATE',
  heap: 'CRAWL_DIAG_PROFILE_HEAP',
  kind: 'CRAWL_DIAG_PROCESS_KIND',
  waits: 'CRAWL_DIAG_PROFILE_WAITS',
} as const;

export type ConfigResult = { config: AgentConfig; warnings: string[] } | { config: undefined; warnings: string[] };

/** The agent's settings; bad values fall back to the defaults with a warning rather than stopping the host. */
export function readAgentConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): ConfigResult {
  const warnings: string[] = [];
  const dirText = env[ENV.dir]?.trim();
  if (!dirText) return { config: undefined, warnings };

  let windowMs = DEFAULT_WINDOW_MS;
  const windowText = env[ENV.window]?.trim();
  if (windowText) {
    const parsed = parseDurationMs(windowText);
    if (parsed === undefined || parsed < MIN_WINDOW_MS) {
      warnings.push(`${ENV.window}=${windowText} is not a duration of at least ${MIN_WINDOW_MS}ms (e.g. 500ms, 10s, 1m); using 30s`);
    } else windowMs = parsed;
  }

  let rateHz = DEFAULT_RATE_HZ;
  const rateText = env[ENV.rate]?.trim();
  if (rateText) {
    const parsed = Number(rateText);
    if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 10_000) {
      warnings.push(`${ENV.rate}=${rateText} is not a rate in Hz between 1 and 10000; using ${DEFAULT_RATE_HZ}`);
    } else rateHz = parsed;
  }

  const heapText = env[ENV.heap]?.trim().toLowerCase();
  const heap = heapText === '1' || heapText === 'true' || heapText === 'yes';

  const waitsText = env[ENV.waits]?.trim().toLowerCase();
  const waits = !(waitsText === '0' || waitsText === 'false' || waitsText === 'no');
  const waitsEveryStack = waitsText === 'all';
  if (waitsText && waits && !waitsEveryStack && !['1', 'true', 'yes', 'on'].includes(waitsText)) {
    warnings.push(`${ENV.waits}=${env[ENV.waits]?.trim()} is not 0 (off), 1 (on) or all (every wait's stack); using 1`);
  }

  return { config: { dir: resolve(dirText), windowMs, rateHz, heap, kind: processKind(env, argv), waits, waitsEveryStack }, warnings };
}

/** `worker` for `node /app/worker.js`; `node` for a REPL or `node -e`. */
export function processKind(env: NodeJS.ProcessEnv, argv: string[]): string {
  const fromEnv = env[ENV.kind]?.trim();
  if (fromEnv) return sanitizeKind(fromEnv);
  const script = argv[1];
  if (!script) return 'node';
  const base = basename(script);
  return sanitizeKind(base.slice(0, base.length - extname(base).length) || base);
}
