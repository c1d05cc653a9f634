// The one error type for bad recording input (missing directory, bad range, no windows): one line, exit code 2.

export class RecordingError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'RecordingError';
    this.exitCode = exitCode;
  }
}
