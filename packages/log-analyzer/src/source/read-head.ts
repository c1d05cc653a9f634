// The first bytes of an input (decompressed when gzip), for format detection and the binary-file check.
import { open } from 'node:fs/promises';
import { gunzipFile, isGzip } from './read-bytes.js';

export const HEAD_BYTES = 64 << 10;

export interface InputHead {
  bytes: Buffer;
  gzip: boolean;
}

export async function readFileHead(path: string): Promise<InputHead> {
  const fh = await open(path, 'r');
  let raw: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    raw = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (!isGzip(raw)) return { bytes: raw, gzip: false };
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of gunzipFile(path)) {
      parts.push(chunk);
      n += chunk.length;
      if (n >= HEAD_BYTES) break;
    }
  } catch {
    // A truncated or corrupt gzip: whatever decompressed is the head; the scan reports the rest.
  }
  return { bytes: Buffer.concat(parts).subarray(0, HEAD_BYTES), gzip: true };
}

/** Binary, not text: a NUL byte, or more than 10% control bytes other than tab, CR, LF, FF and ESC. */
export function looksBinary(head: Buffer): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  return control / head.length > 0.1;
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
