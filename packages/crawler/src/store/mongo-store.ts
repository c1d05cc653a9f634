// MongoStore: the crawl store on MongoDB (official driver), for crawls spread over several machines.
//
// Two connections: the content server (frontier, pages, lease claims) and the politeness server (robots.txt and
// per-domain state), which may be the same server or, as in a two-server deployment, another one.
//
// Atomicity without transactions or findOneAndUpdate. FerretDB 1.x, which the tests run against, executes
// findAndModify and update as "read the documents, then write them back", so two leasers can both read "pending" and
// both write "leased". The one operation that is atomic on every server speaking the protocol is an insert into a
// unique index (_id). So a lease is won by inserting a claim document whose _id is `<url>\0<lease generation>`:
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
import { randomBytes } from 'node:crypto';
import {
  MongoClient,
  MongoServerError,
  type Collection,
  type CommandStartedEvent,
  type Db,
  type Document,
  type UpdateFilter,
} from 'mongodb';
import { StoreConfigError } from './errors.js';
import { FrontierLog, type LogDoc, type LogUrl } from './mongo-frontier-log.js';
import { FrontierView, type ViewCandidate } from './mongo-frontier-view.js';
import { DEFAULT_RETRY, isTransientMongoError, withRetry, type RetryPolicy } from './mongo-retry.js';
import { crawlStats } from './stats.js';
import type {
  CrawlStats,
  CrawlStore,
  DomainClaim,
  FrontierEntry,
  FrontierSummary,
  LeasedUrl,
  LeaseRequest,
  NewUrl,
  RobotsEntry,
  StoredPage,
  StoreOptions,
  UrlState,
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

interface FrontierDoc {
  _id: string;
  domain: string;
  depth: number;
  discoveredFrom?: string;
  state: UrlState;
  dueAt: number;
  leaseOwner?: string;
  /** Bumped by every lease; the lease claim's _id carries the generation it moves to. */
  leaseGen: number;
  leaseDomain: boolean;
  attempts: number;
  postponements: number;
  detail?: string;
  addedAt: number;
}

interface LeaseClaimDoc {
  _id: string;
  url: string;
  gen: number;
  owner: string;
  token: string;
  expires: number;
  attempts: number;
  leaseDomain: boolean;
  at: number;
}

interface PageDoc {
  _id: string;
  url: string;
  domain: string;
  finalUrl: string;
  status: number;
  contentType: string;
  html: string;
  fetchedAt: number;
  fetchMs: number;
  fetchedBy: string;
}

interface RobotsDoc {
  _id: string;
  status: number;
  body: string;
  fetchedAt: number;
  expiresAt: number;
}

interface DomainDoc {
  _id: string;
  /** claimDomain: next time a fetch may start. */
  freeAt: number;
  slotGen: number;
  /** A URL of this domain is out under a domainsFree lease until then. */
  busyUntil: number;
  busyGen: number;
}

interface DomainClaimDoc {
  _id: string;
  domain: string;
  kind: 'slot' | 'busy';
  gen: number;
  /** For slot claims: the next-free time the winner sets. */
  freeAt: number;
  token: string;
  at: number;
}

const OPEN_STATES: UrlState[] = ['pending', 'leased'];
/** How many candidates one frontier query fetches per URL wanted (racers skip each other's). */
const CANDIDATES_PER_URL = 4;
/** Rounds of "query candidates, claim" per leaseUrls call before returning what it got. */
const LEASE_ROUNDS = 6;
/** A lease claim not applied to its URL after this long belongs to a process that died between the two writes. */
const ROLL_FORWARD_AFTER_MS = 5_000;
/**
 * A leasing process reads every domain document (politeness slots and busy marks) at most this often and answers
 * domainsFree calls in between from that copy plus its own writes. Other processes' writes (a worker claiming a
 * slot, clearing a busy mark) reach it with the next read: a domain may look free a little too long (its URL is then
 * postponed by the worker's claimDomain, never fetched early) or busy a little too long. Claims keep leases exact.
 * Why: on FerretDB every domains query reads the whole collection, and leasing calls come with every finished page.
 */
const DOMAIN_READ_MS = 250;
/** When the copy has no usable free domain, it is read again once it is at least this old. */
const DOMAIN_REREAD_WHEN_NONE_MS = 25;
/**
 * The frontier view is read from the server again (one full read) when it has nothing due and is older than this:
 * a URL whose frontier-log note was never written (its adder died between the two writes) is found then.
 */
const VIEW_RELOAD_MS = 30_000;

const DEFAULT_DB = 'crawl';
/**
 * Between the parts of a claim's _id (URL or domain, generation). A space: no normalised URL or host name holds one,
 * and unlike NUL it can be stored by every backend (PostgreSQL's jsonb refuses \u0000).
 */
const CLAIM_SEP = ' ';

/**
 * Whether a loser of a domain claim should apply the winning claim itself: only when the claim is older than
 * ROLL_FORWARD_AFTER_MS, so its winner must have died before applying it. A live winner applies its own claim within
 * milliseconds, and a loser writing at the same moment could undo it: FerretDB 1.x runs an update as a read, then a
 * write of the whole document (msg_update.go), so two concurrent updates of one domain document can lose one of them
 * (seen on its PostgreSQL backend, which runs writers concurrently: a busy mark lost, two URLs of a domain leased).
 */
function rollForwardDue(claim: { at: number }, now: number): boolean {
  return now - claim.at >= ROLL_FORWARD_AFTER_MS;
}

function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}

/** The indexes an unordered insertMany failed on because of duplicate keys; rethrows any other error. */
function duplicateIndexes(err: unknown): Set<number> {
  if (isTransientMongoError(err)) throw err;
  const writeErrors = (err as { writeErrors?: { index: number; code?: number }[] | { index: number; code?: number } }).writeErrors;
  const list = writeErrors === undefined ? [] : Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  if (list.length === 0 || list.some((w) => w.code !== 11000)) throw err;
  return new Set(list.map((w) => w.index));
}

/** Whether the server is FerretDB (its buildInfo carries `ferretdbVersion`) rather than MongoDB. */
async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return info.ferretdbVersion !== undefined;
}

/** The database named in a mongodb:// URI's path, if any. */
export function dbNameFromUri(uri: string): string | undefined {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(uri);
  const name = m?.[1] ? decodeURIComponent(m[1]) : '';
  return name === '' ? undefined : name;
}

/** The URI without credentials, for messages. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1');
}

/** A domain document's fields before anything happened to it (the `_id` is the domain). */
function defaultDomain(): Omit<DomainDoc, '_id'> {
  return { freeAt: 0, slotGen: 0, busyUntil: 0, busyGen: 0 };
}

function newToken(): string {
  return randomBytes(9).toString('base64url');
}

/** The write that makes a lease claim real; applying it twice changes nothing. */
function leaseUpdate(c: LeaseClaimDoc): UpdateFilter<FrontierDoc> {
  return {
    $set: { state: 'leased', dueAt: c.expires, leaseOwner: c.owner, leaseDomain: c.leaseDomain, attempts: c.attempts },
    $max: { leaseGen: c.gen },
  };
}

export class MongoStore implements CrawlStore {
  readonly location: string;
  private readonly options: MongoStoreOptions;
  private readonly faults: ReadonlySet<string>;
  private readonly retry: RetryPolicy;
  private readonly politenessLocation: string;
  private contentClient: MongoClient | undefined;
  private politenessClient: MongoClient | undefined;
  private content!: Db;
  private politeness!: Db;
  private closed = false;
  /** Leasing processes: every domain document as last read, with this process's own writes applied since. */
  private domainCopy: { docs: Map<string, DomainDoc>; readAt: number } | undefined;
  private domainRead: Promise<Map<string, DomainDoc>> | undefined;
  /** Domains this process made sure have a document (addUrls creates one per new domain, once per process). */
  private readonly knownDomains = new Set<string>();
  /** Lease claims this process lost, with when it first lost them (wall clock), to spot stuck claims. */
  private readonly lostClaims = new Map<string, number>();
  /** Where URLs that become pending are announced (read by leasing processes). */
  private readonly log: FrontierLog;
  /** Leasing processes only: the candidates for leases (mongo-frontier-view.ts), loaded on the first lease. */
  private view: FrontierView | undefined;
  /** The next frontier-log note the view has not read yet. */
  private viewNext = 0;
  private viewLoadedAt = 0;
  private viewSync: Promise<FrontierView> | undefined;
  /** Last URL handed out in frontier (URL) order; the next `frontierOrder: 'url'` lease resumes after it. */
  private urlCursor = '';

  constructor(options: MongoStoreOptions) {
    this.options = options;
    this.faults = new Set(options.faults ?? []);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const contentDb = options.dbName ?? dbNameFromUri(options.uri) ?? DEFAULT_DB;
    this.location = `${redactUri(options.uri)} (database ${contentDb})`;
    const pUri = options.politenessUri ?? options.uri;
    this.politenessLocation = `${redactUri(pUri)} (database ${this.politenessDbName()})`;
    this.log = new FrontierLog(
      () => this.content.collection<LogDoc>('frontierLog'),
      (operation, fn) => this.op(operation, fn),
      isDuplicateKey,
    );
  }

  /**
   * Healthy leasing takes its candidates from the frontier view and reads each by `_id`; the unindexed-frontier fault
   * asks the server for due URLs on every call instead, without an index (the `$natural` hint).
   */
  private get leasesFromView(): boolean {
    return !this.faults.has('unindexed-frontier');
  }

  private contentDbName(): string {
    return this.options.dbName ?? dbNameFromUri(this.options.uri) ?? DEFAULT_DB;
  }

  private politenessDbName(): string {
    const pUri = this.options.politenessUri;
    return this.options.politenessDbName ?? (pUri ? dbNameFromUri(pUri) : undefined) ?? this.contentDbName();
  }

  private makeClient(uri: string): MongoClient {
    try {
      const client = new MongoClient(uri, {
        maxPoolSize: this.options.maxPoolSize ?? 4,
        // Short per-attempt timeouts: withRetry decides how long to keep trying, and says so in its error.
        serverSelectionTimeoutMS: 2_000,
        connectTimeoutMS: 2_000,
        // FerretDB 1.x has no sessions for retryable writes; our own retry covers both servers alike.
        retryWrites: false,
        retryReads: false,
        monitorCommands: this.options.onCommand !== undefined,
      });
      if (this.options.onCommand) client.on('commandStarted', this.options.onCommand);
      return client;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new StoreConfigError(`invalid MongoDB URI ${redactUri(uri)} (${why}); pass --mongo mongodb://HOST:PORT/DB`);
    }
  }

  private op<T>(operation: string, fn: () => Promise<T>, politeness = false): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`MongoStore.${operation} called after close()`));
    let generation = this.clientGeneration;
    return withRetry(
      politeness ? this.politenessLocation : this.location,
      operation,
      this.retry,
      () => {
        generation = this.clientGeneration;
        return fn();
      },
      () => this.closed,
      () => this.reconnect(generation),
    );
  }

  private get frontier(): Collection<FrontierDoc> {
    return this.content.collection<FrontierDoc>('frontier');
  }
  private get leaseClaims(): Collection<LeaseClaimDoc> {
    return this.content.collection<LeaseClaimDoc>('leaseClaims');
  }
  private get pages(): Collection<PageDoc> {
    return this.content.collection<PageDoc>('pages');
  }
  private get robots(): Collection<RobotsDoc> {
    return this.politeness.collection<RobotsDoc>('robots');
  }
  private get domains(): Collection<DomainDoc> {
    return this.politeness.collection<DomainDoc>('domains');
  }
  private get domainClaims(): Collection<DomainClaimDoc> {
    return this.politeness.collection<DomainClaimDoc>('domainClaims');
  }

  async init(): Promise<void> {
    if (this.contentClient) return;
    this.closed = false;
    this.connect();
    // Indexes are shaped Equality → Sort → Range (see STORAGE.md for each one's query). One createIndex call per
    // index: FerretDB 1.24 drops the connection when one createIndexes command repeats several existing indexes.
    // On FerretDB 1.x the secondary indexes are left out: its SQLite backend answers every filter but {_id} by reading
    // the whole collection and never uses them, while every insert and update pays to maintain them (each one is a
    // SQLite expression index that parses the document's JSON again). Only the built-in _id index is used there.
    await this.op('init (content indexes)', async () => {
      if (await isFerretDb(this.content)) return;
      // Frontier query: {state: 'pending'|'leased' (equality, $in)} sorted by {dueAt, _id}, range dueAt <= now. _id
      // is in the index so the sort's tie-break comes from the index too: no in-memory sort of every due URL.
      await this.frontier.createIndex({ state: 1, dueAt: 1, _id: 1 }, { name: 'state_dueAt_id' });
      // domainsFree: {domain, state} equality, sorted by {dueAt, _id}, range dueAt <= now; also stats per domain.
      await this.frontier.createIndex({ domain: 1, state: 1, dueAt: 1, _id: 1 }, { name: 'domain_state_dueAt_id' });
      // releaseLeases(owner): equality on both.
      await this.frontier.createIndex({ leaseOwner: 1, state: 1 }, { name: 'leaseOwner_state' });
      await this.pages.createIndex({ domain: 1 }, { name: 'domain' });
    });
    // The domains collection has no secondary index: the leasing process reads it whole (DOMAIN_READ_MS) and every
    // other access is by _id.
  }

  /** Creates the clients (one when both roles use the same URI); connecting happens on first use. */
  private connect(): void {
    const contentClient = this.makeClient(this.options.uri);
    const pUri = this.options.politenessUri;
    const politenessClient = pUri && pUri !== this.options.uri ? this.makeClient(pUri) : contentClient;
    this.contentClient = contentClient;
    this.politenessClient = politenessClient;
    this.content = contentClient.db(this.contentDbName());
    this.politeness = politenessClient.db(this.politenessDbName());
  }

  /**
   * Replaces the clients after the driver closed their topology (it does after a failed first connection and then
   * never reconnects). Only an error from the current clients does it: operations that were still running on the
   * old ones just retry on the new ones.
   */
  private clientGeneration = 0;
  private async reconnect(failedGeneration: number): Promise<void> {
    if (this.closed || failedGeneration !== this.clientGeneration) return;
    this.clientGeneration++;
    const old = new Set([this.contentClient, this.politenessClient]);
    this.connect();
    for (const c of old) await c?.close().catch(() => {});
  }

  async close(): Promise<void> {
    if (this.contentClient) this.closed = true;
    const clients = new Set([this.contentClient, this.politenessClient]);
    this.contentClient = undefined;
    this.politenessClient = undefined;
    for (const c of clients) await c?.close();
  }

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
      const seen = await this.op('addUrls (seen check)', () =>
        this.pages
          .find({ url: { $in: batch.map((u) => u.url) } }, { hint: { $natural: 1 }, projection: { _id: 0, url: 1 } })
          .toArray(),
      );
      const crawled = new Set(seen.map((p) => p.url));
      batch = batch.filter((u) => !crawled.has(u.url));
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
    // Where the frontier-log note will go, asked now so that it does not wait for the insert (one round trip less).
    const logTail = this.log.tail();
    logTail.catch(() => {}); // awaited below; an error here must not surface as an unhandled rejection meanwhile
    // The unique _id is the dedup: an unordered insert keeps going past duplicates and reports what it inserted.
    const inserted = await this.op('addUrls', async () => {
      try {
        await this.frontier.insertMany(docs, { ordered: false });
        return new Set(docs.map((d) => d._id));
      } catch (err) {
        const failed = duplicateIndexes(err);
        return new Set(docs.filter((_, i) => !failed.has(i)).map((d) => d._id));
      }
    });
    const added = docs.filter((d) => inserted.has(d._id));
    if (added.length === 0) return 0;
    await this.announce(
      added.map((d) => [d._id, d.domain, d.dueAt]),
      logTail,
    );
    await this.ensureDomains(added.map((d) => d.domain));
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

  /**
   * Makes sure every domain has its document, so that leasing (which reads the domain documents) knows it. Once per
   * domain per process: a domain document is never deleted, so after the first pages this sends nothing.
   */
  private async ensureDomains(domains: string[]): Promise<void> {
    const fresh = [...new Set(domains)].filter((d) => !this.knownDomains.has(d));
    if (fresh.length === 0) return;
    await this.op(
      'addUrls (domains)',
      async () => {
        try {
          await this.domains.bulkWrite(
            fresh.map((d) => ({ updateOne: { filter: { _id: d }, update: { $setOnInsert: defaultDomain() }, upsert: true } })),
            { ordered: false },
          );
        } catch (err) {
          // Two processes upserting one new domain at once: the loser's duplicate key means it exists. Anything else
          // is an error.
          // duplicateIndexes rethrows anything that is not only duplicate keys (the driver reports one or many).
          duplicateIndexes(err);
        }
      },
      true,
    );
    for (const d of fresh) this.knownDomains.add(d);
  }

  /** Upserts a domain document; a concurrent upsert's duplicate key is answered by updating the winner's doc. */
  private async upsertDomain(operation: string, domain: string, update: UpdateFilter<DomainDoc>): Promise<void> {
    const defaults: Partial<DomainDoc> = defaultDomain();
    const touched = new Set(
      Object.values(update as Record<string, Document>).flatMap((fields) => Object.keys(fields)),
    );
    const setOnInsert = Object.fromEntries(Object.entries(defaults).filter(([k]) => !touched.has(k)));
    await this.op(
      operation,
      async () => {
        try {
          await this.domains.updateOne({ _id: domain }, { ...update, $setOnInsert: setOnInsert }, { upsert: true });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          await this.domains.updateOne({ _id: domain }, update);
        }
      },
      true,
    );
  }

  /** Inserts a claim; won when this call (or an earlier try of it, same token) inserted it. */
  private async insertClaim<C extends { _id: string; token: string }>(
    coll: Collection<C>,
    claim: C,
    operation: string,
    politeness: boolean,
  ): Promise<{ won: true } | { won: false; existing: C | null }> {
    return this.op(
      operation,
      async () => {
        try {
          // `never`: the driver cannot prove a generic C satisfies its OptionalUnlessRequiredId<C> / Filter<C> types.
          await coll.insertOne(claim as never);
          return { won: true } as const;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
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
    const lost = await this.op('leaseUrls (claim)', async () => {
      try {
        await this.leaseClaims.insertMany(claims, { ordered: false });
        return new Set<number>();
      } catch (err) {
        return duplicateIndexes(err);
      }
    });
    const won = claims.filter((_, i) => !lost.has(i));
    if (won.length > 0) {
      await this.op('leaseUrls (lease)', () =>
        this.frontier.bulkWrite(
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
      return {
        url: d._id,
        domain: d.domain,
        depth: d.depth,
        ...(d.discoveredFrom !== undefined ? { discoveredFrom: d.discoveredFrom } : {}),
        leaseOwner: owner,
        leaseExpiresAt: expires,
        attempts: c.attempts,
      };
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
      const claim = await this.op('leaseUrls (roll forward)', () => this.leaseClaims.findOne({ _id: id }));
      if (claim) await this.rollForwardLease(claim);
    }
  }

  /** Applies a won lease claim whose winner may have died before writing it (idempotent). */
  private async rollForwardLease(c: LeaseClaimDoc): Promise<void> {
    const doc = await this.op('leaseUrls (roll forward)', () => this.frontier.findOne({ _id: c.url }, { projection: { leaseGen: 1 } }));
    if (doc && doc.leaseGen < c.gen) {
      await this.op('leaseUrls (roll forward)', () => this.frontier.updateOne({ _id: c.url }, leaseUpdate(c)));
    }
  }

  /** The frontier query: due pending URLs and expired leases, oldest first. */
  private findDue(filter: Document, now: number, limit: number): Promise<FrontierDoc[]> {
    const query = { ...filter, state: { $in: OPEN_STATES }, dueAt: { $lte: now } };
    return this.op('leaseUrls (frontier query)', () =>
      this.frontier
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
    if (this.leasesFromView) return req.domainsFree ? this.leaseDomainsFreeFromView(req) : this.leaseAnyFromView(req);
    return req.domainsFree ? this.leaseDomainsFree(req) : this.leaseAny(req);
  }

  // ---- healthy leasing: candidates from the frontier view, each read by _id ----

  /**
   * Brings the view up to date: the first time (and, with `reloadIfStale`, when it is older than VIEW_RELOAD_MS) by
   * one full read of the open URLs, then by the frontier-log notes written since. One sync runs at a time.
   */
  private syncView(reloadIfStale = false): Promise<FrontierView> {
    this.viewSync ??= this.doSyncView(reloadIfStale).finally(() => {
      this.viewSync = undefined;
    });
    return this.viewSync;
  }

  private viewIsStale(): boolean {
    return Date.now() - this.viewLoadedAt > VIEW_RELOAD_MS;
  }

  private async doSyncView(reloadIfStale: boolean): Promise<FrontierView> {
    if (!this.view || (reloadIfStale && this.viewIsStale())) {
      // The log tail first: every note below it was written after its URLs were in the frontier, so the full read
      // below sees them; notes from the tail on are read (again) afterwards, which changes nothing.
      const tail = await this.log.tail();
      const open = await this.op('leaseUrls (frontier view load)', () =>
        this.frontier.find({ state: { $in: OPEN_STATES } }, { projection: { _id: 1, domain: 1, dueAt: 1 } }).toArray(),
      );
      const view = new FrontierView();
      for (const d of open) view.upsert(d._id, d.domain, d.dueAt);
      this.view = view;
      this.viewNext = tail;
      this.viewLoadedAt = Date.now();
    }
    const view = this.view;
    const { notes, next } = await this.log.readFrom(this.viewNext);
    for (const note of notes) for (const [url, domain, dueAt] of note) view.upsert(url, domain, dueAt);
    this.viewNext = Math.max(this.viewNext, next);
    return view;
  }

  /**
   * Reads candidates by _id (the one filter FerretDB answers from an index), corrects the view with what it finds,
   * and returns the documents that are open and due at `now`, in the candidates' order.
   */
  private async verifyCandidates(view: FrontierView, candidates: ViewCandidate[], now: number): Promise<FrontierDoc[]> {
    const docs = await Promise.all(
      candidates.map((c) => this.op('leaseUrls (candidate)', () => this.frontier.findOne({ _id: c.url }))),
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

  private async leaseAnyFromView(req: LeaseRequest): Promise<LeasedUrl[]> {
    const expires = req.now + req.leaseMs;
    let view = await this.syncView();
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

  /**
   * Every domain document, from this process's copy when it is younger than `maxAgeMs` (DOMAIN_READ_MS), else read
   * again (one read at a time). The copy also carries this process's own writes since the read (noteDomain).
   */
  private domainDocs(maxAgeMs = DOMAIN_READ_MS): Promise<Map<string, DomainDoc>> {
    const copy = this.domainCopy;
    if (copy && Date.now() - copy.readAt < maxAgeMs) return Promise.resolve(copy.docs);
    this.domainRead ??= (async () => {
      const readAt = Date.now();
      const docs = await this.op('leaseUrls (domains)', () => this.domains.find({}).toArray(), true);
      const map = new Map(docs.map((d) => [d._id, d]));
      for (const d of map.keys()) this.knownDomains.add(d);
      this.domainCopy = { docs: map, readAt };
      return map;
    })().finally(() => {
      this.domainRead = undefined;
    });
    return this.domainRead;
  }

  /** Applies a write this process made to a domain document to its copy (as the server applied it: `$max`). */
  private noteDomain(domain: string, change: Partial<Omit<DomainDoc, '_id'>>): void {
    const docs = this.domainCopy?.docs;
    if (!docs) return;
    const d = docs.get(domain) ?? { _id: domain, ...defaultDomain() };
    docs.set(domain, {
      _id: domain,
      freeAt: Math.max(d.freeAt, change.freeAt ?? 0),
      slotGen: Math.max(d.slotGen, change.slotGen ?? 0),
      // busyUntil is the one field set downwards (cleared to 0 when the URL is finished or put back).
      busyUntil: change.busyUntil ?? d.busyUntil,
      busyGen: Math.max(d.busyGen, change.busyGen ?? 0),
    });
  }

  /**
   * Domains whose politeness slot is free and that hold no domainsFree lease, least recently claimed first, among
   * `candidates` (domains with due URLs) or, without it, among every domain that has a document.
   * Domains without a document yet count as never claimed.
   */
  private async findFreeDomains(now: number, candidates?: string[]): Promise<DomainDoc[]> {
    const pick = (docs: Map<string, DomainDoc>): DomainDoc[] => {
      const all = candidates ? candidates.map((c) => docs.get(c) ?? { _id: c, ...defaultDomain() }) : [...docs.values()];
      return all
        .filter((d) => d.freeAt <= now && d.busyUntil <= now)
        .sort((a, b) => a.freeAt - b.freeAt || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    };
    const free = pick(await this.domainDocs());
    // Nothing free in a copy that is not brand new: a worker may have freed a domain since it was read.
    return free.length > 0 ? free : pick(await this.domainDocs(DOMAIN_REREAD_WHEN_NONE_MS));
  }

  private async leaseDomainsFreeFromView(req: LeaseRequest): Promise<LeasedUrl[]> {
    const expires = req.now + req.leaseMs;
    let view = await this.syncView();
    if (view.domainsWithDue(req.now).length === 0 && this.viewIsStale()) view = await this.syncView(true);
    const free = await this.findFreeDomains(req.now, view.domainsWithDue(req.now));

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
          const fresh = await this.verifyCandidates(view, c.candidates, req.now);
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
    const free = await this.findFreeDomains(req.now);
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
    const res = await this.insertClaim(this.domainClaims, claim, 'leaseUrls (domain claim)', true);
    if (!res.won) {
      if (res.existing && rollForwardDue(res.existing, now)) {
        await this.upsertDomain('leaseUrls (roll forward)', d._id, { $max: { busyGen: gen } });
        this.noteDomain(d._id, { busyGen: gen });
      }
      return undefined;
    }
    let leased: LeasedUrl | undefined;
    for (const c of candidates) {
      [leased] = await this.tryLeaseMany([c], owner, now, expires, true);
      if (leased) break;
    }
    const mark: UpdateFilter<DomainDoc> = leased ? { $max: { busyGen: gen }, $set: { busyUntil: expires } } : { $max: { busyGen: gen } };
    await this.upsertDomain('leaseUrls (domain busy)', d._id, mark);
    this.noteDomain(d._id, leased ? { busyGen: gen, busyUntil: expires } : { busyGen: gen });
    return leased;
  }

  /** Reads a URL and applies `update` when `owner` holds it in one of `states`; returns the doc it changed. */
  private async updateIfHeld(
    operation: string,
    url: string,
    owner: string,
    states: UrlState[],
    update: UpdateFilter<FrontierDoc>,
    /** On a retry: whether the lost first try already applied `update` (then it counts as done). */
    alreadyApplied: (doc: FrontierDoc) => boolean,
  ): Promise<FrontierDoc | undefined> {
    let tries = 0;
    return this.op(operation, async () => {
      tries++;
      const doc = await this.frontier.findOne({ _id: url });
      if (!doc || doc.leaseOwner !== owner) return undefined;
      // The connection dropped after the server applied our update but before it answered: report what it did.
      if (tries > 1 && alreadyApplied(doc)) return { ...doc, state: 'leased' };
      if (!states.includes(doc.state)) return undefined;
      await this.frontier.updateOne({ _id: url }, update);
      return doc;
    });
  }

  private async clearBusy(doc: FrontierDoc): Promise<void> {
    if (doc.state !== 'leased' || !doc.leaseDomain) return;
    await this.op('clear domain busy', () => this.domains.updateOne({ _id: doc.domain }, { $set: { busyUntil: 0 } }), true);
    this.noteDomain(doc.domain, { busyUntil: 0 });
  }

  async renewLeases(owner: string, urls: string[], until: number): Promise<number> {
    const renewed = await Promise.all(
      urls.map(async (url) => {
        const doc = await this.updateIfHeld('renewLeases', url, owner, ['leased'], { $set: { dueAt: until } }, (d) => d.state === 'leased' && d.dueAt === until);
        if (doc?.leaseDomain) {
          await this.op('renewLeases (domain busy)', () => this.domains.updateOne({ _id: doc.domain }, { $max: { busyUntil: until } }), true);
          const copy = this.domainCopy?.docs.get(doc.domain);
          this.noteDomain(doc.domain, { busyUntil: Math.max(copy?.busyUntil ?? 0, until) });
        }
        return doc !== undefined;
      }),
    );
    return renewed.filter(Boolean).length;
  }

  async postponeUrl(url: string, owner: string, notBefore: number): Promise<boolean> {
    const doc = await this.updateIfHeld(
      'postponeUrl',
      url,
      owner,
      ['leased'],
      { $set: { state: 'pending', dueAt: notBefore }, $inc: { attempts: -1, postponements: 1 } },
      (d) => d.state === 'pending' && d.dueAt === notBefore,
    );
    if (doc) {
      await this.announce([[url, doc.domain, notBefore]]);
      await this.clearBusy(doc);
    }
    return doc !== undefined;
  }

  async retryUrl(url: string, owner: string, notBefore: number, reason: string): Promise<boolean> {
    const doc = await this.updateIfHeld(
      'retryUrl',
      url,
      owner,
      ['leased'],
      { $set: { state: 'pending', dueAt: notBefore, detail: reason } },
      (d) => d.state === 'pending' && d.dueAt === notBefore,
    );
    if (doc) {
      await this.announce([[url, doc.domain, notBefore]]);
      await this.clearBusy(doc);
    }
    return doc !== undefined;
  }

  async finishUrl(url: string, owner: string, state: 'done' | 'failed' | 'ignored', detail?: string): Promise<boolean> {
    const doc = await this.updateIfHeld(
      'finishUrl',
      url,
      owner,
      OPEN_STATES,
      // A done URL drops the reason of an earlier failed attempt.
      detail !== undefined ? { $set: { state, dueAt: Date.now(), detail } } : { $set: { state, dueAt: Date.now() }, $unset: { detail: '' } },
      (d) => d.state === state,
    );
    if (doc) {
      this.view?.remove(url);
      await this.clearBusy(doc);
    }
    return doc !== undefined;
  }

  async releaseLeases(owner: string, now: number = Date.now()): Promise<number> {
    const held = await this.op('releaseLeases', () => this.frontier.find({ leaseOwner: owner, state: 'leased' }).toArray());
    const released = await Promise.all(
      held.map(async (d) => {
        const doc = await this.updateIfHeld(
          'releaseLeases',
          d._id,
          owner,
          ['leased'],
          { $set: { state: 'pending', dueAt: now }, $inc: { attempts: -1 } },
          (x) => x.state === 'pending' && x.dueAt === now,
        );
        if (doc) await this.clearBusy(doc);
        return doc;
      }),
    );
    const back = released.filter((d): d is FrontierDoc => d !== undefined);
    await this.announce(back.map((d) => [d._id, d.domain, now]));
    return back.length;
  }

  // ---- pages ----

  async savePage(page: StoredPage): Promise<boolean> {
    // The page's domain (for stats per domain) from its URL, as callers derive a URL's domain (fetch/url.ts
    // domainOf), rather than from a read of its frontier entry: one round trip less per page.
    let domain: string;
    try {
      domain = new URL(page.url).hostname.toLowerCase().replace(/\.+$/, '');
    } catch {
      domain = '';
    }
    const doc: PageDoc = { _id: page.url, domain, ...page };
    return this.op('savePage', async () => {
      try {
        await this.pages.insertOne(doc);
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    });
  }

  async getPage(url: string): Promise<StoredPage | undefined> {
    const d = await this.op('getPage', () => this.pages.findOne({ _id: url }));
    if (!d) return undefined;
    return {
      url: d.url,
      finalUrl: d.finalUrl,
      status: d.status,
      contentType: d.contentType,
      html: d.html,
      fetchedAt: d.fetchedAt,
      fetchMs: d.fetchMs,
      fetchedBy: d.fetchedBy,
    };
  }

  async hasUrl(url: string): Promise<boolean> {
    return (await this.op('hasUrl', () => this.frontier.findOne({ _id: url }, { projection: { _id: 1 } }))) !== null;
  }

  async getUrl(url: string): Promise<FrontierEntry | undefined> {
    const d = await this.op('getUrl', () => this.frontier.findOne({ _id: url }));
    if (!d) return undefined;
    return {
      url: d._id,
      domain: d.domain,
      depth: d.depth,
      ...(d.discoveredFrom !== undefined ? { discoveredFrom: d.discoveredFrom } : {}),
      state: d.state,
      dueAt: d.dueAt,
      ...(d.leaseOwner !== undefined ? { leaseOwner: d.leaseOwner } : {}),
      attempts: d.attempts,
      postponements: d.postponements,
      ...(d.detail !== undefined ? { detail: d.detail } : {}),
      addedAt: d.addedAt,
    };
  }

  // ---- politeness ----

  async getRobots(domain: string, now: number = Date.now()): Promise<RobotsEntry | undefined> {
    const d = await this.op('getRobots', () => this.robots.findOne({ _id: domain }), true);
    if (!d || d.expiresAt <= now) return undefined;
    return { domain: d._id, status: d.status, body: d.body, fetchedAt: d.fetchedAt, expiresAt: d.expiresAt };
  }

  async putRobots(entry: RobotsEntry): Promise<void> {
    const doc = { status: entry.status, body: entry.body, fetchedAt: entry.fetchedAt, expiresAt: entry.expiresAt };
    await this.op(
      'putRobots',
      async () => {
        try {
          await this.robots.replaceOne({ _id: entry.domain }, doc, { upsert: true });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          await this.robots.replaceOne({ _id: entry.domain }, doc);
        }
      },
      true,
    );
  }

  async claimDomain(domain: string, now: number, delayMs: number): Promise<DomainClaim> {
    const d = await this.op('claimDomain', () => this.domains.findOne({ _id: domain }), true);
    if (d && d.freeAt > now) return { granted: false, notBefore: d.freeAt };
    const gen = (d?.slotGen ?? 0) + 1;
    const claim: DomainClaimDoc = { _id: `slot${CLAIM_SEP}${domain}${CLAIM_SEP}${gen}`, domain, kind: 'slot', gen, freeAt: now + delayMs, token: newToken(), at: now };
    const res = await this.insertClaim(this.domainClaims, claim, 'claimDomain', true);
    // The winner applies its claim; a loser only one old enough that its winner must have died before applying it
    // (see rollForwardDue), so a dead winner blocks the domain for a few seconds at most.
    const winning = res.won ? claim : res.existing;
    if (winning && (res.won || rollForwardDue(winning, now))) {
      await this.upsertDomain('claimDomain', domain, { $max: { slotGen: winning.gen, freeAt: winning.freeAt } });
      this.noteDomain(domain, { slotGen: winning.gen, freeAt: winning.freeAt });
    }
    if (res.won) return { granted: true };
    return { granted: false, notBefore: winning?.freeAt ?? now + delayMs };
  }

  // ---- status ----

  async frontierSummary(now: number): Promise<FrontierSummary> {
    const [pending, ready, leased, next] = await Promise.all([
      this.op('frontierSummary', () => this.frontier.countDocuments({ state: 'pending' })),
      this.op('frontierSummary', () => this.frontier.countDocuments({ state: 'pending', dueAt: { $lte: now } })),
      this.op('frontierSummary', () => this.frontier.countDocuments({ state: 'leased' })),
      this.op('frontierSummary', () =>
        this.frontier.find({ state: 'pending', dueAt: { $gt: now } }, { sort: { dueAt: 1 }, limit: 1, projection: { dueAt: 1 } }).toArray(),
      ),
    ]);
    return { pending, ready, leased, ...(next[0] ? { nextDueAt: next[0].dueAt } : {}) };
  }

  async stats(): Promise<CrawlStats> {
    // Grouped by postponement count too and summed here: FerretDB 1.24's $group gives 0 for {$sum: '$field'}.
    const [byState, byPages, retrying] = await Promise.all([
      this.op('stats', () =>
        this.frontier
          .aggregate<{ _id: { domain: string; state: UrlState; p: number }; n: number }>([
            { $group: { _id: { domain: '$domain', state: '$state', p: '$postponements' }, n: { $sum: 1 } } },
          ])
          .toArray(),
      ),
      this.op('stats', () =>
        this.pages.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$domain', n: { $sum: 1 } } }]).toArray(),
      ),
      this.op('stats', () =>
        this.frontier
          .aggregate<{ _id: string; n: number }>([
            { $match: { state: 'pending', detail: { $exists: true } } },
            { $group: { _id: '$domain', n: { $sum: 1 } } },
          ])
          .toArray(),
      ),
    ]);
    return crawlStats(
      [
        ...byState.map((r) => ({ domain: r._id.domain, state: r._id.state, urls: r.n, postponements: (r._id.p ?? 0) * r.n })),
        // Counted apart (as no URLs of a state, only their retry count), for the same $sum limit as above.
        ...retrying.map((r) => ({ domain: r._id, state: 'pending' as const, urls: 0, postponements: 0, retrying: r.n })),
      ],
      byPages.map((r) => ({ domain: r._id, pages: r.n })),
    );
  }

  /**
   * The server's plan for the frontier query and the "seen this URL?" check, as the store sends them (with or
   * without the fault's $natural hint). On MongoDB the winning plan shows IXSCAN or COLLSCAN; FerretDB 1.x reports
   * its own shape (it ignores hints and pushes down only `_id` equality).
   */
  async explainQueries(now: number): Promise<{ lease: Document; seenCheck: Document }> {
    const hint = (fault: string) => (this.faults.has(fault) ? { hint: { $natural: 1 } } : {});
    const lease = await this.frontier
      .find({ state: { $in: OPEN_STATES }, dueAt: { $lte: now } }, { sort: { dueAt: 1, _id: 1 }, limit: 10, ...hint('unindexed-frontier') })
      .explain('executionStats');
    const seenCheck = this.faults.has('dedup-scan')
      ? await this.pages.find({ url: 'http://explain.invalid/' }, { ...hint('dedup-scan'), limit: 1 }).explain('executionStats')
      : await this.frontier.find({ _id: 'http://explain.invalid/' }, { limit: 1 }).explain('executionStats');
    return { lease, seenCheck };
  }
}
