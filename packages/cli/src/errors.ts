// Errors the command line reports as one clear line (what was wrong, what to do) with a non-zero exit.

export class UsageError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}

/** Any error carrying `exitCode` and a human message is reported as is; anything else is a bug, with its stack. */
export function reportError(err: unknown): number {
  const e = err as { message?: string; exitCode?: number; stack?: string };
  if (e && typeof e.exitCode === 'number') {
    process.stderr.write(`crawl-diag: ${e.message}\n`);
    return e.exitCode;
  }
  process.stderr.write(`crawl-diag: unexpected error: ${e?.stack ?? String(err)}\n`);
  return 1;
}
