// Typed errors of the bench: a one-line message and the exit code, as the CLI prints them.

/** Bad arguments or an unusable setup: the message says what was wrong and what to do. Exit code 2. */
export class BenchUsageError extends Error {
  readonly exitCode = 2;
  override readonly name = 'BenchUsageError';
}

/** A run could not be carried out (a crawl failed, a service did not start). Exit code 1. */
export class BenchRunError extends Error {
  readonly exitCode = 1;
  override readonly name = 'BenchRunError';
}

/** Prints `bench: <message>` for typed errors (anything with a numeric exitCode), the stack otherwise. */
export function reportBenchError(err: unknown): number {
  const e = err as { exitCode?: unknown; message?: unknown };
  if (e && typeof e.exitCode === 'number' && typeof e.message === 'string') {
    process.stderr.write(`bench: ${e.message}\n`);
    return e.exitCode;
  }
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
