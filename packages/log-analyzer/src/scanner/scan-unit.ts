// One piece of scanning work: a whole file (plain or gzip) or a byte range of a big plain file. Plain data so it can
// be posted to a worker thread; `scanUnit` runs the same in a worker and in the main thread.
import { NaiveTimeConverter } from '../formats/timezone.js';
import { createFormat } from '../formats/registry.js';
import type { FormatName } from '../formats/types.js';
import type { SeriesSpec } from '../series.js';
import { gunzipFile, READ_CHUNK_BYTES, readFileRange, readStream } from '../source/read-bytes.js';
import { EventCounts, type EventCountsData } from './event-counts.js';
import type { ChunkScanner } from './chunk-scanner.js';
import { KernelScanner, kernelScannable } from './kernel-scanner.js';
import { LineScanner } from './line-scanner.js';

export interface ScanUnit {
  /** Index of the input file this unit belongs to. */
  fileIndex: number;
  path: string;
  gzip: boolean;
  /** Byte range of a plain file; absent means the whole file. */
  range?: { start: number; end: number };
  format: FormatName;
  timeFormat?: string;
  zone: string;
  referenceMs: number;
  series: SeriesSpec[];
  group: string;
  groupField?: string;
  resolutionMs: number;
  /** Force the line scanner (the reference the kernel's whole-record scan is tested against). Default: either. */
  core?: 'line';
}

export interface UnitResult {
  fileIndex: number;
  lines: number;
  unparsed: number;
  /** NUL bytes skipped. */
  nulBytes: number;
  firstTime: number;
  lastTime: number;
  counts: EventCountsData;
}

/**
 * The scan core for a unit: the WebAssembly kernel's whole-record scan for fixed-layout formats with literal
 * series (kernel-scanner.ts), else the line scanner (regexes, values, other formats); both count the same.
 */
export function createScanner(
  unit: Omit<ScanUnit, 'path' | 'gzip' | 'range' | 'fileIndex'>,
  /** Count into these (shared by several scanners, as --follow does); default: new counts. */
  shared?: EventCounts,
): {
  scanner: ChunkScanner;
  counts: EventCounts;
} {
  const naive = new NaiveTimeConverter(unit.zone);
  const format = createFormat(unit.format, { naive, referenceMs: unit.referenceMs }, unit.timeFormat);
  const counts = shared ?? new EventCounts(unit.resolutionMs, unit.series.length, unit.series.map((s) => s.kind));
  const scanner =
    unit.core !== 'line' && kernelScannable(format, unit.series, unit.groupField)
      ? new KernelScanner({ format, series: unit.series, counts, group: unit.group, naive })
      : new LineScanner({ format, series: unit.series, counts, group: unit.group, groupField: unit.groupField });
  return { scanner, counts };
}

export function unitResult(fileIndex: number, scanner: ChunkScanner, counts: EventCounts): UnitResult {
  return {
    fileIndex,
    lines: scanner.lines,
    unparsed: scanner.unparsed,
    nulBytes: scanner.nulBytes,
    firstTime: scanner.firstTime,
    lastTime: scanner.lastTime,
    counts: counts.transferable(),
  };
}

export async function scanUnit(unit: ScanUnit, onBytes?: (n: number) => void): Promise<UnitResult> {
  const { scanner, counts } = createScanner(unit);
  const consume = (buf: Buffer, s: number, e: number): void => scanner.scan(buf, s, e);
  if (unit.gzip) {
    await readStream(gunzipFile(unit.path, onBytes), consume);
  } else {
    const range = unit.range ?? { start: 0, end: Number.MAX_SAFE_INTEGER };
    // The kernel scan reads the file straight into its own memory.
    const own = scanner instanceof KernelScanner ? scanner.readBuffers(READ_CHUNK_BYTES) : undefined;
    await readFileRange(unit.path, range.start, range.end, consume, onBytes, READ_CHUNK_BYTES, own);
  }
  return unitResult(unit.fileIndex, scanner, counts);
}
