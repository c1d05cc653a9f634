// The log of one crawler process: `<logDir>/<name>.log` in the configured format (see log/logger.ts) and/or shipped
// to a log engine (`logTo`), or a silent logger without either.
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import { closeProcessLogger, createProcessLogger } from '../log/logger.js';
import type { LogOptions } from '../options.js';
import type { ProcessKind } from './entry-points.js';

/** `node`: what the shipped records are grouped by as a node (a supervisor's id, for it and its workers). */
export function openProcessLog(processName: string, kind: ProcessKind, opts: LogOptions, node: string = hostname()): Logger {
  if (!opts.logDir && !opts.logTo) return pino({ level: 'silent' });
  return createProcessLogger({
    dir: opts.logDir,
    processName,
    name: `crawl_diag.${kind}`,
    format: opts.logFormat,
    ship: opts.logTo ? { url: opts.logTo, node, kind, spoolDir: opts.logSpoolDir } : undefined,
  });
}

/** Logs the CPU time this process used (for diagnosis: which process kind a crawl spends its CPU in), then closes. */
export function closeProcessLog(log: Logger): Promise<void> {
  const cpu = process.cpuUsage();
  log.info({ userMs: Math.round(cpu.user / 1000), systemMs: Math.round(cpu.system / 1000) }, `Process CPU time: ${Math.round((cpu.user + cpu.system) / 1000)} ms.`);
  return closeProcessLogger(log);
}
