// Splits a big plain file into byte ranges for worker threads. Each cut is moved forward to the start of a record
// (a line with a timestamp), so a traceback never straddles two ranges.
import { open } from 'node:fs/promises';
import type { LogFormat } from '../formats/types.js';

/** How far past a cut point a record start is looked for. */
const PROBE_BYTES = 256 << 10;

export async function splitAtRecords(
  path: string,
  size: number,
  pieceBytes: number,
  format: LogFormat,
): Promise<Array<{ start: number; end: number }>> {
  const cuts: number[] = [0];
  const fh = await open(path, 'r');
  try {
    const probe = Buffer.allocUnsafe(PROBE_BYTES);
    for (let at = pieceBytes; at < size; at += pieceBytes) {
      const { bytesRead } = await fh.read(probe, 0, PROBE_BYTES, at);
      const cut = firstRecordStart(probe, bytesRead, format);
      if (cut >= 0 && at + cut > cuts[cuts.length - 1] && at + cut < size) cuts.push(at + cut);
    }
  } finally {
    await fh.close();
  }
  cuts.push(size);
  return cuts.slice(0, -1).map((start, i) => ({ start, end: cuts[i + 1] }));
}

/** Offset of the first line start after a newline that begins a record; a plain line start if none does; or -1. */
function firstRecordStart(buf: Buffer, len: number, format: LogFormat): number {
  const firstNewline = buf.indexOf(10);
  if (firstNewline < 0 || firstNewline >= len) return -1;
  let s = firstNewline + 1;
  while (s < len) {
    let e = buf.indexOf(10, s);
    if (e < 0 || e >= len) break;
    if (format.isRecordStart(buf, s, e > s && buf[e - 1] === 13 ? e - 1 : e)) return s;
    s = e + 1;
  }
  return firstNewline + 1;
}
