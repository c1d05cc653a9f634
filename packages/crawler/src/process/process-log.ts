// The log of one crawler process: `<logDir>/<name>.log` in the configured format (see log/logger.ts), or a silent
// logger without a log directory.
import { pino, type Logger } from 'pino';
import { closeProcessLogger, createProcessLogger } from '../log/logger.js';
import type { LogOptions } from '../options.js';
import type { ProcessKind } from './entry-points.js';

export function openProcessLog(processName: string, kind: ProcessKind, opts: LogOptions): Logger {
  if (!opts.logDir) return pino({ level: 'silent' });
  return createProcessLogger({ dir: opts.logDir, processName, name: `crawl_diag.${kind}`, format: opts.logFormat });
}

export function closeProcessLog(log: Logger): Promise<void> {
  return closeProcessLogger(log);
}
