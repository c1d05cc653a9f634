// Typed store errors: each carries `exitCode` and a one-line message saying what was wrong and what to do, so the
// CLI prints it as `crawl-diag: <message>` and exits non-zero (nothing stored is lost by failing this way).

/** sysexits EX_UNAVAILABLE: a service the command needs is down. */
export const EXIT_STORE_UNAVAILABLE = 69;
/** Same code as the CLI's usage errors: the store was pointed at something unusable. */
export const EXIT_STORE_CONFIG = 2;

/** The database did not answer, even after retrying with backoff for `retryForMs`. */
export class StoreUnavailableError extends Error {
  readonly exitCode = EXIT_STORE_UNAVAILABLE;
  override readonly name = 'StoreUnavailableError';
  constructor(
    /** Where the store is (URI without credentials, or file path). */
    readonly location: string,
    readonly operation: string,
    readonly retryForMs: number,
    override readonly cause?: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause ?? 'no answer');
    super(
      `the crawl store at ${location} did not answer for ${Math.round(retryForMs / 1000)} s (${operation}: ${why}); ` +
        'start the database (or fix the URI) and run the command again: queued and crawled URLs are kept',
    );
  }
}

/** The store location or options are unusable (bad URI, unwritable path, unknown fault). */
export class StoreConfigError extends Error {
  readonly exitCode = EXIT_STORE_CONFIG;
  override readonly name = 'StoreConfigError';
}
