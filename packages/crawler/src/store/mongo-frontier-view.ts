// FrontierView: a leasing process's in-memory list of the frontier URLs that may become leasable (pending, or leased
// until their lease expires), per domain, ordered by due time then URL.
//
// Why: MongoStore must not ask the server "which URLs are due?" on every lease call. FerretDB 1.x (SQLite backend)
// answers every filter other than `{_id: …}` by reading and decoding the whole collection (~0.1 ms of server CPU per
// document here), so that query cost grows with the frontier and the crawl slowed down as it went (see
// bench/MONGO.md). The view is only a list of candidates: the store reads each candidate by `_id` before claiming
// it, so a stale entry costs one lookup, never a wrong lease. It is fed by one full read at start-up, the frontier
// log (mongo-frontier-log.ts: every URL that becomes pending is announced there) and the process's own leases.
//
// Memory: one small entry per open URL (about 150 bytes plus the URL), in the leasing process only.

interface Entry {
  url: string;
  dueAt: number;
}

/** Sorts by due time, then URL (the frontier query's order). */
function before(a: Entry, b: Entry): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.url < b.url);
}

/** Index of the first entry not before `e` in a sorted list. */
function lowerBound(list: Entry[], e: Entry): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid]!, e)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ViewCandidate {
  url: string;
  domain: string;
  dueAt: number;
}

export class FrontierView {
  private readonly byDomain = new Map<string, Entry[]>();
  private readonly byUrl = new Map<string, { domain: string; entry: Entry }>();

  get size(): number {
    return this.byUrl.size;
  }

  /** Adds a URL or moves it to a new due time. */
  upsert(url: string, domain: string, dueAt: number): void {
    const known = this.byUrl.get(url);
    if (known) {
      if (known.entry.dueAt === dueAt && known.domain === domain) return;
      this.remove(url);
    }
    const entry = { url, dueAt };
    let list = this.byDomain.get(domain);
    if (!list) {
      list = [];
      this.byDomain.set(domain, list);
    }
    list.splice(lowerBound(list, entry), 0, entry);
    this.byUrl.set(url, { domain, entry });
  }

  /** Forgets a URL (it reached a final state). */
  remove(url: string): void {
    const known = this.byUrl.get(url);
    if (!known) return;
    this.byUrl.delete(url);
    const list = this.byDomain.get(known.domain)!;
    const at = lowerBound(list, known.entry);
    if (list[at] === known.entry) list.splice(at, 1);
    else list.splice(list.indexOf(known.entry), 1); // not reached while entries are only changed through upsert
    if (list.length === 0) this.byDomain.delete(known.domain);
  }

  /** Whether any URL of the domain is listed (due or not). */
  hasDomain(domain: string): boolean {
    return this.byDomain.has(domain);
  }

  /** Up to `n` URLs of one domain due at `now`, oldest first. */
  dueInDomain(domain: string, now: number, n: number): ViewCandidate[] {
    const out: ViewCandidate[] = [];
    for (const e of this.byDomain.get(domain) ?? []) {
      if (e.dueAt > now || out.length >= n) break;
      out.push({ url: e.url, domain, dueAt: e.dueAt });
    }
    return out;
  }

  /** Domains with at least one URL due at `now`. */
  domainsWithDue(now: number): string[] {
    const out: string[] = [];
    for (const [domain, list] of this.byDomain) if (list[0]!.dueAt <= now) out.push(domain);
    return out;
  }

  /** Up to `n` URLs due at `now` over all domains, oldest first, leaving out those `skip` says. */
  dueOldest(now: number, n: number, skip: (url: string) => boolean): ViewCandidate[] {
    // Each domain's list is sorted, so the `n` oldest overall are among the first `n` due of every domain.
    const pool: ViewCandidate[] = [];
    for (const [domain, list] of this.byDomain) {
      let taken = 0;
      for (const e of list) {
        if (e.dueAt > now || taken >= n) break;
        if (skip(e.url)) continue;
        pool.push({ url: e.url, domain, dueAt: e.dueAt });
        taken++;
      }
    }
    pool.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    return pool.slice(0, n);
  }

  /**
   * Up to `n` URLs due at `now` in URL order after `after` (exclusive), then from the start of that order (wrapping
   * around), leaving out those `skip` says: the frontier's key order, as a dispatcher paging through the collection
   * gets them (the politeness-blind fault; see LeaseRequest.frontierOrder). It looks at every due URL listed (the
   * healthy dispatcher never asks this), keeping the `n` smallest on each side of `after`.
   */
  dueInUrlOrder(after: string, now: number, n: number, skip: (url: string) => boolean): ViewCandidate[] {
    if (n <= 0) return [];
    const later: ViewCandidate[] = [];
    const wrapped: ViewCandidate[] = [];
    const keepSmallest = (into: ViewCandidate[], c: ViewCandidate): void => {
      if (into.length >= n && into[into.length - 1]!.url <= c.url) return;
      let at = into.length;
      while (at > 0 && into[at - 1]!.url > c.url) at--;
      into.splice(at, 0, c);
      if (into.length > n) into.pop();
    };
    for (const [domain, list] of this.byDomain) {
      for (const e of list) {
        if (e.dueAt > now) break;
        if (skip(e.url)) continue;
        keepSmallest(e.url > after ? later : wrapped, { url: e.url, domain, dueAt: e.dueAt });
      }
    }
    return [...later, ...wrapped].slice(0, n);
  }
}
