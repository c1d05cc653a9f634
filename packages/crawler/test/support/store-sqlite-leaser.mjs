// Child process for the SQLite race test: opens the shared store file from the BUILT store (dist/, so the test needs
// `npm run build` first, as CI does), waits for the start signal, leases until the frontier is empty and prints
// every URL it got as one JSON line. Plain JavaScript because Node 20 cannot run TypeScript in a child process.
import { SqliteStore } from '../../dist/store/sqlite-store.js';

const [path, owner, startAtArg, domainsFreeArg] = process.argv.slice(2);
const startAt = Number(startAtArg);
const domainsFree = domainsFreeArg === 'domains-free';
const store = new SqliteStore({ path });
await store.init();
// Everyone starts at the same wall-clock moment so the leasers really overlap.
while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 1));
const got = [];
for (;;) {
  const batch = await store.leaseUrls({ owner, limit: 2, leaseMs: 600_000, now: 1_700_000_000_000, domainsFree });
  if (batch.length === 0) break;
  for (const l of batch) got.push(l.url);
}
await store.close();
process.stdout.write(JSON.stringify(got) + '\n');
