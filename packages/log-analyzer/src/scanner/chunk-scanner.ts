// What the scan core is to its callers (a scan unit, a followed file, stdin): something that is handed chunks of
// whole lines and counts into an EventCounts, and says how many lines it saw, how many were garbage, how many NUL
// bytes it skipped and the first and last record time.
export interface ChunkScanner {
  lines: number;
  unparsed: number;
  nulBytes: number;
  /** Earliest and latest record time seen (ms; NaN until a record was parsed). */
  firstTime: number;
  lastTime: number;
  /** Scans the complete lines of buf[start, end). The buffer may be reused by the caller afterwards. */
  scan(buf: Buffer, start: number, end: number): void;
}
