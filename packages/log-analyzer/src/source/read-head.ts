// The first bytes of an input (decompressed when gzip), for format detection and the binary-file check.
import { open } from 'node:fs/promises';
import { gunzipFile, isGzip } from './read-bytes.js';

export const HEAD_BYTES = 64 << 10;

export interface InputHead {
  bytes: Buffer;
  gzip: boolean;
}

/**
 * The first HEAD_BYTES of a file (decompressed when gzip) after any run of NUL bytes at its start: a log that
 * logrotate's copytruncate emptied while its writer kept its offset begins with a hole of NULs as long as the old
 * log, and its format is in the lines after it.
 */
export async function readFileHead(path: string): Promise<InputHead> {
  const fh = await open(path, 'r');
  let raw: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    let at = 0;
    let { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    if (bytesRead > 0 && buf[0] === 0) {
      // Skip the hole, a megabyte at a time, then read the head from its end.
      const skip = Buffer.alloc(SKIP_BYTES);
      for (;;) {
        const { bytesRead: n } = await fh.read(skip, 0, SKIP_BYTES, at);
        const text = n > 0 ? firstNonNul(skip, n) : -1;
        if (n === 0 || text >= 0) {
          at += Math.max(text, 0);
          break;
        }
        at += n;
      }
      ({ bytesRead } = await fh.read(buf, 0, HEAD_BYTES, at));
    }
    raw = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (!isGzip(raw)) return { bytes: raw, gzip: false };
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of gunzipFile(path)) {
      // Leading NULs inside the compressed log are skipped the same way.
      const from = n === 0 ? firstNonNul(chunk, chunk.length) : 0;
      if (from < 0) continue;
      parts.push(chunk.subarray(from));
      n += chunk.length - from;
      if (n >= HEAD_BYTES) break;
    }
  } catch {
    // A truncated or corrupt gzip: whatever decompressed is the head; the scan reports the rest.
  }
  return { bytes: Buffer.concat(parts).subarray(0, HEAD_BYTES), gzip: true };
}

const SKIP_BYTES = 1 << 20;

function firstNonNul(buf: Buffer, n: number): number {
  for (let i = 0; i < n; i++) if (buf[i] !== 0) return i;
  return -1;
}

/**
 * The lines the scanner will see in a head: each run of NUL bytes is a line break to it (skipped and counted), so
 * here each becomes one newline. The head itself when it has no NUL.
 */
export function withoutNulRuns(head: Buffer): Buffer {
  let nul = head.indexOf(0);
  if (nul < 0) return head;
  const out = Buffer.allocUnsafe(head.length);
  let n = 0;
  let from = 0;
  while (nul >= 0) {
    n += head.copy(out, n, from, nul);
    out[n++] = 10;
    from = nul;
    while (from < head.length && head[from] === 0) from++;
    nul = head.indexOf(0, from);
  }
  n += head.copy(out, n, from);
  return out.subarray(0, n);
}

/** Share of non-text bytes above which an input is binary, not a log with some garbled lines. */
export const BINARY_SHARE = 0.3;

/**
 * Binary, not text: more than BINARY_SHARE of the bytes (NUL runs left out, see withoutNulRuns) are control bytes
 * other than tab, LF, VT, FF, CR and ESC, DEL, or bytes of invalid UTF-8. A log with a few garbled lines (NULs, a
 * binary dump) stays a log: its garbage is counted as unparsed lines and every valid record is read.
 */
export function looksBinary(head: Buffer): boolean {
  const text = withoutNulRuns(head);
  if (text.length === 0) return false;
  return nonTextBytes(text) / text.length > BINARY_SHARE;
}

function nonTextBytes(buf: Buffer): number {
  let bad = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b < 0x80) {
      if ((b < 32 && !(b >= 9 && b <= 13) && b !== 27) || b === 0x7f) bad++;
      continue;
    }
    // A UTF-8 sequence: its lead byte says how many continuation bytes (10xxxxxx) follow.
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let k = 0;
    while (need > 0 && k < need && i + 1 + k < buf.length && (buf[i + 1 + k] & 0xc0) === 0x80) k++;
    if (need > 0 && k === need) i += need;
    else if (!(need > 0 && i + 1 + k === buf.length)) bad++; // a sequence cut by the head's end is not counted
  }
  return bad;
}

/** The last bytes of a plain file (up to TAIL_BYTES): where a log's final lines are. */
export async function readFileTail(path: string, size: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, size - length);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export const TAIL_BYTES = 256 << 10;
