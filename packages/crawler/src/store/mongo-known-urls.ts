// Which of a page's links are already in the frontier, known without asking the server per link (FerretDB only).
//
// On MongoDB an unordered insertMany is the dedup: the unique _id index refuses each duplicate on its own. FerretDB 1.x
// inserts a batch in one transaction, and when one document of it is a duplicate it rolls back and inserts every
// document of the batch in a transaction of its own (internal/handler/msg_insert.go). A page's links nearly always
// hold a URL already in the frontier, so nearly every page paid ~100 single-document inserts: on the PostgreSQL
// backend three statements each (BEGIN, INSERT, COMMIT), three quarters of all statements of a crawl
// (pg_stat_statements, bench/MONGO.md). Asking first per link (`findOne({_id})`) costs FerretDB as much as the
// fallback. What is cheap: every URL that enters the frontier is announced in the frontier log (one note per
// addUrls, mongo-frontier-log.ts), so a process that reads the notes written since its last insert knows nearly
// every URL in the frontier, and leaves them out. A URL another process adds in between, or one this process did not
// read (joining a long crawl, it reads the log's first notes, then goes on from the log's hint), still just sends
// its chunk down FerretDB's slow path: correct, only slower. Every URL in the set is in the frontier (notes are written after their insert), so leaving one out
// never loses a URL.
import type { FrontierLog } from './mongo-frontier-log.js';

/** How many notes from the start of the log a process reads on its first sync (then it goes on from the hint). */
const FIRST_NOTES = 256;

export class KnownUrls {
  private readonly known = new Set<string>();
  /** The next frontier-log note to read; undefined until the first sync, which starts at the log's tail. */
  private next: number | undefined;
  private syncing: Promise<void> | undefined;

  /** `limit`: past this many URLs the set is emptied (and rebuilt from then on), which only costs slow inserts. */
  constructor(private readonly limit = 1_000_000) {}

  has(url: string): boolean {
    return this.known.has(url);
  }

  add(urls: Iterable<string>): void {
    for (const u of urls) {
      if (this.known.size >= this.limit) this.known.clear();
      this.known.add(u);
    }
  }

  /**
   * Reads the notes written since the last sync up to the log's hint `tail` (the adder reads it anyway, to append its
   * own note), one sync at a time; concurrent callers share it. Notes past a lagging hint are read by a later sync:
   * until then their URLs only cost slow inserts.
   */
  sync(log: FrontierLog, tail: number): Promise<void> {
    this.syncing ??= this.doSync(log, tail).finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async doSync(log: FrontierLog, tail: number): Promise<void> {
    if (this.next === undefined) {
      // The first notes hold the seeds and the links of the first pages: the crawl's index pages, which nearly every
      // page links to. Started at the hint, a new process would send each of them once as a duplicate, and each
      // duplicate costs its chunk one transaction per document. A long log is read from its start only that far.
      const first = await log.readUpTo(0, Math.min(tail, FIRST_NOTES), false);
      for (const note of first.notes) this.add(note.map(([url]) => url));
      this.next = tail <= FIRST_NOTES ? first.next : tail;
    }
    const { notes, next } = await log.readUpTo(this.next, tail, false);
    for (const note of notes) this.add(note.map(([url]) => url));
    this.next = Math.max(this.next, next);
  }
}
