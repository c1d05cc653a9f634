// The MongoStore's per-domain documents on the politeness server (politeness slot, busy mark of domainsFree
// dispatch): made once per new domain, upserted, and, in the leasing process, read whole into a copy that answers
// "which domains are free?" between reads.
import type { Document, UpdateFilter } from 'mongodb';
import { defaultDomain, duplicateIndexes, isDuplicateKey, type DomainDoc } from './mongo-docs.js';
import type { MongoConnection } from './mongo-connection.js';

/**
 * A leasing process reads every domain document (politeness slots and busy marks) at most this often and answers
 * domainsFree calls in between from that copy plus its own writes. Other processes' writes (a worker claiming a
 * slot, clearing a busy mark) reach it with the next read: a domain may look free a little too long (its URL is then
 * postponed by the worker's claimDomain, never fetched early) or busy a little too long. Claims keep leases exact.
 * Why: on FerretDB every domains query reads the whole collection, and leasing calls come with every finished page.
 */
export const DOMAIN_READ_MS = 250;
/** When the copy has no usable free domain, it is read again once it is at least this old. */
const DOMAIN_REREAD_WHEN_NONE_MS = 25;

export class DomainCache {
  /** Leasing processes: every domain document as last read, with this process's own writes applied since. */
  private domainCopy: { docs: Map<string, DomainDoc>; readAt: number } | undefined;
  private domainRead: Promise<Map<string, DomainDoc>> | undefined;
  /** Domains this process made sure have a document (addUrls creates one per new domain, once per process). */
  private readonly knownDomains = new Set<string>();

  constructor(private readonly conn: MongoConnection) {}

  /** The leasing process's copy of a domain's document, if it has read them. */
  copyOf(domain: string): DomainDoc | undefined {
    return this.domainCopy?.docs.get(domain);
  }

  /**
   * Makes sure every domain has its document, so that leasing (which reads the domain documents) knows it. Once per
   * domain per process: a domain document is never deleted, so after the first pages this sends nothing.
   */
  async ensureDomains(domains: string[]): Promise<void> {
    const fresh = [...new Set(domains)].filter((d) => !this.knownDomains.has(d));
    if (fresh.length === 0) return;
    await this.conn.op(
      'addUrls (domains)',
      async () => {
        try {
          await this.conn.domains.bulkWrite(
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
  async upsertDomain(operation: string, domain: string, update: UpdateFilter<DomainDoc>): Promise<void> {
    const defaults: Partial<DomainDoc> = defaultDomain();
    const touched = new Set(
      Object.values(update as Record<string, Document>).flatMap((fields) => Object.keys(fields)),
    );
    const setOnInsert = Object.fromEntries(Object.entries(defaults).filter(([k]) => !touched.has(k)));
    await this.conn.op(
      operation,
      async () => {
        try {
          await this.conn.domains.updateOne({ _id: domain }, { ...update, $setOnInsert: setOnInsert }, { upsert: true });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          await this.conn.domains.updateOne({ _id: domain }, update);
        }
      },
      true,
    );
  }

  /**
   * Every domain document, from this process's copy when it is younger than `maxAgeMs` (DOMAIN_READ_MS), else read
   * again (one read at a time). The copy also carries this process's own writes since the read (noteDomain).
   */
  docs(maxAgeMs = DOMAIN_READ_MS): Promise<Map<string, DomainDoc>> {
    const copy = this.domainCopy;
    if (copy && Date.now() - copy.readAt < maxAgeMs) return Promise.resolve(copy.docs);
    this.domainRead ??= (async () => {
      const readAt = Date.now();
      const docs = await this.conn.op('leaseUrls (domains)', () => this.conn.domains.find({}).toArray(), true);
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
  note(domain: string, change: Partial<Omit<DomainDoc, '_id'>>): void {
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
  async findFree(now: number, candidates?: string[]): Promise<DomainDoc[]> {
    const pick = (docs: Map<string, DomainDoc>): DomainDoc[] => {
      const all = candidates ? candidates.map((c) => docs.get(c) ?? { _id: c, ...defaultDomain() }) : [...docs.values()];
      return all
        .filter((d) => d.freeAt <= now && d.busyUntil <= now)
        .sort((a, b) => a.freeAt - b.freeAt || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    };
    const free = pick(await this.docs());
    // Nothing free in a copy that is not brand new: a worker may have freed a domain since it was read.
    return free.length > 0 ? free : pick(await this.docs(DOMAIN_REREAD_WHEN_NONE_MS));
  }
}
