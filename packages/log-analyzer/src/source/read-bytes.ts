// Reads an input as byte chunks with flat memory: plain files into one reused buffer (a byte range, for worker
// splits), gzip files and stdin as streams. Only complete lines reach the consumer; a partial last line is carried
// into the next chunk. A NUL byte ends a line as a newline does (the scanner skips runs of them), so a hole of
// NULs that copytruncate leaves at the start of a log is passed on chunk by chunk, never gathered as one line.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/** Read size for plain files. Big enough that per-chunk costs vanish, small enough for flat memory. */
export const READ_CHUNK_BYTES = 4 << 20;
/** A line longer than this is cut (it would otherwise grow the buffer without bound). */
const MAX_LINE_BYTES = 64 << 20;

/** Receives buf[start, end) holding only whole lines (the last one possibly without its newline at the end). */
export type LinesConsumer = (buf: Buffer, start: number, end: number) => void;

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Reads bytes [start, end) of a plain file; both ends are line starts (or file ends). Two buffers alternate: the
 * next read is already in flight while the current chunk is scanned. The line cut by a chunk boundary is joined
 * in a small separate buffer, so chunks are never copied.
 */
export async function readFileRange(
  path: string,
  start: number,
  end: number,
  consume: LinesConsumer,
  onBytes?: (n: number) => void,
  chunkBytes: number = READ_CHUNK_BYTES,
  /**
   * Two buffers of chunkBytes to read into, when the consumer has its own (the scan kernel's memory: the file is
   * read straight where the kernel scans it). Default: two reused WebAssembly memories.
   */
  own?: Buffer[],
): Promise<void> {
  const fh = await open(path, 'r');
  const buffers = own ?? takeReadBuffers(chunkBytes);
  try {
    let pos = start;
    const readInto = (buf: Buffer): Promise<number> => {
      const length = Math.min(buf.length, end - pos);
      if (length <= 0) return Promise.resolve(0);
      const at = pos;
      pos += length;
      return fh.read(buf, 0, length, at).then((r) => r.bytesRead);
    };
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let which = 0;
    let pending = readInto(buffers[which]);
    for (;;) {
      const n = await pending;
      if (n === 0) break;
      const buf = buffers[which];
      which ^= 1;
      onBytes?.(n);
      let from = 0;
      if (carryBytes > 0) {
        const nl = firstBreak(buf, n);
        if (nl < 0) {
          // No line end in this whole chunk: keep it (a copy: the buffer is reused) and read on.
          carry.push(Buffer.from(buf.subarray(0, n)));
          carryBytes += n;
          if (carryBytes > MAX_LINE_BYTES) {
            const joined = Buffer.concat(carry);
            consume(joined, 0, joined.length);
            carry = [];
            carryBytes = 0;
          }
          pending = readInto(buffers[which]);
          continue;
        }
        const joined = Buffer.concat([...carry, buf.subarray(0, nl + 1)]);
        carry = [];
        carryBytes = 0;
        from = nl + 1;
        pending = readInto(buffers[which]);
        consume(joined, 0, joined.length);
      } else {
        pending = readInto(buffers[which]);
      }
      const cut = lastBreakEnd(buf, from, n);
      if (cut > from) {
        consume(buf, from, cut);
        from = cut;
      }
      if (from < n) {
        carry.push(Buffer.from(buf.subarray(from, n)));
        carryBytes += n - from;
      }
    }
    if (carryBytes > 0) {
      const joined = Buffer.concat(carry);
      consume(joined, 0, joined.length);
    }
  } finally {
    await fh.close();
    if (!own) returnReadBuffers(buffers);
  }
}

/**
 * Read buffers are reused from one file range to the next: a worker scans dozens of ranges, and fresh 4 MB
 * buffers each time would pile up as garbage the collector frees late (peak RSS grew by ~100 MB per GB read).
 */
const idleBuffers: Buffer[][] = [];

function takeReadBuffers(chunkBytes: number): Buffer[] {
  const i = idleBuffers.findIndex((pair) => pair[0].length === chunkBytes);
  if (i >= 0) return idleBuffers.splice(i, 1)[0];
  return [readBuffer(chunkBytes), readBuffer(chunkBytes)];
}

/**
 * A read buffer whose memory is a WebAssembly memory rather than an ordinary ArrayBuffer: the kernel copies a file
 * into it 3-4 times faster (measured here: 1 GB read in 4 MB `pread`s cost 0.63 s of system time into
 * Buffer.allocUnsafe buffers, 0.19 s into WebAssembly memories, and 0.13 s for `dd bs=4M`; presumably because
 * V8 reserves WebAssembly memory as large aligned regions the kernel can back with huge pages). Such a memory
 * never grows here, so the Buffer over it stays valid.
 */
function readBuffer(bytes: number): Buffer {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  return Buffer.from(memory.buffer, 0, bytes);
}

function returnReadBuffers(pair: Buffer[]): void {
  if (idleBuffers.length < 2) idleBuffers.push(pair);
}

/** Reads a stream of byte chunks (stdin, a gunzip stream), starting with `head` if some bytes were read already. */
export async function readStream(
  chunks: AsyncIterable<Buffer>,
  consume: LinesConsumer,
  head?: Buffer,
): Promise<void> {
  const lines = new LineAssembler(consume);
  if (head) lines.push(head);
  for await (const chunk of chunks) lines.push(chunk);
  lines.flush();
}

/**
 * Joins byte chunks (of a stream, or of a file that grows) into whole lines for a consumer: the complete lines of
 * each chunk go on at once, a partial last line waits for the rest. The chunk may be reused by the caller once
 * `push` returns (the partial line is copied).
 */
export class LineAssembler {
  private carry: Buffer = Buffer.alloc(0);

  constructor(private readonly consume: LinesConsumer) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let cut = lastBreakEnd(buf, 0, buf.length);
    if (cut === 0) {
      if (buf.length < MAX_LINE_BYTES) {
        this.carry = buf === chunk ? Buffer.from(buf) : buf;
        return;
      }
      cut = buf.length;
    }
    this.consume(buf, 0, cut);
    this.carry = Buffer.from(buf.subarray(cut));
  }

  /** Passes on the partial last line: the input ended (or its file was rotated away and drained). */
  flush(): void {
    const carry = this.carry;
    this.carry = Buffer.alloc(0);
    if (carry.length > 0) this.consume(carry, 0, carry.length);
  }

  /** Drops the partial line (its file was truncated under it). */
  discard(): void {
    this.carry = Buffer.alloc(0);
  }
}

/** Index of the first line break (newline or NUL) in buf[0, n), or -1. */
function firstBreak(buf: Buffer, n: number): number {
  const nl = buf.indexOf(10);
  const limit = nl < 0 || nl >= n ? n : nl;
  for (let i = 0; i < limit; i++) if (buf[i] === 0) return i;
  return limit < n ? nl : -1;
}

/**
 * End of the last line break (newline or NUL) in buf[from, n) plus one, or `from` when there is none. The NUL test
 * covers only the bytes after the last newline: a partial line, a few dozen bytes in a log.
 */
export function lastBreakEnd(buf: Buffer, from: number, n: number): number {
  const nl = n > from ? buf.lastIndexOf(10, n - 1) : -1;
  const floor = nl >= from ? nl + 1 : from;
  for (let i = n - 1; i >= floor; i--) if (buf[i] === 0) return i + 1;
  return floor;
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
