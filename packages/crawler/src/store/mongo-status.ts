// The MongoStore's status queries: the dispatcher's frontier summary, the per-domain table of `crawl status`, and the
// server's plans for the hot queries.
import type { Document } from 'mongodb';
import { OPEN_STATES } from './mongo-docs.js';
import type { MongoConnection } from './mongo-connection.js';
import { crawlStats } from './stats.js';
import type { CrawlStats, FrontierSummary, UrlState } from './store.js';

export async function frontierSummary(conn: MongoConnection, now: number): Promise<FrontierSummary> {
  const [pending, ready, leased, next] = await Promise.all([
    conn.op('frontierSummary', () => conn.frontier.countDocuments({ state: 'pending' })),
    conn.op('frontierSummary', () => conn.frontier.countDocuments({ state: 'pending', dueAt: { $lte: now } })),
    conn.op('frontierSummary', () => conn.frontier.countDocuments({ state: 'leased' })),
    conn.op('frontierSummary', () =>
      conn.frontier.find({ state: 'pending', dueAt: { $gt: now } }, { sort: { dueAt: 1 }, limit: 1, projection: { dueAt: 1 } }).toArray(),
    ),
  ]);
  return { pending, ready, leased, ...(next[0] ? { nextDueAt: next[0].dueAt } : {}) };
}

export async function stats(conn: MongoConnection): Promise<CrawlStats> {
  // Grouped by postponement count too and summed here: FerretDB 1.24's $group gives 0 for {$sum: '$field'}.
  const [byState, byPages, retrying] = await Promise.all([
    conn.op('stats', () =>
      conn.frontier
        .aggregate<{ _id: { domain: string; state: UrlState; p: number }; n: number }>([
          { $group: { _id: { domain: '$domain', state: '$state', p: '$postponements' }, n: { $sum: 1 } } },
        ])
        .toArray(),
    ),
    conn.op('stats', () =>
      conn.pages.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$domain', n: { $sum: 1 } } }]).toArray(),
    ),
    conn.op('stats', () =>
      conn.frontier
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
export async function explainQueries(conn: MongoConnection, faults: ReadonlySet<string>, now: number): Promise<{ lease: Document; seenCheck: Document }> {
  const hint = (fault: string) => (faults.has(fault) ? { hint: { $natural: 1 } } : {});
  const lease = await conn.frontier
    .find({ state: { $in: OPEN_STATES }, dueAt: { $lte: now } }, { sort: { dueAt: 1, _id: 1 }, limit: 10, ...hint('unindexed-frontier') })
    .explain('executionStats');
  const seenCheck = faults.has('dedup-scan')
    ? await conn.pages.find({ url: 'http://explain.invalid/' }, { ...hint('dedup-scan'), limit: 1 }).explain('executionStats')
    : await conn.frontier.find({ _id: 'http://explain.invalid/' }, { limit: 1 }).explain('executionStats');
  return { lease, seenCheck };
}
