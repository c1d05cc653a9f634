// CPU and wall time per page of the crawling building blocks alone (fetch + link extraction + normalisation),
// crawling the simulated web with no latency and N fetches in flight, in one process, no store, no robots:
//   node packages/crawler/scripts/blocks-cost.mjs [CONCURRENCY=16] [SITES=50]
// (after `npx tsc -b packages/crawler packages/simweb`). A floor for what the full worker can reach per process.
import { startSimWeb } from '../../simweb/dist/index.js';
import { createFetcher, extractLinks, NetworkPolicy, parseResolveRule } from '../dist/crawling.js';

const concurrency = Number(process.argv[2] ?? 16);
const sites = Number(process.argv[3] ?? 50);
const noLatency = { fixedMs: 0, jitterMs: 0 };
const web = await startSimWeb({ sites, maxPagesPerSite: 2000, latency: { large: noLatency, small: noLatency } });
const fetcher = createFetcher({ policy: new NetworkPolicy({ resolve: [parseResolveRule(web.resolveRule)] }) });

const seen = new Set(web.seeds);
const queue = [...web.seeds];
let pages = 0;
let bytes = 0;
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
async function worker() {
  while (queue.length > 0) {
    const url = queue.shift();
    const out = await fetcher.fetchPage(url);
    if (out.kind !== 'page') continue;
    pages++;
    bytes += out.bytes;
    for (const link of extractLinks(out.html, out.finalUrl).links) {
      if (!seen.has(link)) {
        seen.add(link);
        queue.push(link);
      }
    }
    // More work may appear while others fetch: wait for it instead of exiting early.
    while (queue.length === 0 && inFlight > 1) await new Promise((r) => setImmediate(r));
  }
}
let inFlight = concurrency;
await Promise.all(Array.from({ length: concurrency }, () => worker().finally(() => inFlight--)));
const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(c0);
// The simulated web runs in this process too: its share of CPU is included (an upper bound for the blocks).
console.log(
  `pages ${pages}, ${(pages / wallS).toFixed(0)} pages/s, ${(((cpu.user + cpu.system) / 1000) / pages).toFixed(3)} ms CPU/page ` +
    `(server included), ${(bytes / pages / 1024).toFixed(1)} KiB/page, concurrency ${concurrency}, expected ${web.expectedReachable({ respectRobots: false }).size}`,
);
await fetcher.close();
await web.close();
