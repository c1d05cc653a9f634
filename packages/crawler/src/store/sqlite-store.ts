// SqliteStore: the embedded crawl store for one machine (better-sqlite3, one file shared by every process).
//
// Every process opens its own connection to the same file. WAL lets readers run beside the one writer; writes that
// must be atomic across processes (leasing, claiming a domain, adding URLs) run in BEGIN IMMEDIATE transactions, which
// take the write lock up front so two processes never both read "pending" and then both write "leased".
// busy_timeout makes a process wait for the lock instead of failing; only a lock held longer than that surfaces, as
// StoreUnavailableError. better-sqlite3 is synchronous: while a process waits for the lock its event loop waits too,
// which is fine for the short transactions used here.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreConfigError, StoreUnavailableError } from './errors.js';
import { SQLITE_SCHEMA, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';
import { frontierEntry, leasedUrl, robotsEntry, storedPage } from './rows.js';
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

export interface SqliteStoreOptions extends StoreOptions {
  /** Database file; its directory is created. */
  path: string;
  /** How long to wait for another process's write lock before giving up. Default 30 000 ms. */
  busyTimeoutMs?: number;
}

/** Rows handed out per page while walking candidate domains in domainsFree mode. */
const DOMAIN_PAGE = 64;

interface FrontierRow {
  url: string;
  domain: string;
  depth: number;
  discovered_from: string | null;
  state: UrlState;
  due_at: number;
  lease_owner: string | null;
  attempts: number;
  postponements: number;
  detail: string | null;
  added_at: number;
}

interface LeasedRow {
  url: string;
  domain: string;
  depth: number;
  discovered_from: string | null;
  attempts: number;
  due_at: number;
}

interface LeaseChangeRow {
  domain: string;
  lease_domain: number;
}

interface PageRow {
  url: string;
  final_url: string;
  status: number;
  content_type: string;
  html: string;
  fetched_at: number;
  fetch_ms: number;
  fetched_by: string;
}

const LEASED_COLUMNS = 'url, domain, depth, discovered_from, attempts, due_at';

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (code?.startsWith('SQLITE_BUSY_') ?? false);
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/** Builds every statement once per connection (better-sqlite3 statements are prepared and reused). */
function prepareStatements(db: Database.Database, faults: ReadonlySet<string>) {
  // The unindexed-frontier fault: NOT INDEXED forbids every index on frontier, so the lease query reads the whole
  // table and sorts it, on every call; that work grows with the frontier.
  const frontierScan = faults.has('unindexed-frontier') ? 'frontier NOT INDEXED' : 'frontier';
  // The dedup-scan fault: "was this URL crawled?" is asked of pages without its unique index: a full table scan.
  const pagesScan = faults.has('dedup-scan') ? 'pages NOT INDEXED' : 'pages';
  return {
    insertUrl: db.prepare(
      `INSERT INTO frontier (url, domain, depth, discovered_from, state, due_at, added_at)
       VALUES (@url, @domain, @depth, @discoveredFrom, 'pending', @dueAt, @now) ON CONFLICT (url) DO NOTHING`,
    ),
    markDomainHasWork: db.prepare(
      `INSERT INTO domains (domain, has_work) VALUES (?, 1) ON CONFLICT (domain) DO UPDATE SET has_work = 1
       WHERE has_work = 0`,
    ),
    pageSeen: db.prepare(`SELECT 1 FROM ${pagesScan} WHERE url = ? LIMIT 1`),
    reclaimExpired: db.prepare(`UPDATE frontier SET state = 'pending' WHERE state = 'leased' AND due_at <= ?`),
    // The frontier query. It runs outside the write transaction (a WAL reader blocks nobody); the lease itself is the
    // conditional update below, so a slow query slows the dispatcher and not every process waiting for the lock.
    dueCandidates: db.prepare(
      `SELECT id FROM ${frontierScan} WHERE state = 'pending' AND due_at <= @now ORDER BY due_at, id LIMIT @limit`,
    ),
    // Frontier (key) order from a cursor, for the politeness-blind dispatcher: walks the unique URL index from the
    // cursor and skips rows that are not pending and due; each row is passed once per sweep of the frontier.
    dueCandidatesInUrlOrder: db.prepare(
      `SELECT id, url FROM ${faults.has('unindexed-frontier') ? 'frontier NOT INDEXED' : 'frontier INDEXED BY frontier_url'}
       WHERE url > @after AND state = 'pending' AND due_at <= @now ORDER BY url LIMIT @limit`,
    ),
    // Leases one candidate if it is still due and pending (another leaser may have taken it since it was read).
    leaseIfDue: db.prepare(
      `UPDATE frontier SET state = 'leased', due_at = @expires, lease_owner = @owner, lease_domain = @leaseDomain,
         attempts = attempts + 1
       WHERE id = @id AND state = 'pending' AND due_at <= @now RETURNING ${LEASED_COLUMNS}`,
    ),
    freeDomains: db.prepare(
      `SELECT domain, free_at FROM domains
       WHERE has_work = 1 AND free_at <= @now AND busy_until <= @now AND (free_at, domain) > (@afterFree, @afterDomain)
       ORDER BY free_at, domain LIMIT ${DOMAIN_PAGE}`,
    ),
    oldestDueOfDomain: db.prepare(
      `SELECT id FROM ${frontierScan} WHERE domain = @domain AND state = 'pending' AND due_at <= @now
       ORDER BY due_at, id LIMIT 1`,
    ),
    markDomainBusyIfFree: db.prepare(
      `UPDATE domains SET busy_until = @until WHERE domain = @domain AND busy_until <= @now AND free_at <= @now`,
    ),
    extendDomainBusy: db.prepare(`UPDATE domains SET busy_until = max(busy_until, @until) WHERE domain = @domain`),
    clearDomainBusy: db.prepare(`UPDATE domains SET busy_until = 0 WHERE domain = ?`),
    domainHasOpenUrl: db.prepare(
      `SELECT 1 FROM frontier WHERE domain = ? AND state IN ('pending', 'leased') LIMIT 1`,
    ),
    markDomainIdle: db.prepare(`UPDATE domains SET has_work = 0 WHERE domain = ?`),
    renew: db.prepare(
      `UPDATE frontier SET due_at = @until WHERE url = @url AND state = 'leased' AND lease_owner = @owner
       RETURNING domain, lease_domain`,
    ),
    postpone: db.prepare(
      `UPDATE frontier SET state = 'pending', due_at = @notBefore, attempts = max(attempts - 1, 0),
         postponements = postponements + 1
       WHERE url = @url AND state = 'leased' AND lease_owner = @owner RETURNING domain, lease_domain`,
    ),
    retry: db.prepare(
      `UPDATE frontier SET state = 'pending', due_at = @notBefore, detail = @reason
       WHERE url = @url AND state = 'leased' AND lease_owner = @owner RETURNING domain, lease_domain`,
    ),
    finish: db.prepare(
      `UPDATE frontier SET state = @state, due_at = @now, detail = @detail
       WHERE url = @url AND state IN ('pending', 'leased') AND lease_owner = @owner RETURNING domain, lease_domain`,
    ),
    release: db.prepare(
      `UPDATE frontier SET state = 'pending', due_at = @now, attempts = max(attempts - 1, 0)
       WHERE state = 'leased' AND lease_owner = @owner RETURNING domain, lease_domain`,
    ),
    savePage: db.prepare(
      `INSERT INTO pages (url, domain, final_url, status, content_type, fetched_at, fetch_ms, fetched_by, html)
       VALUES (@url, coalesce((SELECT domain FROM frontier WHERE url = @url), @host), @finalUrl, @status,
               @contentType, @fetchedAt, @fetchMs, @fetchedBy, @html)
       ON CONFLICT (url) DO NOTHING`,
    ),
    getPage: db.prepare(
      `SELECT url, final_url, status, content_type, html, fetched_at, fetch_ms, fetched_by FROM pages WHERE url = ?`,
    ),
    hasUrl: db.prepare(`SELECT 1 FROM frontier WHERE url = ?`),
    getUrl: db.prepare(
      `SELECT url, domain, depth, discovered_from, state, due_at, lease_owner, attempts, postponements, detail, added_at
       FROM frontier WHERE url = ?`,
    ),
    getRobots: db.prepare(
      `SELECT domain, status, body, fetched_at, expires_at FROM robots WHERE domain = ? AND expires_at > ?`,
    ),
    putRobots: db.prepare(
      `INSERT INTO robots (domain, status, body, fetched_at, expires_at)
       VALUES (@domain, @status, @body, @fetchedAt, @expiresAt)
       ON CONFLICT (domain) DO UPDATE SET status = excluded.status, body = excluded.body,
         fetched_at = excluded.fetched_at, expires_at = excluded.expires_at`,
    ),
    // One statement is the whole claim: the row is only written when the domain is free, and SQLite runs each
    // statement under the write lock, so two racers cannot both see it free.
    claimDomain: db.prepare(
      `INSERT INTO domains (domain, free_at) VALUES (@domain, @freeAt)
       ON CONFLICT (domain) DO UPDATE SET free_at = excluded.free_at WHERE domains.free_at <= @now`,
    ),
    domainFreeAt: db.prepare(`SELECT free_at FROM domains WHERE domain = ?`),
    countState: db.prepare(`SELECT count(*) AS n FROM frontier WHERE state = ?`),
    countReady: db.prepare(`SELECT count(*) AS n FROM frontier WHERE state = 'pending' AND due_at <= ?`),
    nextDue: db.prepare(`SELECT min(due_at) AS t FROM frontier WHERE state = 'pending' AND due_at > ?`),
    statsByDomainState: db.prepare(
      `SELECT domain, state, count(*) AS n, sum(postponements) AS p,
         sum(state = 'pending' AND detail IS NOT NULL) AS r
       FROM frontier GROUP BY domain, state`,
    ),
    pagesByDomain: db.prepare(`SELECT domain, count(*) AS n FROM pages GROUP BY domain`),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class SqliteStore implements CrawlStore {
  readonly location: string;
  private readonly options: SqliteStoreOptions;
  private readonly faults: ReadonlySet<string>;
  private db: Database.Database | undefined;
  private stmts: Statements | undefined;
  /** Last URL handed out in frontier (URL) order; the next `frontierOrder: 'url'` lease resumes after it. */
  private urlCursor = '';

  constructor(options: SqliteStoreOptions) {
    this.options = options;
    this.location = resolve(options.path);
    this.faults = new Set(options.faults ?? []);
  }

  async init(): Promise<void> {
    if (this.db) return;
    try {
      mkdirSync(dirname(this.location), { recursive: true });
      const db = new Database(this.location, { timeout: this.options.busyTimeoutMs ?? 30_000 });
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a killed process loses nothing committed; only a power cut can lose the last commits.
      db.pragma('synchronous = NORMAL');
      db.transaction(() => {
        db.exec(SQLITE_SCHEMA);
        db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
      }).immediate();
      this.db = db;
      this.stmts = prepareStatements(db, this.faults);
    } catch (err) {
      if (isBusy(err)) throw new StoreUnavailableError(this.location, 'init', this.options.busyTimeoutMs ?? 30_000, err);
      const why = err instanceof Error ? err.message : String(err);
      throw new StoreConfigError(
        `cannot open the SQLite crawl store ${this.location} (${why}); pass --sqlite with a writable file path`,
      );
    }
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
    this.stmts = undefined;
  }

  /** Runs `fn` with the statements; maps a lock held past busy_timeout to StoreUnavailableError. */
  private run<T>(operation: string, fn: (s: Statements, db: Database.Database) => T): T {
    if (!this.db || !this.stmts) throw new Error(`SqliteStore.${operation} called before init() or after close()`);
    try {
      return fn(this.stmts, this.db);
    } catch (err) {
      if (isBusy(err)) throw new StoreUnavailableError(this.location, operation, this.options.busyTimeoutMs ?? 30_000, err);
      throw err;
    }
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction (write lock taken before the first read). */
  private write<T>(operation: string, fn: (s: Statements) => T): T {
    return this.run(operation, (s, db) => db.transaction(() => fn(s)).immediate());
  }

  async addUrls(urls: NewUrl[], now: number): Promise<number> {
    // The dedup-scan fault's page scans run before the write transaction, as reads, so they slow the process that
    // adds links (the worker) rather than every process waiting for the write lock.
    const fresh = this.faults.has('dedup-scan')
      ? this.run('addUrls (seen check)', (s) => urls.filter((u) => s.pageSeen.get(u.url) === undefined))
      : urls;
    if (fresh.length === 0) return 0;
    return this.write('addUrls', (s) => {
      let added = 0;
      const domainsWithNewUrls = new Set<string>();
      for (const u of fresh) {
        const res = s.insertUrl.run({
          url: u.url,
          domain: u.domain,
          depth: u.depth,
          discoveredFrom: u.discoveredFrom ?? null,
          dueAt: u.notBefore ?? now,
          now,
        });
        if (res.changes > 0) {
          added++;
          domainsWithNewUrls.add(u.domain);
        }
      }
      for (const d of domainsWithNewUrls) s.markDomainHasWork.run(d);
      return added;
    });
  }

  async leaseUrls(req: LeaseRequest): Promise<LeasedUrl[]> {
    if (req.limit <= 0) return [];
    const expires = req.now + req.leaseMs;
    const inUrlOrder = !req.domainsFree && req.frontierOrder === 'url';
    const rows = req.domainsFree ? this.leaseDomainsFree(req, expires) : this.leaseAny(req, expires, inUrlOrder);
    if (!inUrlOrder) rows.sort((a, b) => a.due_at - b.due_at);
    return rows.map((r) => leasedUrl({ ...r, discoveredFrom: r.discovered_from }, req.owner, expires, r.attempts));
  }

  /**
   * Read due candidates (no lock), then lease those still due in a short write transaction; a few rounds.
   * Candidates come oldest due first, or in frontier (URL) order from the cursor when `inUrlOrder`.
   */
  private leaseAny(req: LeaseRequest, expires: number, inUrlOrder = false): LeasedRow[] {
    const leased: LeasedRow[] = [];
    for (let round = 0; round < 4 && leased.length < req.limit; round++) {
      const want = req.limit - leased.length;
      // Twice as many as wanted, so a leaser racing another one still finds enough.
      const candidates = this.run('leaseUrls (frontier query)', (s) =>
        inUrlOrder ? this.urlOrderCandidates(s, req.now, want * 2) : (s.dueCandidates.all({ now: req.now, limit: want * 2 }) as { id: number }[]).map((c) => c.id),
      );
      const reclaimed = this.write('leaseUrls', (s) => {
        const n = s.reclaimExpired.run(req.now).changes;
        for (const id of candidates) {
          if (leased.length >= req.limit) break;
          const row = s.leaseIfDue.get({ id, expires, owner: req.owner, now: req.now, leaseDomain: 0 }) as LeasedRow | undefined;
          if (row) leased.push(row);
        }
        return n;
      });
      if (inUrlOrder && leased.length > 0) this.urlCursor = leased[leased.length - 1]!.url;
      // Fewer due URLs than asked for and none came back from expired leases: there are no more to find now.
      if (reclaimed === 0 && candidates.length < want * 2) break;
    }
    return leased;
  }

  /** Up to `limit` due URLs in URL order after the cursor, wrapping around to the start of the frontier. */
  private urlOrderCandidates(s: Statements, now: number, limit: number): number[] {
    const rows = s.dueCandidatesInUrlOrder.all({ after: this.urlCursor, now, limit }) as { id: number; url: string }[];
    if (rows.length < limit && this.urlCursor !== '') {
      const wrapped = s.dueCandidatesInUrlOrder.all({ after: '', now, limit: limit - rows.length }) as { id: number; url: string }[];
      const seen = new Set(rows.map((r) => r.id));
      for (const r of wrapped) if (!seen.has(r.id)) rows.push(r);
    }
    return rows.map((r) => r.id);
  }

  /**
   * Walks the free domains (least recently claimed first) and picks each one's oldest due URL, all as reads; then,
   * in a short write transaction per page of domains, marks each domain busy if it is still free and leases the URL
   * if it is still due.
   */
  private leaseDomainsFree(req: LeaseRequest, expires: number): LeasedRow[] {
    const leased: LeasedRow[] = [];
    this.write('leaseUrls (expired leases)', (s) => s.reclaimExpired.run(req.now));
    let afterFree = -1;
    let afterDomain = '';
    while (leased.length < req.limit) {
      const { examined, picks, idle } = this.run('leaseUrls (free domains)', (s) => {
        const page = s.freeDomains.all({ now: req.now, afterFree, afterDomain }) as { domain: string; free_at: number }[];
        const examined: { domain: string; free_at: number }[] = [];
        const picks: { domain: string; id: number }[] = [];
        const idle: string[] = [];
        for (const d of page) {
          if (picks.length >= req.limit - leased.length) break;
          examined.push(d);
          const due = s.oldestDueOfDomain.get({ domain: d.domain, now: req.now }) as { id: number } | undefined;
          if (due) picks.push({ domain: d.domain, id: due.id });
          else idle.push(d.domain);
        }
        return { examined, picks, idle };
      });
      if (examined.length === 0) break;
      this.write('leaseUrls', (s) => {
        for (const { domain, id } of picks) {
          if (s.markDomainBusyIfFree.run({ until: expires, domain, now: req.now }).changes === 0) continue;
          const row = s.leaseIfDue.get({ id, expires, owner: req.owner, now: req.now, leaseDomain: 1 }) as LeasedRow | undefined;
          if (row) leased.push(row);
          else s.clearDomainBusy.run(domain);
        }
        // Nothing pending or leased: skip the domain in later calls until addUrls gives it work again.
        for (const domain of idle) if (!s.domainHasOpenUrl.get(domain)) s.markDomainIdle.run(domain);
      });
      // The next page starts after the last domain looked at (one that lost a race is looked at again next call).
      const last = examined[examined.length - 1]!;
      afterFree = last.free_at;
      afterDomain = last.domain;
    }
    return leased;
  }

  /** Clears the busy mark of domains whose domainsFree lease ended. */
  private freeDomainsOf(s: Statements, changed: LeaseChangeRow[]): void {
    for (const r of changed) if (r.lease_domain === 1) s.clearDomainBusy.run(r.domain);
  }

  async renewLeases(owner: string, urls: string[], until: number): Promise<number> {
    if (urls.length === 0) return 0;
    return this.write('renewLeases', (s) => {
      let n = 0;
      for (const url of urls) {
        for (const r of s.renew.all({ url, owner, until }) as LeaseChangeRow[]) {
          n++;
          if (r.lease_domain === 1) s.extendDomainBusy.run({ until, domain: r.domain });
        }
      }
      return n;
    });
  }

  async postponeUrl(url: string, owner: string, notBefore: number): Promise<boolean> {
    return this.write('postponeUrl', (s) => {
      const changed = s.postpone.all({ url, owner, notBefore }) as LeaseChangeRow[];
      this.freeDomainsOf(s, changed);
      return changed.length > 0;
    });
  }

  async retryUrl(url: string, owner: string, notBefore: number, reason: string): Promise<boolean> {
    return this.write('retryUrl', (s) => {
      const changed = s.retry.all({ url, owner, notBefore, reason }) as LeaseChangeRow[];
      this.freeDomainsOf(s, changed);
      return changed.length > 0;
    });
  }

  async finishUrl(url: string, owner: string, state: 'done' | 'failed' | 'ignored', detail?: string): Promise<boolean> {
    return this.write('finishUrl', (s) => {
      const changed = s.finish.all({ url, owner, state, detail: detail ?? null, now: Date.now() }) as LeaseChangeRow[];
      this.freeDomainsOf(s, changed);
      return changed.length > 0;
    });
  }

  async releaseLeases(owner: string, now: number = Date.now()): Promise<number> {
    return this.write('releaseLeases', (s) => {
      const changed = s.release.all({ owner, now }) as LeaseChangeRow[];
      this.freeDomainsOf(s, changed);
      return changed.length;
    });
  }

  async savePage(page: StoredPage): Promise<boolean> {
    return this.run('savePage', (s) => {
      const res = s.savePage.run({ ...page, host: hostOf(page.url) });
      return res.changes > 0;
    });
  }

  async getPage(url: string): Promise<StoredPage | undefined> {
    const r = this.run('getPage', (s) => s.getPage.get(url) as PageRow | undefined);
    if (!r) return undefined;
    return storedPage({
      url: r.url,
      finalUrl: r.final_url,
      status: r.status,
      contentType: r.content_type,
      html: r.html,
      fetchedAt: r.fetched_at,
      fetchMs: r.fetch_ms,
      fetchedBy: r.fetched_by,
    });
  }

  async hasUrl(url: string): Promise<boolean> {
    return this.run('hasUrl', (s) => s.hasUrl.get(url) !== undefined);
  }

  async getUrl(url: string): Promise<FrontierEntry | undefined> {
    const r = this.run('getUrl', (s) => s.getUrl.get(url) as FrontierRow | undefined);
    if (!r) return undefined;
    return frontierEntry({
      url: r.url,
      domain: r.domain,
      depth: r.depth,
      discoveredFrom: r.discovered_from,
      state: r.state,
      dueAt: r.due_at,
      leaseOwner: r.lease_owner,
      attempts: r.attempts,
      postponements: r.postponements,
      detail: r.detail,
      addedAt: r.added_at,
    });
  }

  async getRobots(domain: string, now: number = Date.now()): Promise<RobotsEntry | undefined> {
    const r = this.run('getRobots', (s) => s.getRobots.get(domain, now)) as
      | { domain: string; status: number; body: string; fetched_at: number; expires_at: number }
      | undefined;
    if (!r) return undefined;
    return robotsEntry({ domain: r.domain, status: r.status, body: r.body, fetchedAt: r.fetched_at, expiresAt: r.expires_at });
  }

  async putRobots(entry: RobotsEntry): Promise<void> {
    this.run('putRobots', (s) => s.putRobots.run(entry));
  }

  /** One conditional upsert: the slot hint of LeasedUrl.domainSlot would save nothing here and is not taken. */
  async claimDomain(domain: string, now: number, delayMs: number): Promise<DomainClaim> {
    return this.write('claimDomain', (s) => {
      const res = s.claimDomain.run({ domain, now, freeAt: now + delayMs });
      if (res.changes > 0) return { granted: true } as const;
      const row = s.domainFreeAt.get(domain) as { free_at: number };
      return { granted: false, notBefore: row.free_at } as const;
    });
  }

  async frontierSummary(now: number): Promise<FrontierSummary> {
    return this.run('frontierSummary', (s, db) =>
      db.transaction(() => {
        const pending = (s.countState.get('pending') as { n: number }).n;
        const leased = (s.countState.get('leased') as { n: number }).n;
        const ready = (s.countReady.get(now) as { n: number }).n;
        const next = (s.nextDue.get(now) as { t: number | null }).t;
        return { pending, ready, leased, ...(next !== null ? { nextDueAt: next } : {}) };
      })(),
    );
  }

  async stats(): Promise<CrawlStats> {
    return this.run('stats', (s, db) =>
      db.transaction(() => {
        const states = s.statsByDomainState.all() as { domain: string; state: UrlState; n: number; p: number; r: number }[];
        const pages = s.pagesByDomain.all() as { domain: string; n: number }[];
        return crawlStats(
          states.map((r) => ({ domain: r.domain, state: r.state, urls: r.n, postponements: r.p, retrying: r.r })),
          pages.map((r) => ({ domain: r.domain, pages: r.n })),
        );
      })(),
    );
  }

  /**
   * SQLite's plan for the store's own hot queries (EXPLAIN QUERY PLAN detail lines), so tests and the docs can show
   * what a fault switch changes: "SEARCH … USING INDEX" when healthy, "SCAN …" under a fault.
   */
  queryPlans(): { leaseAny: string[]; leaseOneDomain: string[]; seenCheck: string[] } {
    return this.run('queryPlans', (s, db) => {
      const plan = (stmt: Database.Statement, params: unknown): string[] => {
        const sql = `EXPLAIN QUERY PLAN ${stmt.source}`;
        return (db.prepare(sql).all(params as object) as { detail: string }[]).map((r) => r.detail);
      };
      return {
        leaseAny: plan(s.dueCandidates, { now: 0, limit: 1 }),
        leaseOneDomain: plan(s.oldestDueOfDomain, { domain: '', now: 0 }),
        seenCheck: (db.prepare(`EXPLAIN QUERY PLAN ${s.pageSeen.source}`).all('') as { detail: string }[]).map(
          (r) => r.detail,
        ),
      };
    });
  }
}
