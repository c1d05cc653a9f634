// The crawler speed bench: crawl-diag (`crawl local`, real processes, SQLite) and Crawlee's HttpCrawler crawl the
// same simulated web on loopback, with the same total concurrency, the same per-domain delay and the same depth
// limit, one after the other, alternating which goes first, in the same run. Reports pages/s and CPU seconds per
// page, and their ratios; writes bench/results/crawler.json.
//
//   node bench/dist/crawler/run-crawler-bench.js [--rounds 2] [--supervisors 2] [--workers 4] [--delay 50]
//        [--sites 50] [--max-pages-per-site 200] [--out bench/results/crawler.json]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimWeb, type SimWeb } from '@crawl-diag/simweb';
import { openCrawlStore } from '@crawl-diag/crawler';
import { runMeasured } from './run-one.js';
import type { CrawleeRunConfig } from './crawlee-runner.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const cliBin = join(repo, 'packages', 'cli', 'bin', 'crawl-diag.js');
const MAX_DEPTH = 10;
const RUN_TIMEOUT_MS = 15 * 60_000;

interface CrawlerRun {
  /** `crawlee-no-delay`: a reference run without per-domain delay (not polite), to show Crawlee's raw speed. */
  crawler: 'crawl-diag' | 'crawlee' | 'crawlee-no-delay';
  round: number;
  pages: number;
  /** Pages of the simulated web's ground truth it did not get (should be 0). */
  missing: number;
  /** Pages stored that the simulated web's ground truth does not list (should be 0). */
  unexpected: number;
  wallSeconds: number;
  cpuSeconds: number;
  pagesPerSec: number;
  cpuMsPerPage: number;
}

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    supervisors: { type: 'string', default: '2' },
    workers: { type: 'string', default: '4' },
    delay: { type: 'string', default: '50' },
    sites: { type: 'string', default: '50' },
    'max-pages-per-site': { type: 'string', default: '200' },
    out: { type: 'string', default: join(repo, 'bench', 'results', 'crawler.json') },
    /** Also run Crawlee once without the per-domain delay, as a reference (not part of the comparison). */
    'no-reference': { type: 'boolean', default: false },
  },
});
const rounds = Number(args.rounds);
const supervisors = Number(args.supervisors);
const workers = Number(args.workers);
const delayMs = Number(args.delay);
const concurrency = supervisors * workers;

function summarise(crawler: CrawlerRun['crawler'], round: number, pages: number, missing: number, unexpected: number, wall: number, cpu: number): CrawlerRun {
  return {
    crawler,
    round,
    pages,
    missing,
    unexpected,
    wallSeconds: round3(wall),
    cpuSeconds: round3(cpu),
    pagesPerSec: round3(pages / wall),
    cpuMsPerPage: round3((cpu * 1000) / Math.max(1, pages)),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

async function runCrawlDiag(web: SimWeb, expected: Set<string>, round: number): Promise<CrawlerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-bench-crawler-'));
  try {
    const sqlitePath = join(dir, 'crawl.sqlite');
    const run = await runMeasured(
      [
        cliBin, 'crawl', 'local',
        '--supervisors', String(supervisors), '--workers', String(workers),
        '--sqlite', sqlitePath, '--log-dir', join(dir, 'logs'),
        '--resolve', web.resolveRule, '--allow-private',
        '--delay', String(delayMs), '--max-depth', String(MAX_DEPTH),
        ...web.seeds,
      ],
      RUN_TIMEOUT_MS,
    );
    if (run.code !== 0) throw new Error(`crawl-diag exited with ${run.code}:\n${run.stderr}`);
    const store = await openCrawlStore({ sqlitePath }, [], 'cli');
    let pages = 0;
    let missing = 0;
    try {
      pages = (await store.stats()).pages;
      for (const url of expected) if (!(await store.getPage(url))) missing++;
    } finally {
      await store.close();
    }
    return summarise('crawl-diag', round, pages, missing, pages - (expected.size - missing), run.wallSeconds, run.cpuSeconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runCrawlee(web: SimWeb, expected: Set<string>, round: number, politeDelayMs = delayMs): Promise<CrawlerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-bench-crawlee-'));
  try {
    const config: CrawleeRunConfig = {
      seeds: web.seeds,
      address: web.address,
      port: web.port,
      concurrency,
      delayMs: politeDelayMs,
      maxDepth: MAX_DEPTH,
      storageDir: join(dir, 'storage'),
    };
    const run = await runMeasured([join(here, 'crawlee-runner.js'), JSON.stringify(config)], RUN_TIMEOUT_MS, { CRAWLEE_LOG_LEVEL: 'OFF' });
    if (run.code !== 0) throw new Error(`the Crawlee runner exited with ${run.code}:\n${run.stderr}`);
    const last = run.stdout.trim().split('\n').pop() ?? '{}';
    const result = JSON.parse(last) as { pages: number; urls: string[] };
    const unexpected = result.urls.filter((u) => !expected.has(u)).length;
    const missing = expected.size - (result.urls.length - unexpected);
    return summarise(politeDelayMs > 0 ? 'crawlee' : 'crawlee-no-delay', round, result.pages, missing, unexpected, run.wallSeconds, run.cpuSeconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const web = await startSimWeb({
    seed: 11,
    sites: Number(args.sites),
    maxPagesPerSite: Number(args['max-pages-per-site']),
    seedSites: Number(args.sites),
    // No /private/ pages either: seed sites always get a robots.txt that may disallow them.
    privatePageRatio: 0,
    // No disallow and no Crawl-delay: Crawlee is not pointed at robots.txt here (its robots.txt fetch would not go
    // through the loopback agent), so both crawlers must have the same pages to get and the same delay everywhere.
    robotsMix: { 'allow-all': 1, 'not-found': 1, disallow: 0, 'crawl-delay': 0, 'server-error': 0, slow: 0, hang: 0 },
  });
  const expected = web.expectedReachable({ respectRobots: true, maxDepth: MAX_DEPTH });
  const runs: CrawlerRun[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? ['crawl-diag', 'crawlee'] : ['crawlee', 'crawl-diag'];
      for (const crawler of order) {
        const r = crawler === 'crawl-diag' ? await runCrawlDiag(web, expected, round) : await runCrawlee(web, expected, round);
        runs.push(r);
        process.stderr.write(
          `round ${round} ${r.crawler.padEnd(10)} ${r.pages} pages in ${r.wallSeconds.toFixed(1)} s: ` +
            `${r.pagesPerSec.toFixed(1)} pages/s, ${r.cpuMsPerPage.toFixed(1)} ms CPU/page (${r.cpuSeconds.toFixed(1)} s CPU)\n`,
        );
      }
    }
    if (!args['no-reference']) {
      const r = await runCrawlee(web, expected, 1, 0);
      runs.push(r);
      process.stderr.write(
        `reference ${r.crawler} ${r.pages} pages in ${r.wallSeconds.toFixed(1)} s: ` +
          `${r.pagesPerSec.toFixed(1)} pages/s, ${r.cpuMsPerPage.toFixed(1)} ms CPU/page (${r.cpuSeconds.toFixed(1)} s CPU)\n`,
      );
    }
  } finally {
    await web.close();
  }
  const of = (c: CrawlerRun['crawler']) => runs.filter((r) => r.crawler === c);
  const ours = { pagesPerSec: median(of('crawl-diag').map((r) => r.pagesPerSec)), cpuMsPerPage: median(of('crawl-diag').map((r) => r.cpuMsPerPage)) };
  const theirs = { pagesPerSec: median(of('crawlee').map((r) => r.pagesPerSec)), cpuMsPerPage: median(of('crawlee').map((r) => r.cpuMsPerPage)) };
  const result = {
    schema: 'crawl-diag/bench-crawler@1',
    machine: { cores: cpus().length, node: process.version },
    config: {
      expectedPages: expected.size,
      sites: Number(args.sites),
      maxPagesPerSite: Number(args['max-pages-per-site']),
      concurrency,
      supervisors,
      workersPerSupervisor: workers,
      delayMs,
      maxDepth: MAX_DEPTH,
      rounds,
      crawlee: '@crawlee/http HttpCrawler, sameDomainDelaySecs, persisted request queue, same link extractor',
    },
    runs,
    median: { 'crawl-diag': ours, crawlee: theirs },
    /** Crawlee without per-domain delay (not polite): its raw speed on this web, for context only. */
    reference: runs.find((r) => r.crawler === 'crawlee-no-delay') ?? null,
    ratios: {
      pagesPerSec: round3(ours.pagesPerSec / theirs.pagesPerSec),
      cpuPerPage: round3(ours.cpuMsPerPage / theirs.cpuMsPerPage),
    },
    targets: {
      atLeastCrawleePagesPerSec: ours.pagesPerSec >= theirs.pagesPerSec,
      noMoreCpuPerPageThanCrawlee: ours.cpuMsPerPage <= theirs.cpuMsPerPage,
    },
  };
  mkdirSync(dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `crawl-diag ${ours.pagesPerSec.toFixed(1)} pages/s, ${ours.cpuMsPerPage.toFixed(1)} ms CPU/page; ` +
      `Crawlee ${theirs.pagesPerSec.toFixed(1)} pages/s, ${theirs.cpuMsPerPage.toFixed(1)} ms CPU/page; ` +
      `ratios: pages/s ×${result.ratios.pagesPerSec}, CPU/page ×${result.ratios.cpuPerPage} (median of ${rounds} rounds, ${expected.size} pages)\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`crawler bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
