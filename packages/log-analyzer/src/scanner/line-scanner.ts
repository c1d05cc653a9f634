// The hot loop: walks the lines of a byte chunk (their ends found by the SIMD kernel), tells records from
// continuations and garbage, and counts series matches at their record's time. No string is made per line; timestamps are parsed only for records that matched
// something, and for the first and last record of each chunk (the input's time span).
import { jsonValueStart } from '../formats/pino.js';
import type { LogFormat } from '../formats/types.js';
import type { SeriesSpec } from '../series.js';
import { looksLikeContinuation } from './continuation.js';
import { CHUNK_SLOTS, EventCounts, type GroupCounts } from './event-counts.js';
import { SeriesMatcher } from './series-matcher.js';
import type { ChunkScanner } from './chunk-scanner.js';

export interface LineScannerOptions {
  format: LogFormat;
  series: SeriesSpec[];
  /** Where events are counted. */
  counts: EventCounts;
  /** Group of every record (the file's group), unless `groupField` names a JSON field to read per record. */
  group: string;
  /** JSON field whose value is the group (NDJSON inputs), e.g. `hostname` or `pid`. */
  groupField?: string;
}

export class LineScanner implements ChunkScanner {
  lines = 0;
  unparsed = 0;
  /** NUL bytes skipped (runs of them are line breaks, not text). */
  nulBytes = 0;
  /** Earliest and latest record time seen (ms; NaN until a record was parsed). */
  firstTime = NaN;
  lastTime = NaN;

  private readonly format: LogFormat;
  private readonly matcher: SeriesMatcher;
  private readonly counts: EventCounts;
  private readonly groupName: string;
  private fixedGroup: GroupCounts | null = null;
  private readonly groupKey: Buffer | null;

  private buf: Buffer = Buffer.alloc(0);
  private recordStart = -1;
  private recordEnd = -1;
  /** A record is open (continuation lines may follow) and its stamp parsed or not yet tried. */
  private recordOk = false;
  private recordParsed = false;
  private recordTime = NaN;
  /** The record's time as the counts' chunk and slot within it (small integers, computed once per record). */
  private recordChunk = 0;
  private recordSlotInChunk = 0;
  private readonly resolutionMs: number;
  /** Group of the open record; set whenever a record's time is parsed, which comes before any count. */
  private recordGroup: GroupCounts;
  /**
   * Per series, the number of the record it was last counted for: a record counts once per series, however many
   * of its lines match. Records are numbered as they open (so opening one costs no reset).
   */
  private readonly countedIn: Float64Array;
  private recordNumber = 0;
  /** Newlines passed, and the line last counted as unparsed (NUL runs cut a line into pieces; it counts once). */
  private physicalLine = 0;
  private lastGarbageLine = -1;
  /** Series whose matches carry a number (gauges, counters) rather than count one event. */
  private readonly valued: boolean[];
  /** Series whose matches carry a text key (a URL's host), counted per key. */
  private readonly keyed: boolean[];

  constructor(options: LineScannerOptions) {
    this.format = options.format;
    this.matcher = new SeriesMatcher(options.series, options.format);
    this.counts = options.counts;
    this.resolutionMs = options.counts.data.resolutionMs;
    this.groupName = options.group;
    this.groupKey = options.groupField && options.format.name === 'pino' ? Buffer.from(`"${options.groupField}":`) : null;
    // Created on first use: with a JSON-field grouping the file's own group would stay empty.
    this.recordGroup = null as unknown as GroupCounts;
    this.countedIn = new Float64Array(options.series.length).fill(-1);
    this.valued = options.series.map((s) => s.kind === 'gauge' || s.kind === 'counter');
    this.keyed = options.series.map((s) => s.kind === 'key');
  }

  /** Scans the complete lines of buf[start, end). The buffer may be reused by the caller afterwards. */
  scan(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    const matcher = this.matcher;
    matcher.begin(buf, start, end);
    // Line ends come from the SIMD kernel, which holds a copy of the chunk at `shift` from buf's offsets.
    const kernel = matcher.kernel;
    const shift = kernel.inputAt - start;
    let pos = start;
    let count = kernel.firstLineBatch();
    for (;;) {
      const ends = kernel.lineEnds;
      for (let k = 0; k < count; k++) {
        const at = ends[k] - shift;
        if (buf[at] === 10) {
          this.lines++;
          this.line(buf, pos, at > pos && buf[at - 1] === 13 ? at - 1 : at, at + 1);
          this.physicalLine++;
          pos = at + 1;
        } else {
          // A run of NUL bytes (copytruncate's hole, a crash's padding): skipped and counted, and a line break, so
          // a record right after it is read.
          let after = at + 1;
          while (after < end && buf[after] === 0) after++;
          this.nulBytes += after - at;
          if (at > pos) this.line(buf, pos, at, after);
          pos = after;
        }
      }
      if (!kernel.lineBatchFull) break;
      count = kernel.nextLineBatch();
    }
    if (pos < end) {
      this.lines++;
      this.line(buf, pos, end > pos && buf[end - 1] === 13 ? end - 1 : end, end); // a last line without its newline
    }
    // The open record's bytes go away with the buffer: settle its time now (it is also the chunk's last record).
    if (this.recordOk && !this.recordParsed) this.parseRecord();
  }

  /**
   * One line, buf[pos, lineEnd) without its line break; the next line starts at `next` (after the newline, or after
   * the NUL run that ended this piece of a line).
   */
  private line(buf: Buffer, pos: number, lineEnd: number, next: number): void {
    let counted = true;
    if (this.format.isRecordStart(buf, pos, lineEnd)) {
      this.openRecord(pos, lineEnd);
    } else if (lineEnd === pos) {
      counted = false; // a blank line: neither a record nor garbage
    } else if (!(this.format.multiline && this.recordOk && looksLikeContinuation(buf, pos, lineEnd))) {
      // Counted once per line, though NUL runs may cut it into several pieces.
      if (this.lastGarbageLine !== this.physicalLine) this.unparsed++;
      this.lastGarbageLine = this.physicalLine;
      counted = false;
    }
    if (this.matcher.minNext < next) this.matcher.takeLine(lineEnd, next, counted ? this.onMatch : ignoreMatch);
  }

  private openRecord(start: number, end: number): void {
    this.recordNumber++;
    this.recordStart = start;
    this.recordEnd = end;
    this.recordOk = true;
    this.recordParsed = false;
    if (Number.isNaN(this.firstTime)) this.parseRecord();
  }

  private parseRecord(): void {
    this.recordParsed = true;
    const t = this.format.parseTime(this.buf, this.recordStart, this.recordEnd);
    if (Number.isNaN(t)) {
      // Shaped like a record but the stamp does not parse (a JSON line without `time`, 99:99:99): garbage, unless
      // the format has records without a time (then it is a record that cannot be placed on the time axis).
      this.recordTime = NaN;
      if (this.format.untimedRecords) return; // still a record: its continuation lines are not garbage
      this.recordOk = false;
      this.unparsed++;
      return;
    }
    this.recordTime = t;
    const slot = Math.floor(t / this.resolutionMs);
    this.recordChunk = Math.floor(slot / CHUNK_SLOTS);
    this.recordSlotInChunk = slot - this.recordChunk * CHUNK_SLOTS;
    if (!(t >= this.firstTime)) this.firstTime = t;
    if (!(t <= this.lastTime)) this.lastTime = t;
    this.recordGroup = this.groupKey
      ? this.counts.group(this.readGroupField())
      : (this.fixedGroup ??= this.counts.group(this.groupName));
    this.counts.seen(this.recordGroup, t);
  }

  private readGroupField(): string {
    const key = this.groupKey as Buffer;
    const buf = this.buf;
    const i = jsonValueStart(buf, key, this.recordStart, this.recordEnd);
    if (i < 0) return '(none)';
    let j = i;
    if (buf[i] === 0x22) {
      j = i + 1;
      while (j < this.recordEnd && buf[j] !== 0x22) j++;
      return buf.toString('utf8', i + 1, j);
    }
    while (j < this.recordEnd && buf[j] !== 0x2c && buf[j] !== 0x7d) j++;
    return buf.toString('utf8', i, j).trim();
  }

  private readonly onMatch = (series: number): void => {
    if (!this.recordParsed) this.parseRecord();
    if (!this.recordOk || this.countedIn[series] === this.recordNumber || Number.isNaN(this.recordTime)) return;
    this.countedIn[series] = this.recordNumber;
    if (this.valued[series]) this.counts.addValue(this.recordGroup, series, this.recordTime, this.matcher.captured[series]);
    else {
      this.counts.addAt(this.recordGroup, series, this.recordChunk, this.recordSlotInChunk);
      if (this.keyed[series]) this.counts.addKey(this.recordGroup, series, this.recordChunk * CHUNK_SLOTS + this.recordSlotInChunk, this.matcher.capturedKey[series]);
    }
  };
}

function ignoreMatch(): void {}
