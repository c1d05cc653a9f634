// MongoDB-bound, crawler-shaped work for the agent's wait-tracking overhead on the official driver: as many
// operations as it can against a MongoDB server (FerretDB in the bench), each a frontier read (a batch of 20 small
// documents by _id range, read whole) and a seen-check (one document by _id), so every operation is two driver
// commands the agent records, with replies the program reads. Reads only: a write per operation would make the
// server's disk the measure. Prints one JSON line as agent-wait-workload.mjs does.
// argv: mongodb URL (with database), run time in ms, warm-up in ms.
import { MongoClient } from 'mongodb';
import { measureOps } from './wait-workload-loop.mjs';

const [mongoUrl, runMs = '4000', warmupMs = '500'] = process.argv.slice(2);
const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
const frontier = client.db().collection('frontier');
const BATCH = 20;
const DOCS = 400;

if ((await frontier.estimatedDocumentCount()) < DOCS) {
  await frontier.deleteMany({});
  await frontier.insertMany(Array.from({ length: DOCS }, (_, i) => ({ _id: i, url: `http://site-${i % 17}.test/page/${i}`, status: 'queued', depth: i % 5 })));
}

let i = 0;
async function op() {
  const from = (i * BATCH) % DOCS;
  const batch = await frontier.find({ _id: { $gte: from, $lt: from + BATCH } }).toArray();
  await frontier.findOne({ _id: batch[i % batch.length]._id });
  i++;
}

const result = await measureOps(op, runMs, warmupMs);
await client.close();
console.log(JSON.stringify(result));
