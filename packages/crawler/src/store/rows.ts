// Rows to the store's result types, shared by SqliteStore and MongoStore: which fields a result carries, and that an
// optional one is left out when the store holds none (SQLite NULL, a missing document field).
import type { FrontierEntry, LeasedUrl, RobotsEntry, StoredPage, UrlState } from './store.js';

type Maybe<T> = T | null | undefined;

/** `{ [key]: value }` when there is a value, else `{}`: spread into a result to leave an absent field out. */
function present<K extends string, V>(key: K, value: Maybe<V>): Partial<Record<K, V>> {
  return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

export interface FrontierRow {
  url: string;
  domain: string;
  depth: number;
  discoveredFrom?: Maybe<string>;
  state: UrlState;
  dueAt: number;
  leaseOwner?: Maybe<string>;
  attempts: number;
  postponements: number;
  detail?: Maybe<string>;
  addedAt: number;
}

export function frontierEntry(r: FrontierRow): FrontierEntry {
  return {
    url: r.url,
    domain: r.domain,
    depth: r.depth,
    ...present('discoveredFrom', r.discoveredFrom),
    state: r.state,
    dueAt: r.dueAt,
    ...present('leaseOwner', r.leaseOwner),
    attempts: r.attempts,
    postponements: r.postponements,
    ...present('detail', r.detail),
    addedAt: r.addedAt,
  };
}

/** A URL just leased to `owner` until `expires`, its attempts counting this lease. */
export function leasedUrl(
  r: { url: string; domain: string; depth: number; discoveredFrom?: Maybe<string> },
  owner: string,
  expires: number,
  attempts: number,
): LeasedUrl {
  return {
    url: r.url,
    domain: r.domain,
    depth: r.depth,
    ...present('discoveredFrom', r.discoveredFrom),
    leaseOwner: owner,
    leaseExpiresAt: expires,
    attempts,
  };
}

/** The page's own fields (a store row carries more: its id, its domain). */
export function storedPage(r: StoredPage): StoredPage {
  return {
    url: r.url,
    finalUrl: r.finalUrl,
    status: r.status,
    contentType: r.contentType,
    html: r.html,
    fetchedAt: r.fetchedAt,
    fetchMs: r.fetchMs,
    fetchedBy: r.fetchedBy,
  };
}

export function robotsEntry(r: RobotsEntry): RobotsEntry {
  return { domain: r.domain, status: r.status, body: r.body, fetchedAt: r.fetchedAt, expiresAt: r.expiresAt };
}
