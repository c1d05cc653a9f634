// MongoStore: the crawl store on MongoDB (official driver), for crawls spread over several machines.
//
// Two connections: the content server (frontier, pages, lease claims) and the politeness server (robots.txt and
// per-domain state), which may be the same server or, as in a two-server deployment, another one.
//
// Atomicity without transactions or findOneAndUpdate. FerretDB 1.x, which the tests run against, executes
// findAndModify and update as "read the documents, then write them back", so two leasers can both read "pending" and
// both write "leased". The one operation that is atomic on every server speaking the protocol is an insert into a
// unique index (_id). So a lease is won by inserting a claim document whose _id is `<url> <lease generation>`:
// of several racers that read the same generation exactly one insert succeeds. The winner then writes the lease to
// the frontier document. The claim holds everything that write needs, so if the winner dies between the two steps,
// a process that keeps losing the same claim for a few seconds applies ("rolls forward") the winner's write itself;
// the URL is never stuck. Domains are claimed the same way (politeness slots, and the busy mark of domainsFree
// dispatch). Writes are idempotent ($set of absolute values, $max of generations) or recognise their own earlier
// write on a retry, so retrying after a dropped connection is safe.
//
// Filters on the hot paths are `{_id: …}` alone where possible: FerretDB pushes only that shape down to its SQLite
// index and scans the collection for any other filter. For the same reason healthy leasing sends no frontier query:
// candidates come from an in-memory frontier view kept up to date through an `_id`-numbered frontier log
// (mongo-frontier-view.ts, mongo-frontier-log.ts), and each candidate is read by `_id` before it is claimed.
//
// The parts: mongo-connection.ts (the two servers, retry), mongo-docs.ts (documents, claim rules), mongo-domains.ts
// (domain documents and the leasing process's copy of them), mongo-frontier-view.ts and mongo-frontier-log.ts (lease
// candidates), mongo-pages.ts (pages, robots.txt), mongo-status.ts (summary, stats, query plans), mongo-leases.ts (lease
// transitions), rows.ts (result mappers shared with SqliteStore). This file is the CrawlStore façade with what is
// left: adding URLs and the lease claim protocol.
import type { Collection, CommandStartedEvent, Document, UpdateFilter } from 'mongodb';
import { MongoConnection } from './mongo-connection.js';
import {
  CLAIM_SEP,
  OPEN_STATES,
  ROLL_FORWARD_AFTER_MS,
  duplicateIndexes,
  isDuplicateKey,
  leaseUpdate,
  newToken,
  rollForwardDue,
  type DomainClaimDoc,
  type DomainDoc,
  type FrontierDoc,
  type LeaseClaimDoc,
} from './mongo-docs.js';
import { DomainCache } from './mongo-domains.js';
import { KnownUrls } from './mongo-known-urls.js';
import { LeaseTransitions } from './mongo-leases.js';
import { FrontierLog, type LogUrl } from './mongo-frontier-log.js';
import { FrontierView, type ViewCandidate } from './mongo-frontier-view.js';
import * as pagesAndRobots from './mongo-pages.js';
import type { RetryPolicy } from './mongo-retry.js';
import * as status from './mongo-status.js';
import { frontierEntry, leasedUrl } from './rows.js';
import type {
  CrawlStats,
  CrawlStore,
  DomainClaim,
  DomainSlot,
  FrontierEntry,
  FrontierSummary,
  LeasedUrl,
  LeaseRequest,
  NewUrl,
  RobotsEntry,
  StoredPage,
  StoreOptions,
} from './store.js';

export interface MongoStoreOptions extends StoreOptions {
  /** Content server (seeds, frontier, pages). The database is the URI's path, default `crawl`. */
  uri: string;
  /** Politeness server (robots.txt, per-domain claims). Default: `uri` (then one connection pool serves both). */
  politenessUri?: string;
  /** Overrides the content database name (tests use a fresh one per test). */
  dbName?: string;
  /** Overrides the politeness database name. Default: its URI's path, else the content database name. */
  politenessDbName?: string;
  /**
   * Connections per server per process. Default 4. Every crawler process has its own pool, so a deployment opens
   * up to supervisors × (workers + 1) × maxPoolSize connections per server: keep it small.
   */
  maxPoolSize?: number;
  /** How long to keep retrying through an outage, and the backoff. Default: 60 s, 100 ms doubling to 2 s. */
  retry?: Partial<RetryPolicy>;
  /** Called with every command sent to either server (diagnosis and tests: which query shape was sent). */
  onCommand?: (event: CommandStartedEvent) => void;
}

/** How many candidates one frontier query fetches per URL wanted (racers skip each other's). */
const CANDIDATES_PER_URL = 4;
/**
 * URLs per frontier insert on FerretDB (its own batch: one transaction per 100 documents). A duplicate costs its whole
 * chunk one transaction per document, against one per chunk otherwise, and every chunk is a command of its own. With
 * the known URLs left out, the log's first notes included (mongo-known-urls.ts), about one URL in 8 000 is still a
 * duplicate (5 of 39 625 in a 4-node bench crawl on FerretDB/PostgreSQL; one in 300 while each process started its
 * known URLs at the log's hint and sent every index page once): a page's links then go in one insert, and about one
 * page in a hundred pays for a duplicate.
 */
const FERRETDB_INSERT_CHUNK = 100;
/** Rounds of "query candidates, claim" per leaseUrls call before returning what it got. */
const LEASE_ROUNDS = 6;
/**
 * The frontier view is read from the server again (one full read) when it has nothing due and is older than this:
 * a URL whose frontier-log note was never written (its adder died between the two writes) is found then.
 */
const VIEW_RELOAD_MS = 30_000;
/**
 * A lease call within this long of the view's last sync leases from the view as it is, without reading the frontier
 * log (a tail read and a read per note: commands for the client and the server, with every finished page): URLs added
 * since wait that long at most. A call that comes up short syncs and tries again, so nothing due is missed for it.
 */
const VIEW_SYNC_MS = 250;

export { dbNameFromUri, redactUri } from './mongo-docs.js';

export class MongoStore implements CrawlStore {
  readonly location: string;
  private readonly faults: ReadonlySet<string>;
  private readonly conn: MongoConnection;
  private readonly domains: DomainCache;
  private readonly leases: LeaseTransitions;
  /** Lease claims this process lost, with when it first lost them (wall clock), to spot stuck claims. */
  private readonly lostClaims = new Map<string, number>();
  /** Where URLs that become pending are announced (read by leasing processes). */
  private readonly log: FrontierLog;
  /** Leasing processes only: the candidates for leases (mongo-frontier-view.ts), loaded on the first lease. */
  private view: FrontierView | undefined;
  /** The next frontier-log note the view has not read yet. */
  private viewNext = 0;
  private viewLoadedAt = 0;
  private viewSyncedAt = 0;
  private viewSync: Promise<FrontierView> | undefined;
  /** Last URL handed out in frontier (URL) order; the next `frontierOrder: 'url'` lease resumes after it. */
  private urlCursor = '';
  /** On FerretDB: URLs known to be in the frontier, left out of addUrls' insert (mongo-known-urls.ts). */
  private readonly knownUrls = new KnownUrls();

  constructor(options: MongoStoreOptions) {
    this.faults = new Set(options.faults ?? []);
    this.conn = new MongoConnection(options);
    this.location = this.conn.location;
    this.domains = new DomainCache(this.conn);
    this.leases = new LeaseTransitions(this.conn, this.domains, {
      announce: (urls) => this.announce(urls),
      forget: (url) => this.view?.remove(url),
    });
    this.log = new FrontierLog(
      () => this.conn.frontierLog,
      (operation, fn) => this.conn.op(operation, fn),
      isDuplicateKey,
    );
  }

  init(): Promise<void> {
    return this.conn.init();
  }

  close(): Promise<void> {
    return this.conn.close();
  }

  /**
   * Healthy leasing takes its candidates from the frontier view and reads each by `_id`; the unindexed-frontier fault
   * asks the server for due URLs on every call instead, without an index (the `$natural` hint).
   */
  private get leasesFromView(): boolean {
    return !this.faults.has('unindexed-frontier');
  }

  /**
   * Replaces the clients after the driver closed their topology (it does after a failed first connection and then
   * never reconnects). Only an error from the current clients does it: operations that were still running on the
   * old ones just retry on the new ones.
   */

  // ---- frontier ----

  async addUrls(urls: NewUrl[], now: number): Promise<number> {
    const unique = new Map<string, NewUrl>();
    for (const u of urls) if (!unique.has(u.url)) unique.set(u.url, u);
    let batch = [...unique.values()];
    if (this.faults.has('dedup-scan')) {
      // The fault: ask "was it crawled?" of the pages by scanning them ($natural forbids the index), so adding links
      // slows as pages accumulate. One scan per batch here, where SqliteStore scans per URL: on FerretDB a scan
      // decodes every stored page, HTML included (~1 ms each), and a scan per URL (100 per page on the bench's web)
      // held the crawl under 0.5 pages/s from its first seconds, leaving no decay to see.
      const seen = await this.conn.op('addUrls (seen check)', () =>
        this.conn.pages
          .find({ url: { $in: batch.map((u) => u.url) } }, { hint: { $natural: 1 }, projection: { _id: 0, url: 1 } })
          .toArray(),
      );
      const crawled = new Set(seen.map((p) => p.url));
      batch = batch.filter((u) => !crawled.has(u.url));
    }
    // Where the frontier-log note will go (the log's hint). On FerretDB it also bounds the read of the notes for the
    // known URLs, so it is read first; elsewhere it is asked alongside the insert (one round trip less).
    let logTail: Promise<number> | undefined;
    if (this.conn.contentIsFerretDb && batch.length > 1) {
      // Only new URLs in the insert, so that FerretDB takes the batch in one transaction (mongo-known-urls.ts).
      const tail = await this.log.tail();
      logTail = Promise.resolve(tail);
      await this.knownUrls.sync(this.log, tail);
      batch = batch.filter((u) => !this.knownUrls.has(u.url));
    }
    if (batch.length === 0) return 0;
    const docs: FrontierDoc[] = batch.map((u) => ({
      _id: u.url,
      domain: u.domain,
      depth: u.depth,
      ...(u.discoveredFrom !== undefined ? { discoveredFrom: u.discoveredFrom } : {}),
      state: 'pending',
      dueAt: u.notBefore ?? now,
      leaseGen: 0,
      leaseDomain: false,
      attempts: 0,
      postponements: 0,
      addedAt: now,
    }));
    logTail ??= this.log.tail();
    logTail.catch(() => {}); // awaited below; an error here must not surface as an unhandled rejection meanwhile
    // The unique _id is the dedup: an unordered insert keeps going past duplicates and reports what it inserted.
    // On FerretDB in chunks of its own batch size, sent together: a duplicate the known URLs missed (another process
    // added it a moment ago) sends only its chunk down FerretDB's one-transaction-per-document path
    // (mongo-known-urls.ts).
    const chunk = this.conn.contentIsFerretDb ? FERRETDB_INSERT_CHUNK : docs.length;
    const chunks: FrontierDoc[][] = [];
    for (let i = 0; i < docs.length; i += chunk) chunks.push(docs.slice(i, i + chunk));
    const inserted = new Set<string>();
    await Promise.all(
      chunks.map((part) =>
        this.conn.op('addUrls', async () => {
          try {
            await this.conn.frontier.insertMany(part, { ordered: false });
            for (const d of part) inserted.add(d._id);
          } catch (err) {
            const failed = duplicateIndexes(err);
            part.forEach((d, i) => {
              if (!failed.has(i)) inserted.add(d._id);
            });
          }
        }),
      ),
    );
    this.knownUrls.add(docs.map((d) => d._id)); // inserted now, or by someone else before
    const added = docs.filter((d) => inserted.has(d._id));
    if (added.length === 0) return 0;
    await this.announce(
      added.map((d) => [d._id, d.domain, d.dueAt]),
      logTail,
    );
    await this.domains.ensureDomains(added.map((d) => d.domain));
    return inserted.size;
  }

  /**
   * Tells leasing processes (through the frontier log) that these URLs are pending from `dueAt` on. The log's hint is
   * raised before it returns, not alongside the caller's next writes: FerretDB's SQLite backend has one writer at a
   * time, and writes that wait for each other there sleep in SQLite's busy handler (1, 2, 5, 10 ms …).
   */
  private async announce(urls: LogUrl[], tail?: Promise<number>): Promise<void> {
    if (urls.length === 0) return;
    const { hintWritten } = await this.log.append(urls, tail);
    await hintWritten;
    for (const [url, domain, dueAt] of urls) this.view?.upsert(url, domain, dueAt);
  }

  /** Inserts a claim; won when this call (or an earlier try of it, same token) inserted it. */
  private async insertClaim<C extends { _id: string; token: string }>(
    coll: Collection<C>,
    claim: C,
    operation: string,
    politeness: boolean,
    /** Whether a lost claim reads the winner's (`existing`); without it a lost claim only reports that it lost. */
    readWinner = true,
  ): Promise<{ won: true } | { won: false; existing: C | null }> {
    let tries = 0;
    return this.conn.op(
      operation,
      async () => {
        tries++;
        try {
          // `never`: the driver cannot prove a generic C satisfies its OptionalUnlessRequiredId<C> / Filter<C> types.
          await coll.insertOne(claim as never);
          return { won: true } as const;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // A retried insert whose first try landed is a duplicate of our own claim: the winner's token tells.
          if (!readWinner && tries === 1) return { won: false, existing: null } as const;
          const existing = (await coll.findOne({ _id: claim._id } as never)) as C | null;
          if (existing?.token === claim.token) return { won: true } as const;
          return { won: false, existing } as const;
        }
      },
      politeness,
    );
  }

  /**
   * Tries to lease candidates with one insert of their claims and one write of the leases; returns those won.
   * A claim lost again and again over ROLL_FORWARD_AFTER_MS (the URL still shows the generation before it) belongs
   * to a winner that died between its two writes: then the claim is applied here.
   */
  private async tryLeaseMany(docs: FrontierDoc[], owner: string, now: number, expires: number, leaseDomain: boolean): Promise<LeasedUrl[]> {
    if (docs.length === 0) return [];
    const claims: LeaseClaimDoc[] = docs.map((d) => ({
      _id: `${d._id}${CLAIM_SEP}${d.leaseGen + 1}`,
      url: d._id,
      gen: d.leaseGen + 1,
      owner,
      token: newToken(),
      expires,
      attempts: d.attempts + 1,
      leaseDomain,
      at: now,
    }));
    const lost = await this.conn.op('leaseUrls (claim)', async () => {
      try {
        await this.conn.leaseClaims.insertMany(claims, { ordered: false });
        return new Set<number>();
      } catch (err) {
        return duplicateIndexes(err);
      }
    });
    const won = claims.filter((_, i) => !lost.has(i));
    if (won.length > 0) {
      await this.conn.op('leaseUrls (lease)', () =>
        this.conn.frontier.bulkWrite(
          won.map((c) => ({ updateOne: { filter: { _id: c.url }, update: leaseUpdate(c) } })),
          { ordered: false },
        ),
      );
    }
    await this.rollForwardStuckClaims(claims.filter((_, i) => lost.has(i)).map((c) => c._id));
    const byUrl = new Map(docs.map((d) => [d._id, d]));
    return won.map((c) => {
      const d = byUrl.get(c.url)!;
      // Ours until the lease expires; then it is a candidate again (read by _id to see whether it was finished).
      this.view?.upsert(d._id, d.domain, expires);
      return leasedUrl({ ...d, url: d._id }, owner, expires, c.attempts);
    });
  }

  private async rollForwardStuckClaims(lostIds: string[]): Promise<void> {
    const wall = Date.now();
    for (const [id, first] of this.lostClaims) if (wall - first > 4 * ROLL_FORWARD_AFTER_MS) this.lostClaims.delete(id);
    for (const id of lostIds) {
      const first = this.lostClaims.get(id);
      if (first === undefined) {
        this.lostClaims.set(id, wall);
        continue;
      }
      if (wall - first < ROLL_FORWARD_AFTER_MS) continue;
      this.lostClaims.delete(id);
      const claim = await this.conn.op('leaseUrls (roll forward)', () => this.conn.leaseClaims.findOne({ _id: id }));
      if (claim) await this.rollForwardLease(claim);
    }
  }

  /** Applies a won lease claim whose winner may have died before writing it (idempotent). */
  private async rollForwardLease(c: LeaseClaimDoc): Promise<void> {
    const doc = await this.conn.op('leaseUrls (roll forward)', () => this.conn.frontier.findOne({ _id: c.url }, { projection: { leaseGen: 1 } }));
    if (doc && doc.leaseGen < c.gen) {
      await this.conn.op('leaseUrls (roll forward)', () => this.conn.frontier.updateOne({ _id: c.url }, leaseUpdate(c)));
    }
  }

  /** The frontier query: due pending URLs and expired leases, oldest first. */
  private findDue(filter: Document, now: number, limit: number): Promise<FrontierDoc[]> {
    const query = { ...filter, state: { $in: OPEN_STATES }, dueAt: { $lte: now } };
    return this.conn.op('leaseUrls (frontier query)', () =>
      this.conn.frontier
        .find(query, {
          sort: { dueAt: 1, _id: 1 },
          limit,
          // The unindexed-frontier fault: $natural forbids every index, so the server scans the whole frontier and
          // sorts it in memory on every call.
          ...(this.faults.has('unindexed-frontier') ? { hint: { $natural: 1 } } : {}),
        })
        .toArray(),
    );
  }

  async leaseUrls(req: LeaseRequest): Promise<LeasedUrl[]> {
    if (req.limit <= 0) return [];
    if (this.leasesFromView) {
      const fromView = (r: LeaseRequest, mayLag: boolean) => (r.domainsFree ? this.leaseDomainsFreeFromView(r, mayLag) : this.leaseAnyFromView(r, mayLag));
      const mayLag = Date.now() - this.viewSyncedAt < VIEW_SYNC_MS;
      const got = await fromView(req, mayLag);
      if (!mayLag || got.length >= req.limit) return got;
      return [...got, ...(await fromView({ ...req, limit: req.limit - got.length }, false))];
    }
    return req.domainsFree ? this.leaseDomainsFree(req) : this.leaseAny(req);
  }

  // ---- healthy leasing: candidates from the frontier view, each read by _id ----

  /**
   * Brings the view up to date: the first time (and, with `reloadIfStale`, when it is older than VIEW_RELOAD_MS) by
   * one full read of the open URLs, then by the frontier-log notes written since. One sync runs at a time.
   */
  private syncView(reloadIfStale = false, mayLag = false): Promise<FrontierView> {
    if (mayLag && this.view && !this.viewSync) return Promise.resolve(this.view);
    this.viewSync ??= this.doSyncView(reloadIfStale).finally(() => {
      this.viewSync = undefined;
    });
    return this.viewSync;
  }

  private viewIsStale(): boolean {
    return Date.now() - this.viewLoadedAt > VIEW_RELOAD_MS;
  }

  private async doSyncView(reloadIfStale: boolean): Promise<FrontierView> {
    const syncedAt = Date.now();
    // The log tail first: every note below it was written after its URLs were in the frontier, so a full read below
    // sees them; notes from the tail on are read (again) afterwards, which changes nothing.
    const tail = await this.log.tail();
    if (!this.view || (reloadIfStale && this.viewIsStale())) {
      const open = await this.conn.op('leaseUrls (frontier view load)', () =>
        this.conn.frontier.find({ state: { $in: OPEN_STATES } }, { projection: { _id: 1, domain: 1, dueAt: 1 } }).toArray(),
      );
      const view = new FrontierView();
      for (const d of open) view.upsert(d._id, d.domain, d.dueAt);
      this.view = view;
      this.viewNext = tail;
      this.viewLoadedAt = Date.now();
    }
    const view = this.view;
    const { notes, next } = await this.log.readUpTo(this.viewNext, tail, true);
    for (const note of notes) for (const [url, domain, dueAt] of note) view.upsert(url, domain, dueAt);
    this.viewNext = Math.max(this.viewNext, next);
    this.viewSyncedAt = syncedAt;
    return view;
  }

  /**
   * Reads candidates by _id (the one filter FerretDB answers from an index), corrects the view with what it finds,
   * and returns the documents that are open and due at `now`, in the candidates' order.
   */
  private async verifyCandidates(view: FrontierView, candidates: ViewCandidate[], now: number): Promise<FrontierDoc[]> {
    const docs = await Promise.all(
      candidates.map((c) => this.conn.op('leaseUrls (candidate)', () => this.conn.frontier.findOne({ _id: c.url }))),
    );
    const due: FrontierDoc[] = [];
    docs.forEach((d, i) => {
      if (!d || !OPEN_STATES.includes(d.state)) {
        view.remove(candidates[i]!.url);
        return;
      }
      view.upsert(d._id, d.domain, d.dueAt);
      if (d.dueAt <= now) due.push(d);
    });
    return due;
  }

  private async leaseAnyFromView(req: LeaseRequest, mayLag: boolean): Promise<LeasedUrl[]> {
    const expires = req.now + req.leaseMs;
    let view = await this.syncView(false, mayLag);
    const got: LeasedUrl[] = [];
    const tried = new Set<string>();
    let contended = false;
    let reloaded = false;
    const inUrlOrder = req.frontierOrder === 'url';
    for (let round = 0; round < LEASE_ROUNDS && got.length < req.limit; round++) {
      const want = req.limit - got.length;
      const skip = (url: string) => tried.has(url);
      let candidates = inUrlOrder
        ? view.dueInUrlOrder(this.urlCursor, req.now, want * 2 + 2, skip)
        : view.dueOldest(req.now, contended ? want * 8 : want * 2 + 2, skip);
      // As in leaseAny: once a race was lost, start at a random point so racing leasers stop colliding (oldest-first
      // order only: frontier order is one dispatcher's habit, kept exact).
      if (contended && !inUrlOrder) {
        const at = Math.floor(Math.random() * candidates.length);
        candidates = [...candidates.slice(at), ...candidates.slice(0, at)].slice(0, want * 2 + 2);
      }
      if (candidates.length === 0) {
        if (reloaded || tried.size > 0 || !this.viewIsStale()) break;
        view = await this.syncView(true);
        reloaded = true;
        continue;
      }
      for (const c of candidates) tried.add(c.url);
      const fresh = await this.verifyCandidates(view, candidates, req.now);
      if (fresh.length === 0) continue;
      const batch = fresh.slice(0, want);
      const won = await this.tryLeaseMany(batch, req.owner, req.now, expires, false);
      if (won.length < batch.length) contended = true;
      if (inUrlOrder && won.length > 0) this.urlCursor = won[won.length - 1]!.url;
      got.push(...won);
    }
    return got;
  }

  private async leaseDomainsFreeFromView(req: LeaseRequest, mayLag: boolean): Promise<LeasedUrl[]> {
    const expires = req.now + req.leaseMs;
    let view = await this.syncView(false, mayLag);
    if (view.domainsWithDue(req.now).length === 0 && this.viewIsStale()) view = await this.syncView(true);
    const free = await this.domains.findFree(req.now, view.domainsWithDue(req.now));

    const got: LeasedUrl[] = [];
    let next = 0;
    while (got.length < req.limit && next < free.length) {
      // Take as many domains as URLs are still wanted, check their candidates and lease from them concurrently.
      const chosen: { domain: DomainDoc; candidates: ViewCandidate[] }[] = [];
      while (chosen.length < req.limit - got.length && next < free.length) {
        const d = free[next++]!;
        const candidates = view.dueInDomain(d._id, req.now, 3);
        if (candidates.length > 0) chosen.push({ domain: d, candidates });
      }
      const leased = await Promise.all(
        chosen.map(async (c) => {
          // The view is kept current by the log, so its oldest candidate is nearly always still due: read that one
          // alone, and the others only when it was not (each read is a FerretDB command and a statement).
          let fresh = await this.verifyCandidates(view, c.candidates.slice(0, 1), req.now);
          if (fresh.length === 0 && c.candidates.length > 1) fresh = await this.verifyCandidates(view, c.candidates.slice(1), req.now);
          return fresh.length > 0 ? this.leaseFromDomain(c.domain, fresh, req.owner, req.now, expires) : undefined;
        }),
      );
      for (const l of leased) if (l) got.push(l);
    }
    return got;
  }

  // ---- leasing under the unindexed-frontier fault: a frontier query on every call ----

  private async leaseAny(req: LeaseRequest): Promise<LeasedUrl[]> {
    const expires = req.now + req.leaseMs;
    const got: LeasedUrl[] = [];
    const tried = new Set<string>();
    let contended = false;
    for (let round = 0; round < LEASE_ROUNDS && got.length < req.limit; round++) {
      const want = req.limit - got.length;
      let candidates = (await this.findDue({}, req.now, want * CANDIDATES_PER_URL + tried.size)).filter(
        (c) => !tried.has(`${c._id}\u0000${c.leaseGen}`),
      );
      if (candidates.length === 0) break;
      // Oldest first while nobody competes; once a race was lost, start at a random point of the candidates so
      // racing leasers stop colliding on the same few URLs.
      if (contended) {
        const at = Math.floor(Math.random() * candidates.length);
        candidates = [...candidates.slice(at), ...candidates.slice(0, at)];
      }
      const batch = candidates.slice(0, want);
      for (const c of batch) tried.add(`${c._id}\u0000${c.leaseGen}`);
      const won = await this.tryLeaseMany(batch, req.owner, req.now, expires, false);
      if (won.length < batch.length) contended = true;
      got.push(...won);
    }
    return got;
  }

  private async leaseDomainsFree(req: LeaseRequest): Promise<LeasedUrl[]> {
    const expires = req.now + req.leaseMs;
    const free = await this.domains.findFree(req.now);
    if (free.length === 0) return [];
    // One frontier query for the due URLs of all free domains (FerretDB scans once instead of once per domain;
    // MongoDB merges the ranges of domain_state_dueAt_id). Domains missing from a full window are asked one by one.
    const windowLimit = Math.min(req.limit * 8, 2_000);
    const window = await this.findDue({ domain: { $in: free.map((d) => d._id) } }, req.now, windowLimit);
    const windowFull = window.length >= windowLimit;
    const due = new Map<string, FrontierDoc[]>();
    for (const doc of window) {
      const list = due.get(doc.domain) ?? [];
      if (list.length < 3) list.push(doc);
      due.set(doc.domain, list);
    }

    const got: LeasedUrl[] = [];
    let next = 0;
    while (got.length < req.limit && next < free.length) {
      // Take as many domains as URLs are still wanted and lease from them concurrently.
      const chosen: { domain: DomainDoc; candidates: FrontierDoc[] }[] = [];
      while (chosen.length < req.limit - got.length && next < free.length) {
        const d = free[next++]!;
        const candidates = due.get(d._id) ?? (windowFull ? await this.findDue({ domain: d._id }, req.now, 3) : []);
        if (candidates.length > 0) chosen.push({ domain: d, candidates });
      }
      const leased = await Promise.all(chosen.map((c) => this.leaseFromDomain(c.domain, c.candidates, req.owner, req.now, expires)));
      for (const l of leased) if (l) got.push(l);
    }
    return got;
  }

  /** Leases one URL of a free domain after claiming the domain's busy mark (one dispatcher per domain at a time). */
  private async leaseFromDomain(
    d: DomainDoc,
    candidates: FrontierDoc[],
    owner: string,
    now: number,
    expires: number,
  ): Promise<LeasedUrl | undefined> {
    const gen = (d.busyGen ?? 0) + 1;
    const claim: DomainClaimDoc = { _id: `busy${CLAIM_SEP}${d._id}${CLAIM_SEP}${gen}`, domain: d._id, kind: 'busy', gen, freeAt: 0, token: newToken(), at: now };
    const res = await this.insertClaim(this.conn.domainClaims, claim, 'leaseUrls (domain claim)', true);
    if (!res.won) {
      if (res.existing && rollForwardDue(res.existing, now)) {
        await this.domains.upsertDomain('leaseUrls (roll forward)', d._id, { $max: { busyGen: gen } });
        this.domains.note(d._id, { busyGen: gen });
      }
      return undefined;
    }
    let leased: LeasedUrl | undefined;
    for (const c of candidates) {
      [leased] = await this.tryLeaseMany([c], owner, now, expires, true);
      if (leased) break;
    }
    const mark: UpdateFilter<DomainDoc> = leased ? { $max: { busyGen: gen }, $set: { busyUntil: expires } } : { $max: { busyGen: gen } };
    await this.domains.upsertDomain('leaseUrls (domain busy)', d._id, mark);
    this.domains.note(d._id, leased ? { busyGen: gen, busyUntil: expires } : { busyGen: gen });
    // The slot as this process saw it: the worker's claimDomain tries the next generation without reading it first.
    return leased && { ...leased, domainSlot: { gen: d.slotGen, freeAt: d.freeAt } };
  }

  // ---- lease transitions (mongo-leases.ts) ----

  renewLeases(owner: string, urls: string[], until: number): Promise<number> {
    return this.leases.renew(owner, urls, until);
  }

  postponeUrl(url: string, owner: string, notBefore: number): Promise<boolean> {
    return this.leases.postpone(url, owner, notBefore);
  }

  retryUrl(url: string, owner: string, notBefore: number, reason: string): Promise<boolean> {
    return this.leases.retry(url, owner, notBefore, reason);
  }

  finishUrl(url: string, owner: string, state: 'done' | 'failed' | 'ignored', detail?: string): Promise<boolean> {
    return this.leases.finish(url, owner, state, detail);
  }

  releaseLeases(owner: string, now: number = Date.now()): Promise<number> {
    return this.leases.release(owner, now);
  }

  // ---- pages and robots.txt (mongo-pages.ts), status (mongo-status.ts) ----

  savePage(page: StoredPage): Promise<boolean> {
    return pagesAndRobots.savePage(this.conn, page);
  }

  getPage(url: string): Promise<StoredPage | undefined> {
    return pagesAndRobots.getPage(this.conn, url);
  }

  getRobots(domain: string, now: number = Date.now()): Promise<RobotsEntry | undefined> {
    return pagesAndRobots.getRobots(this.conn, domain, now);
  }

  putRobots(entry: RobotsEntry): Promise<void> {
    return pagesAndRobots.putRobots(this.conn, entry);
  }

  frontierSummary(now: number): Promise<FrontierSummary> {
    return status.frontierSummary(this.conn, now);
  }

  stats(): Promise<CrawlStats> {
    return status.stats(this.conn);
  }

  /**
   * The server's plan for the frontier query and the "seen this URL?" check, as the store sends them (with or
   * without the fault's $natural hint). On MongoDB the winning plan shows IXSCAN or COLLSCAN; FerretDB 1.x reports
   * its own shape.
   */
  explainQueries(now: number): Promise<{ lease: Document; seenCheck: Document }> {
    return status.explainQueries(this.conn, this.faults, now);
  }

  async hasUrl(url: string): Promise<boolean> {
    return (await this.conn.op('hasUrl', () => this.conn.frontier.findOne({ _id: url }, { projection: { _id: 1 } }))) !== null;
  }

  async getUrl(url: string): Promise<FrontierEntry | undefined> {
    const d = await this.conn.op('getUrl', () => this.conn.frontier.findOne({ _id: url }));
    return d ? frontierEntry({ ...d, url: d._id }) : undefined;
  }

  // ---- politeness ----

  async claimDomain(domain: string, now: number, delayMs: number, seen?: DomainSlot): Promise<DomainClaim> {
    // The leasing process's view of the slot, when it came with the URL and the slot is free by it: claim the next
    // generation straight away. If the view was current the claim is won without a read of the domain; if not, the
    // generation is taken already (slots only move forward), the insert loses, and the claim is made as below.
    if (seen && seen.freeAt <= now) {
      const claim: DomainClaimDoc = { _id: `slot${CLAIM_SEP}${domain}${CLAIM_SEP}${seen.gen + 1}`, domain, kind: 'slot', gen: seen.gen + 1, freeAt: now + delayMs, token: newToken(), at: now };
      if ((await this.insertClaim(this.conn.domainClaims, claim, 'claimDomain', true, false)).won) {
        await this.domains.upsertDomain('claimDomain', domain, { $max: { slotGen: claim.gen, freeAt: claim.freeAt } });
        this.domains.note(domain, { slotGen: claim.gen, freeAt: claim.freeAt });
        return { granted: true };
      }
    }
    const d = await this.conn.op('claimDomain', () => this.conn.domains.findOne({ _id: domain }), true);
    if (d && d.freeAt > now) return { granted: false, notBefore: d.freeAt };
    const gen = (d?.slotGen ?? 0) + 1;
    const claim: DomainClaimDoc = { _id: `slot${CLAIM_SEP}${domain}${CLAIM_SEP}${gen}`, domain, kind: 'slot', gen, freeAt: now + delayMs, token: newToken(), at: now };
    const res = await this.insertClaim(this.conn.domainClaims, claim, 'claimDomain', true);
    // The winner applies its claim; a loser only one old enough that its winner must have died before applying it
    // (see rollForwardDue), so a dead winner blocks the domain for a few seconds at most.
    const winning = res.won ? claim : res.existing;
    if (winning && (res.won || rollForwardDue(winning, now))) {
      await this.domains.upsertDomain('claimDomain', domain, { $max: { slotGen: winning.gen, freeAt: winning.freeAt } });
      this.domains.note(domain, { slotGen: winning.gen, freeAt: winning.freeAt });
    }
    if (res.won) return { granted: true };
    return { granted: false, notBefore: winning?.freeAt ?? now + delayMs };
  }

  // ---- status ----

}
