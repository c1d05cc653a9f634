// What a log format is to the scanner: a cheap test for "this line starts a record" and a timestamp parser, both
// working on bytes at fixed offsets where the format allows.
import type { NaiveTimeConverter } from './timezone.js';

export type FormatName =
  | 'python-logging'
  | 'scrapy'
  | 'crawlee'
  | 'iso8601'
  | 'pino'
  | 'syslog'
  | 'access-log'
  | 'custom';

export interface LogFormat {
  readonly name: FormatName;
  /** True when buf[start, end) (one line, no newline) begins a record in this format. Called once per line. */
  isRecordStart(buf: Buffer, start: number, end: number): boolean;
  /** UTC epoch ms of the record starting at `start`; NaN when the stamp does not parse. Called for matched lines. */
  parseTime(buf: Buffer, start: number, end: number): number;
  /** Byte strings that mark a record of the given level (e.g. ` - ERROR - ` for Python logging). */
  levelNeedles(level: string): string[];
  /** True when lines without a timestamp may continue the record above (tracebacks); false for NDJSON. */
  readonly multiline: boolean;
  /**
   * True when records may lack a time of their own (Crawlee's default text log times only its statistics lines):
   * such a record is skipped, not counted as garbage. Default false.
   */
  readonly untimedRecords?: boolean;
}

/** What a format needs to know besides the bytes. */
export interface FormatContext {
  /** Converts naive wall-clock stamps (no zone in the line) to UTC. */
  naive: NaiveTimeConverter;
  /** For formats without a year (syslog): the time the log was last written (file mtime, or now for stdin). */
  referenceMs: number;
}
