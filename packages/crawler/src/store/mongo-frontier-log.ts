// The frontier log: an append-only list of "these URLs are pending from then on" notes (added, postponed, released),
// numbered 0, 1, 2, … in `_id`, so that a leasing process learns what changed by reading the next numbers by `_id`
// instead of querying the frontier (see mongo-frontier-view.ts for why).
//
// Numbering without transactions or atomic counters: a note's number is won by inserting `_id: L<n>` (a unique
// insert is atomic on every server speaking the protocol, FerretDB 1.x included); a writer that hits a duplicate key
// tries the next number. A hint document (`_id: 'tail'`, `next`) is raised with `$max` after each insert so writers
// start near the end. It may lag (a lost `$max` race, a writer dying), never run ahead: a writer only tries `n`
// when `n - 1` exists, so notes have no gaps, and a reader that stops at the first missing number misses nothing.
import type { Collection } from 'mongodb';

/** One URL that became pending: url, domain, due time. */
export type LogUrl = [url: string, domain: string, dueAt: number];

/** How a URL was stored in a note before notes were packed (still read: a log written by an older crawler). */
interface StoredUrl {
  u: string;
  d: string;
  t: number;
}

export interface LogDoc {
  _id: string;
  /**
   * The note's URLs as one string, a line `url TAB domain TAB dueAt` each (URLs and host names hold neither tabs nor
   * newlines: the URL parser removes them). One string instead of a sub-document per URL: every leasing process
   * and every adder (mongo-known-urls.ts) reads every note, and FerretDB decodes a note of ~100 sub-documents into
   * ~100 documents each time (sjson.Unmarshal was a third of its CPU in a bench crawl), a string in one step.
   */
  packed?: string;
  urls?: StoredUrl[];
  /** Only on the hint document. */
  next?: number;
}

function pack(urls: LogUrl[]): string {
  return urls.map(([u, d, t]) => `${u}\t${d}\t${t}`).join('\n');
}

function unpack(doc: LogDoc): LogUrl[] {
  if (doc.packed === undefined) return (doc.urls ?? []).map((x): LogUrl => [x.u, x.d, x.t]);
  if (doc.packed === '') return [];
  return doc.packed.split('\n').map((line): LogUrl => {
    const [u, d, t] = line.split('\t');
    return [u!, d!, Number(t)];
  });
}

const TAIL_ID = 'tail';
/** At most this many notes a reader asks for at once (by `_id`, concurrently). */
const READ_AHEAD = 16;
/** After this many duplicate keys in a row a writer re-reads the hint instead of walking on. */
const REREAD_HINT_AFTER = 4;

const noteId = (n: number): string => `L${n}`;

export type RunOp = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

export class FrontierLog {
  /** Just after this process's own last note: the hint may lag behind it (a lost `$max` race). */
  private writeHint = 0;

  constructor(
    private readonly coll: () => Collection<LogDoc>,
    private readonly op: RunOp,
    private readonly isDuplicateKey: (err: unknown) => boolean,
  ) {}

  /** The hint: every note below it exists. */
  async tail(): Promise<number> {
    const doc = await this.op('frontier log (tail)', () => this.coll().findOne({ _id: TAIL_ID }));
    return doc?.next ?? 0;
  }

  /**
   * Appends one note and returns its number once it is written, with the raise of the hint still running
   * (`hintWritten`: await it before relying on the hint, e.g. before the process ends). `tail` is the hint if the
   * caller already asked for it (so that read can overlap other work); otherwise it is read here.
   */
  async append(urls: LogUrl[], tail?: Promise<number>): Promise<{ n: number; hintWritten: Promise<void> }> {
    // Other processes append too, so this process's own last number is usually behind: start at the shared hint
    // (one read) rather than walking through their notes with failing inserts.
    let n = Math.max(this.writeHint, await (tail ?? this.tail()));
    let dups = 0;
    for (;;) {
      const inserted = await this.op('frontier log (append)', async () => {
        try {
          await this.coll().insertOne({ _id: noteId(n), packed: pack(urls) });
          return true;
        } catch (err) {
          if (this.isDuplicateKey(err)) return false;
          throw err;
        }
      });
      if (inserted) break;
      // A retried insert whose first try landed shows up as a duplicate key: then this note carries our URLs
      // again under the next number, which readers apply twice to the same effect.
      if (++dups >= REREAD_HINT_AFTER) {
        n = Math.max(n + 1, await this.tail());
        dups = 0;
      } else n++;
    }
    this.writeHint = n + 1;
    const hintWritten = this.op('frontier log (hint)', () =>
      this.coll().updateOne({ _id: TAIL_ID }, { $max: { next: n + 1 } }, { upsert: true }),
    ).then(
      () => undefined,
      (err: unknown) => {
        // Two first writers upserting the hint at once: one gets a duplicate key; the other's hint stands.
        if (!this.isDuplicateKey(err)) throw err;
      },
    );
    hintWritten.catch(() => {}); // the caller awaits it; no unhandled rejection before it does
    return { n, hintWritten };
  }

  /**
   * Reads the notes from number `from` on, up to the first missing one; returns them and the next number to read.
   * `firstAhead`: how many to ask for at once first (then twice as many while all are there).
   */
  async readFrom(from: number, firstAhead = 2): Promise<{ notes: LogUrl[][]; next: number }> {
    const notes: LogUrl[][] = [];
    let next = from;
    // Start with a couple (usually little is new between two lease calls) and ask for more while all are there.
    for (let ahead = firstAhead; ; ahead = Math.min(ahead * 2, READ_AHEAD)) {
      const ids = Array.from({ length: ahead }, (_, i) => noteId(next + i));
      const docs = await Promise.all(ids.map((id) => this.op('frontier log (read)', () => this.coll().findOne({ _id: id }))));
      for (const d of docs) {
        if (!d) return { notes, next };
        notes.push(unpack(d));
        next++;
      }
    }
  }

  /**
   * Reads the notes from number `from` up to the hint `tail` (read by the caller with tail(), often for an append
   * too): every note below the hint exists, so each read is a hit, where readFrom's walk ends on misses, and with many
   * writers a reader that is several notes behind spends about as many reads on misses as on notes (each a command
   * for the client and the server). With `probe`, when the hint shows nothing new, the note at `from` is asked for
   * anyway and the walk goes on from there: the hint lags behind a writer that died before raising it, and a
   * leasing process must not miss that note for good. Without it (a cache that may be a little behind) the notes past
   * the hint wait for a later call.
   */
  async readUpTo(from: number, tail: number, probe: boolean): Promise<{ notes: LogUrl[][]; next: number }> {
    if (tail <= from) return probe ? this.readFrom(from, 1) : { notes: [], next: from };
    const notes: LogUrl[][] = [];
    let next = from;
    while (next < tail) {
      const ids = Array.from({ length: Math.min(tail - next, READ_AHEAD * 2) }, (_, i) => noteId(next + i));
      const docs = await Promise.all(ids.map((id) => this.op('frontier log (read)', () => this.coll().findOne({ _id: id }))));
      for (const d of docs) {
        // Below the hint a note is missing only if the log was dropped under us: stop there, as readFrom would.
        if (!d) return { notes, next };
        notes.push(unpack(d));
        next++;
      }
    }
    return { notes, next };
  }
}
