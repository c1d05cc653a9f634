// A Crawlee 3 HttpCrawler that crawls the simulated web the way an operator's actor would: the crawler's own
// autoscaling (half → all of its maximum concurrency), retries, session pool and per-site delay left as Crawlee does them, its own
// logger (text or JSON) and its statistics line every 10 s. Run by the bench's `real` runner:
//   node bench/real-crawlers/crawlee/crawler.mjs '<json config>'   (see the config fields below)
// Every connection goes to the simulated web on loopback (LoopbackAgent: the host name is only a Host header, never
// looked up), and links to hosts outside its .test domain are not enqueued.
import Database from 'better-sqlite3';
import { HttpCrawler, Configuration, log, LoggerJson, LoggerText, LogLevel } from '@crawlee/http';
import { readFileSync } from 'node:fs';
import { LoopbackAgent } from '../../dist/crawler/loopback-agent.js';

/**
 * @typedef {object} Config
 * @property {string} seedsFile  one seed URL a line
 * @property {string} address  loopback address of the simulated web
 * @property {number} port
 * @property {number} durationSec  the crawler stops itself (crawler.stop) after this long
 * @property {number} maxConcurrency  the autoscaled pool's ceiling
 * @property {number} [sameDomainDelaySecs]  per-site politeness delay (0 = none)
 * @property {'text'|'json'} logFormat
 * @property {string} storageDir  Crawlee's storage (request queue), purged on start
 * @property {string} [store]  a SQLite file: each page is written to an unindexed table (see storePage)
 */
/** @type {Config} */
const config = JSON.parse(process.argv[2] ?? '{}');
process.env.CRAWLEE_STORAGE_DIR = config.storageDir;
log.setOptions({
  level: LogLevel.INFO,
  logger: config.logFormat === 'json' ? new LoggerJson() : new LoggerText({ skipTime: false }),
});

const agent = new LoopbackAgent(config.address, config.port, { maxSockets: config.maxConcurrency * 2 });
const seeds = readFileSync(config.seedsFile, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
const inSimWeb = (url) => {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && u.hostname.endsWith('.test');
  } catch {
    return false;
  }
};

// The unindexed-store scenario: a table without an index, checked for a duplicate url or body before each insert,
// so every write reads the whole table, bodies included, and takes longer as the crawl goes on. better-sqlite3 is synchronous, as in
// many actors, so the scan holds the event loop and with it every request in flight.
let storePage = () => {};
if (config.store) {
  const db = new Database(config.store);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS pages (url TEXT, status INTEGER, body TEXT)');
  const seen = db.prepare('SELECT 1 FROM pages WHERE url = ? OR body = ?');
  const insert = db.prepare('INSERT INTO pages (url, status, body) VALUES (?, ?, ?)');
  storePage = (url, status, body) => {
    if (!seen.get(url, body)) insert.run(url, status, body);
  };
}

const crawler = new HttpCrawler(
  {
    // The autoscaled pool works between half the ceiling and the ceiling: from Crawlee's default of 1 it climbs by
    // 5% of the ceiling every 10 s at best, and never on a busy machine (it scales on the machine's CPU, which other
    // work keeps busy here), so the server would never be what limits the crawl.
    minConcurrency: Math.max(1, Math.ceil(config.maxConcurrency / 2)),
    maxConcurrency: config.maxConcurrency,
    sameDomainDelaySecs: config.sameDomainDelaySecs ?? 0,
    statisticsOptions: { logIntervalSecs: 10 },
    statusMessageLoggingInterval: 10,
    preNavigationHooks: [
      (_ctx, gotOptions) => {
        gotOptions.agent = { http: agent };
      },
    ],
    async requestHandler({ request, body, response, enqueueLinks, parseWithCheerio, log: reqLog }) {
      const url = request.loadedUrl ?? request.url;
      reqLog.info(`Processing ${url}`, { status: response.statusCode });
      storePage(url, response.statusCode, typeof body === 'string' ? body : body.toString('utf8'));
      // HttpCrawler does not parse pages itself; its Cheerio helper does, and enqueueLinks takes the URLs.
      const $ = await parseWithCheerio();
      const urls = $('a[href]')
        .map((_i, a) => {
          try {
            return new URL($(a).attr('href'), url).href;
          } catch {
            return null;
          }
        })
        .get()
        .filter(Boolean);
      await enqueueLinks({
        urls,
        strategy: 'all',
        transformRequestFunction: (req) => (inSimWeb(req.url) ? req : false),
      });
    },
  },
  // The request queue in memory: persisting it writes a JSON file per request, CPU this shared machine lacks.
  new Configuration({ persistStorage: false, purgeOnStart: true }),
);

const timer = setTimeout(() => crawler.stop(`the run's ${config.durationSec} s are over`), config.durationSec * 1000);
await crawler.run(seeds.filter(inSimWeb));
clearTimeout(timer);
agent.destroy();
