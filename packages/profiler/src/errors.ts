// Typed errors of the profiler: each carries a one-line message saying what was wrong and what to do,
// and the exit code the command line should end with (the CLI prints any error with a numeric `exitCode` as is).

/** Why profiling a target could not even start; `code` lets callers and tests tell the cases apart. */
export type ProfilerErrorCode =
  | 'no-such-process'
  | 'not-node-or-python'
  | 'signal-not-caught'
  | 'permission-denied'
  | 'inspector-unavailable'
  | 'inspector-port-taken'
  | 'non-loopback-inspector'
  | 'py-spy-missing'
  | 'ptrace-denied'
  | 'py-spy-failed'
  | 'launch-failed'
  | 'pause-too-long'
  | 'bad-input';

export class ProfilerError extends Error {
  readonly code: ProfilerErrorCode;
  readonly exitCode: number;
  constructor(code: ProfilerErrorCode, message: string, exitCode = 1) {
    super(message);
    this.name = 'ProfilerError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
