// The Crawlee side of the crawler speed bench, run as its own process so its CPU time is measured alone:
// `node bench/dist/crawler/crawlee-runner.js '<json config>'`. Crawlee's HttpCrawler crawls the simulated web with
// the same concurrency and per-domain delay as crawl-diag, the same link extractor and depth limit; it prints one
// JSON line `{ "pages": N, "failed": N, "urls": [...] }` at the end (the URLs of the pages it got).
import { HttpCrawler, Configuration } from '@crawlee/http';
import { extractLinks } from '@crawl-diag/crawler';
import { LoopbackAgent } from './loopback-agent.js';

export interface CrawleeRunConfig {
  seeds: string[];
  /** Where the simulated web listens. */
  address: string;
  port: number;
  concurrency: number;
  delayMs: number;
  maxDepth: number;
  /** Crawlee's storage directory (its request queue is persisted there, as crawl-diag persists to SQLite). */
  storageDir: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as CrawleeRunConfig;
process.env.CRAWLEE_STORAGE_DIR = config.storageDir;
const agent = new LoopbackAgent(config.address, config.port, { maxSockets: config.concurrency * 2 });

const stored: string[] = [];
let failed = 0;
const crawler = new HttpCrawler(
  {
    minConcurrency: config.concurrency,
    maxConcurrency: config.concurrency,
    sameDomainDelaySecs: config.delayMs / 1000,
    // crawl-diag does not retry a failed fetch either.
    maxRequestRetries: 0,
    // Every request goes to the simulated web on loopback (see LoopbackAgent).
    preNavigationHooks: [
      (_ctx, gotOptions) => {
        gotOptions.agent = { http: agent };
      },
    ],
    async requestHandler({ request, body, response }) {
      if (response.statusCode !== 200) return;
      stored.push(request.loadedUrl ?? request.url);
      const depth = (request.userData.depth as number | undefined) ?? 0;
      if (depth >= config.maxDepth) return;
      const html = typeof body === 'string' ? body : body.toString('utf8');
      const links = extractLinks(html, request.loadedUrl ?? request.url).links;
      if (links.length > 0) await crawler.addRequests(links.map((url) => ({ url, userData: { depth: depth + 1 } })));
    },
    failedRequestHandler() {
      failed++;
    },
  },
  new Configuration({ persistStorage: true, purgeOnStart: true, logLevel: 0 }),
);

await crawler.run(config.seeds.map((url) => ({ url, userData: { depth: 0 } })));
process.stdout.write(`${JSON.stringify({ pages: stored.length, failed, urls: stored })}\n`);
agent.destroy();
