// The MongoStore's documents and the small rules of its claim protocol that several of its modules apply (see
// mongo-store.ts's top comment for the protocol itself).
import { randomBytes } from 'node:crypto';
import { MongoServerError, type Db, type UpdateFilter } from 'mongodb';
import { isTransientMongoError } from './mongo-retry.js';
import type { FrontierEntry, StoredPage, UrlState } from './store.js';

/** A frontier entry keyed by its URL, with the lease generation its claims move on. */
export interface FrontierDoc extends Omit<FrontierEntry, 'url'> {
  _id: string;
  /** Bumped by every lease; the lease claim's _id carries the generation it moves to. */
  leaseGen: number;
  leaseDomain: boolean;
}

export interface LeaseClaimDoc {
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

/** A stored page, keyed by its URL, with its domain for the per-domain stats. */
export interface PageDoc extends StoredPage {
  _id: string;
  domain: string;
}

export interface RobotsDoc {
  _id: string;
  status: number;
  body: string;
  fetchedAt: number;
  expiresAt: number;
}

export interface DomainDoc {
  _id: string;
  /** claimDomain: next time a fetch may start. */
  freeAt: number;
  slotGen: number;
  /** A URL of this domain is out under a domainsFree lease until then. */
  busyUntil: number;
  busyGen: number;
}

export interface DomainClaimDoc {
  _id: string;
  domain: string;
  kind: 'slot' | 'busy';
  gen: number;
  /** For slot claims: the next-free time the winner sets. */
  freeAt: number;
  token: string;
  at: number;
}

export const OPEN_STATES: UrlState[] = ['pending', 'leased'];
/** A lease claim not applied to its URL after this long belongs to a process that died between the two writes. */
export const ROLL_FORWARD_AFTER_MS = 5_000;

export const DEFAULT_DB = 'crawl';
/**
 * Between the parts of a claim's _id (URL or domain, generation). A space: no normalised URL or host name holds one,
 * and unlike NUL it can be stored by every backend (PostgreSQL's jsonb refuses \u0000).
 */
export const CLAIM_SEP = ' ';

/**
 * Whether a loser of a domain claim should apply the winning claim itself: only when the claim is older than
 * ROLL_FORWARD_AFTER_MS, so its winner must have died before applying it. A live winner applies its own claim within
 * milliseconds, and a loser writing at the same moment could undo it: FerretDB 1.x runs an update as a read, then a
 * write of the whole document (msg_update.go), so two concurrent updates of one domain document can lose one of them
 * (seen on its PostgreSQL backend, which runs writers concurrently: a busy mark lost, two URLs of a domain leased).
 */
export function rollForwardDue(claim: { at: number }, now: number): boolean {
  return now - claim.at >= ROLL_FORWARD_AFTER_MS;
}

export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}

/** The indexes an unordered insertMany failed on because of duplicate keys; rethrows any other error. */
export function duplicateIndexes(err: unknown): Set<number> {
  if (isTransientMongoError(err)) throw err;
  const writeErrors = (err as { writeErrors?: { index: number; code?: number }[] | { index: number; code?: number } }).writeErrors;
  const list = writeErrors === undefined ? [] : Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  if (list.length === 0 || list.some((w) => w.code !== 11000)) throw err;
  return new Set(list.map((w) => w.index));
}

/** Whether the server is FerretDB (its buildInfo carries `ferretdbVersion`) rather than MongoDB. */
export async function isFerretDb(db: Db): Promise<boolean> {
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
export function defaultDomain(): Omit<DomainDoc, '_id'> {
  return { freeAt: 0, slotGen: 0, busyUntil: 0, busyGen: 0 };
}

export function newToken(): string {
  return randomBytes(9).toString('base64url');
}

/** The write that makes a lease claim real; applying it twice changes nothing. */
export function leaseUpdate(c: LeaseClaimDoc): UpdateFilter<FrontierDoc> {
  return {
    $set: { state: 'leased', dueAt: c.expires, leaseOwner: c.owner, leaseDomain: c.leaseDomain, attempts: c.attempts },
    $max: { leaseGen: c.gen },
  };
}
