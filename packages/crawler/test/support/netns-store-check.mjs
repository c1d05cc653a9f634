// Reads a crawl's MongoDB store from a test host (a network namespace) for the multi-host crawl test, which cannot
// reach the test network from its own process. Arguments: content URI, politeness URI. Reads the expected URLs as a
// JSON array on stdin; prints one JSON line: the store's stats, the expected URLs without a page, and the failed URLs
// with their reasons (read from the frontier collection directly: the store has no listing of them).
import { MongoClient } from 'mongodb';
import { MongoStore } from '../../dist/store/mongo-store.js';

const [uri, politenessUri] = process.argv.slice(2);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const expected = new Set(JSON.parse(input));
const store = new MongoStore({ uri, politenessUri: politenessUri ?? uri, retry: { retryForMs: 10_000 } });
await store.init();
try {
  const missing = [];
  for (const url of expected) if (!(await store.getPage(url))) missing.push(url);
  const stats = await store.stats();
  const client = new MongoClient(uri);
  const failed = await client.db().collection('frontier').find({ state: 'failed' }, { projection: { detail: 1 } }).toArray();
  await client.close();
  process.stdout.write(`${JSON.stringify({ stats, missing, failed: failed.map((d) => ({ url: d._id, detail: d.detail })) })}\n`);
} finally {
  await store.close();
}
