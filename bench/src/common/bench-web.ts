// The simulated web every bench run crawls: the same seeded graph for every node count, started in-process on a
// free loopback port, with every site's index page as a seed and the seeds written to a file for `--seeds`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimWeb, type SimWeb, type SimWebOptions } from '@crawl-diag/simweb';
import { onCleanup } from './child-processes.js';

export interface BenchWebOptions {
  /**
   * Sites (virtual hosts). Default 100: at the bench's 500 ms politeness delay that is a ceiling of ~200 pages/s,
   * about twice what 8 nodes of 2 workers fetch, so a polite crawler rarely waits for a free domain; and few enough
   * that every site's robots.txt is fetched within the warm-up of the slowest (1-node) run.
   */
  sites?: number;
  /**
   * Pages of the largest site; Zipf-sized below it. Default 100 000 (a few large sites, many small ones; 518 739
   * pages in all, generated on demand, so no run comes near the end of the web).
   */
  maxPagesPerSite?: number;
  /** Pages of the smallest sites. Default 1000: no site runs dry within a default run at the healthy rate. */
  minPagesPerSite?: number;
  /** Response latency of every page, ms (fixed part; a uniform jitter of half that is added). Default 100. */
  latencyMs?: number;
  /**
   * Random links per page (besides the site's tree links), 85% to the same site. Default 100, about what a real
   * page carries: the frontier grows by tens of URLs per page fetched, to 10^5 rows within a one-minute run, which
   * is what makes an unindexed frontier query slow down within the run.
   */
  linksPerPage?: number;
  /** Child pages each page links to (the tree that makes every page of a site reachable from its index). Default 4. */
  fanout?: number;
  /** Graph seed. Default 7. */
  seed?: number;
}

export const BENCH_WEB_DEFAULTS: Required<BenchWebOptions> = {
  sites: 100,
  maxPagesPerSite: 100_000,
  minPagesPerSite: 1000,
  latencyMs: 100,
  linksPerPage: 100,
  fanout: 4,
  seed: 7,
};

export interface BenchWeb {
  web: SimWeb;
  seedsFile: string;
  options: Required<BenchWebOptions>;
  /** Total HTML pages reachable by links (robots ignored): the ceiling of any crawl. */
  pages: number;
  close(): Promise<void>;
}

export function simWebOptions(o: Required<BenchWebOptions>): SimWebOptions {
  const latency = { fixedMs: o.latencyMs, jitterMs: Math.round(o.latencyMs / 2) };
  return {
    seed: o.seed,
    sites: o.sites,
    largeSites: 5,
    maxPagesPerSite: o.maxPagesPerSite,
    minPagesPerSite: o.minPagesPerSite,
    zipfExponent: 1,
    linksPerPage: o.linksPerPage,
    fanout: o.fanout,
    seedSites: o.sites,
    // Every page is slow to answer, like the real web: the crawl is bound by the network, not by this machine.
    latency: { large: latency, small: latency },
  };
}

export async function startBenchWeb(dir: string, options: BenchWebOptions = {}): Promise<BenchWeb> {
  const o = { ...BENCH_WEB_DEFAULTS, ...options };
  const web = await startSimWeb(simWebOptions(o));
  const close = onCleanup(() => web.close());
  const seedsFile = join(dir, 'seeds.txt');
  await writeFile(seedsFile, `${web.seeds.join('\n')}\n`);
  return { web, seedsFile, options: o, pages: web.sites.reduce((s, x) => s + x.pages, 0), close };
}
