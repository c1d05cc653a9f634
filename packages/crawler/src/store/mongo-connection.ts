// The MongoStore's two connections: the content server (frontier, pages, lease claims) and the politeness server
// (robots.txt and per-domain state), which may be the same server or another one; every operation goes through op(),
// which retries through an outage (mongo-retry.ts) and replaces clients the driver gave up on.
import { MongoClient, type Collection, type Db } from 'mongodb';
import { StoreConfigError } from './errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './mongo-retry.js';
import type { LogDoc } from './mongo-frontier-log.js';
import {
  DEFAULT_DB,
  dbNameFromUri,
  isFerretDb,
  redactUri,
  type DomainClaimDoc,
  type DomainDoc,
  type FrontierDoc,
  type LeaseClaimDoc,
  type PageDoc,
  type RobotsDoc,
} from './mongo-docs.js';
import type { MongoStoreOptions } from './mongo-store.js';

export class MongoConnection {
  /** The content server, for messages (without credentials). */
  readonly location: string;
  readonly politenessLocation: string;
  private readonly retry: RetryPolicy;
  private contentClient: MongoClient | undefined;
  private politenessClient: MongoClient | undefined;
  private content!: Db;
  private politeness!: Db;
  private closed = false;
  /** Whether the content server is FerretDB (known after init): some of its costs are worked around (addUrls). */
  contentIsFerretDb = false;
  private idWithFieldsIndexed: boolean | undefined;

  constructor(private readonly options: MongoStoreOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.location = `${redactUri(options.uri)} (database ${this.contentDbName()})`;
    const pUri = options.politenessUri ?? options.uri;
    this.politenessLocation = `${redactUri(pUri)} (database ${this.politenessDbName()})`;
  }

  get frontierLog(): Collection<LogDoc> {
    return this.content.collection<LogDoc>('frontierLog');
  }

  contentDbName(): string {
    return this.options.dbName ?? dbNameFromUri(this.options.uri) ?? DEFAULT_DB;
  }

  politenessDbName(): string {
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

  op<T>(operation: string, fn: () => Promise<T>, politeness = false): Promise<T> {
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

  get frontier(): Collection<FrontierDoc> {
    return this.content.collection<FrontierDoc>('frontier');
  }

  get leaseClaims(): Collection<LeaseClaimDoc> {
    return this.content.collection<LeaseClaimDoc>('leaseClaims');
  }

  get pages(): Collection<PageDoc> {
    return this.content.collection<PageDoc>('pages');
  }

  get robots(): Collection<RobotsDoc> {
    return this.politeness.collection<RobotsDoc>('robots');
  }

  get domains(): Collection<DomainDoc> {
    return this.politeness.collection<DomainDoc>('domains');
  }

  get domainClaims(): Collection<DomainClaimDoc> {
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
      this.contentIsFerretDb = await isFerretDb(this.content);
      if (this.contentIsFerretDb) return;
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

  /**
   * Whether a frontier filter of `_id` and other fields is still answered from the `_id` index: on MongoDB, and on
   * FerretDB's PostgreSQL backend, which pushes every equality down to SQL; not on its SQLite backend, which pushes
   * down only a filter of `_id` alone and reads the whole collection for anything more. Asked of the server with an
   * explain once the frontier exists (FerretDB explains a missing collection with an empty plan), then remembered.
   */
  async idWithFieldsFilterIndexed(): Promise<boolean> {
    if (!this.contentIsFerretDb) return true;
    if (this.idWithFieldsIndexed !== undefined) return this.idWithFieldsIndexed;
    const plan = await this.op('explain (filter pushdown)', () => this.frontier.find({ _id: '', leaseOwner: '' }).explain());
    const planned = plan.queryPlanner !== undefined && Object.keys(plan.queryPlanner as object).length > 0;
    // No plan: the frontier does not exist yet; the answer is taken the next time.
    if (!planned) return false;
    this.idWithFieldsIndexed = plan.filterPushdown === true;
    return this.idWithFieldsIndexed;
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
}
