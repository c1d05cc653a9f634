// Remembers the UTC start of the last `YYYY-MM-DD HH` seen, so parsing a stamp in the same hour as the one before
// (nearly always, in a log) is 13 byte comparisons and some arithmetic. Zone offsets change only on whole hours.

const KEY_BYTES = 13;

export class HourCache {
  private readonly key = Buffer.alloc(KEY_BYTES);
  private hourMs = NaN;

  /** The cached hour's UTC ms if buf[start..] begins with the same date and hour, else NaN. */
  lookup(buf: Buffer, start: number): number {
    const key = this.key;
    for (let i = KEY_BYTES - 1; i >= 0; i--) if (buf[start + i] !== key[i]) return NaN;
    return this.hourMs;
  }

  store(buf: Buffer, start: number, hourMs: number): void {
    buf.copy(this.key, 0, start, start + KEY_BYTES);
    this.hourMs = hourMs;
  }
}
