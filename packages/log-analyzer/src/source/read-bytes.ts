// Reads an input as byte chunks with flat memory: plain files into one reused buffer (a byte range, for worker
// splits), gzip files and stdin as streams. Only complete lines reach the consumer; a partial last line is carried
// into the next chunk.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/** Read size for plain files. Big enough that per-chunk costs vanish, small enough for flat memory. */
export const READ_CHUNK_BYTES = 1 << 20;
/** A line longer than this is cut (it would otherwise grow the buffer without bound). */
const MAX_LINE_BYTES = 64 << 20;

/** Receives buf[start, end) holding only whole lines (the last one possibly without its newline at the end). */
export type LinesConsumer = (buf: Buffer, start: number, end: number) => void;

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Reads bytes [start, end) of a plain file; both ends are line starts (or file ends). */
export async function readFileRange(
  path: string,
  start: number,
  end: number,
  consume: LinesConsumer,
  onBytes?: (n: number) => void,
): Promise<void> {
  const fh = await open(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let carry = 0;
    let pos = start;
    while (pos < end) {
      if (carry === buf.length) {
        if (buf.length >= MAX_LINE_BYTES) {
          consume(buf, 0, carry);
          carry = 0;
        } else {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, carry);
          buf = bigger;
        }
      }
      const { bytesRead } = await fh.read(buf, carry, Math.min(buf.length - carry, end - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      onBytes?.(bytesRead);
      carry = consumeWholeLines(buf, carry + bytesRead, consume);
    }
    if (carry > 0) consume(buf, 0, carry);
  } finally {
    await fh.close();
  }
}

/** Passes the whole lines of buf[0, filled) on and moves the rest to the front; returns its length. */
function consumeWholeLines(buf: Buffer, filled: number, consume: LinesConsumer): number {
  const lastNewline = buf.lastIndexOf(10, filled - 1);
  if (lastNewline < 0) return filled;
  consume(buf, 0, lastNewline + 1);
  const rest = filled - lastNewline - 1;
  if (rest > 0) buf.copy(buf, 0, lastNewline + 1, filled);
  return rest;
}

/** Reads a stream of byte chunks (stdin, a gunzip stream), starting with `head` if some bytes were read already. */
export async function readStream(
  chunks: AsyncIterable<Buffer>,
  consume: LinesConsumer,
  head?: Buffer,
): Promise<void> {
  let carry: Buffer = head ?? Buffer.alloc(0);
  for await (const chunk of chunks) {
    const buf: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const lastNewline = buf.lastIndexOf(10);
    if (lastNewline < 0 && buf.length < MAX_LINE_BYTES) {
      carry = buf;
      continue;
    }
    const cut = lastNewline < 0 ? buf.length : lastNewline + 1;
    consume(buf, 0, cut);
    carry = buf.subarray(cut);
  }
  if (carry.length > 0) consume(carry, 0, carry.length);
}

/** The decompressed bytes of a gzip file as a stream; `onBytes` gets the compressed bytes read (for progress). */
export function gunzipFile(path: string, onBytes?: (n: number) => void): AsyncIterable<Buffer> {
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  if (onBytes) raw.on('data', (d) => onBytes(d.length));
  const gunzip = createGunzip({ chunkSize: 256 << 10 });
  raw.on('error', (err) => gunzip.destroy(err));
  // Stopping early (the head reader) destroys the gunzip stream; the file must close with it.
  gunzip.on('close', () => raw.destroy());
  return raw.pipe(gunzip);
}
