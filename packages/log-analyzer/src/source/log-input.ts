// One input the analyzer reads: a file on disk or standard input.

export interface LogInput {
  /** Absolute path, or `-` for standard input. */
  path: string;
  /** The path as the user would recognise it (relative to the working directory when inside it). */
  displayPath: string;
  /** Bytes on disk (compressed size for .gz); 0 for stdin. */
  size: number;
  /** Last modification (ms): the reference year for syslog stamps. Now for stdin. */
  mtimeMs: number;
  /** Found by walking a directory (unreadable or non-log files there are skipped, not fatal). */
  fromDirectory: boolean;
}
