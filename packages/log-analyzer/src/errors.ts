// Typed errors of the log analyzer: each carries the one line a person needs and the exit code the CLI uses.

/** Bad input (missing path, binary file, unknown format, bad option value): exit code 2, one clear line. */
export class LogInputError extends Error {
  readonly exitCode: number;
  /** The offending path, when the error is about one file. */
  readonly path: string | undefined;
  constructor(message: string, options: { path?: string; exitCode?: number } = {}) {
    super(message);
    this.name = 'LogInputError';
    this.exitCode = options.exitCode ?? 2;
    this.path = options.path;
  }
}
