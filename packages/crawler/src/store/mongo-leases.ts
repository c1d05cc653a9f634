// The MongoStore's lease transitions: renew, postpone, retry, finish and release a URL a process holds. Where the server
// answers a filter of `_id` and the owner from the `_id` index (MongoDB, FerretDB on PostgreSQL) each is one
// findOneAndUpdate whose filter checks the owner; on FerretDB's SQLite backend, which indexes only a filter of `_id`
// alone, each reads the URL by `_id`, checks the owner and writes by `_id`. Either recognises its own earlier write
// when a dropped connection made it try again, and frees the domain's busy mark of domainsFree dispatch when the
// lease ends.
import type { UpdateFilter } from 'mongodb';
import type { MongoConnection } from './mongo-connection.js';
import { OPEN_STATES, type FrontierDoc } from './mongo-docs.js';
import type { DomainCache } from './mongo-domains.js';
import type { LogUrl } from './mongo-frontier-log.js';
import type { UrlState } from './store.js';

/** What the transitions tell the rest of the store: URLs pending again (frontier log, view), URLs finished (view). */
export interface LeaseHooks {
  announce(urls: LogUrl[]): Promise<void>;
  forget(url: string): void;
}

export class LeaseTransitions {
  constructor(
    private readonly conn: MongoConnection,
    private readonly domains: DomainCache,
    private readonly hooks: LeaseHooks,
  ) {}

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
    if (await this.conn.idWithFieldsFilterIndexed()) {
      // One command: the owner and state checked by the server's filter, the document as it was returned.
      return this.conn.op(operation, async () => {
        tries++;
        const before = await this.conn.frontier.findOneAndUpdate({ _id: url, leaseOwner: owner, state: { $in: states } }, update, { returnDocument: 'before' });
        if (before || tries === 1) return before ?? undefined;
        // The connection dropped after the server applied our update but before it answered: report what it did.
        const doc = await this.conn.frontier.findOne({ _id: url });
        return doc && doc.leaseOwner === owner && alreadyApplied(doc) ? { ...doc, state: 'leased' } : undefined;
      });
    }
    return this.conn.op(operation, async () => {
      tries++;
      const doc = await this.conn.frontier.findOne({ _id: url });
      if (!doc || doc.leaseOwner !== owner) return undefined;
      // The connection dropped after the server applied our update but before it answered: report what it did.
      if (tries > 1 && alreadyApplied(doc)) return { ...doc, state: 'leased' };
      if (!states.includes(doc.state)) return undefined;
      await this.conn.frontier.updateOne({ _id: url }, update);
      return doc;
    });
  }

  private async clearBusy(doc: FrontierDoc): Promise<void> {
    if (doc.state !== 'leased' || !doc.leaseDomain) return;
    await this.conn.op('clear domain busy', () => this.conn.domains.updateOne({ _id: doc.domain }, { $set: { busyUntil: 0 } }), true);
    this.domains.note(doc.domain, { busyUntil: 0 });
  }

  async renew(owner: string, urls: string[], until: number): Promise<number> {
    const renewed = await Promise.all(
      urls.map(async (url) => {
        const doc = await this.updateIfHeld('renewLeases', url, owner, ['leased'], { $set: { dueAt: until } }, (d) => d.state === 'leased' && d.dueAt === until);
        if (doc?.leaseDomain) {
          await this.conn.op('renewLeases (domain busy)', () => this.conn.domains.updateOne({ _id: doc.domain }, { $max: { busyUntil: until } }), true);
          const copy = this.domains.copyOf(doc.domain);
          this.domains.note(doc.domain, { busyUntil: Math.max(copy?.busyUntil ?? 0, until) });
        }
        return doc !== undefined;
      }),
    );
    return renewed.filter(Boolean).length;
  }

  /** Puts a held URL back as pending from `notBefore` (postponed, or to be retried): announced, its domain freed. */
  private async backToPending(operation: string, url: string, owner: string, notBefore: number, update: UpdateFilter<FrontierDoc>): Promise<boolean> {
    const doc = await this.updateIfHeld(operation, url, owner, ['leased'], update, (d) => d.state === 'pending' && d.dueAt === notBefore);
    if (doc) {
      await this.hooks.announce([[url, doc.domain, notBefore]]);
      await this.clearBusy(doc);
    }
    return doc !== undefined;
  }

  /** Politeness: the attempt is given back and the postponement counted. */
  postpone(url: string, owner: string, notBefore: number): Promise<boolean> {
    return this.backToPending('postponeUrl', url, owner, notBefore, { $set: { state: 'pending', dueAt: notBefore }, $inc: { attempts: -1, postponements: 1 } });
  }

  /** A transient failure: the attempt counts, the reason is kept. */
  retry(url: string, owner: string, notBefore: number, reason: string): Promise<boolean> {
    return this.backToPending('retryUrl', url, owner, notBefore, { $set: { state: 'pending', dueAt: notBefore, detail: reason } });
  }

  async finish(url: string, owner: string, state: 'done' | 'failed' | 'ignored', detail?: string): Promise<boolean> {
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
      this.hooks.forget(url);
      await this.clearBusy(doc);
    }
    return doc !== undefined;
  }

  async release(owner: string, now: number): Promise<number> {
    const held = await this.conn.op('releaseLeases', () => this.conn.frontier.find({ leaseOwner: owner, state: 'leased' }).toArray());
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
    await this.hooks.announce(back.map((d) => [d._id, d.domain, now]));
    return back.length;
  }
}
