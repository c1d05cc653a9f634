// One short LIVE doctor run per bench scenario: starts the simulated web (built here, explicitly, not from the bench's
// defaults), runs the real `crawl-diag doctor --crawl-local="…" --json` against it with the scenario's fault switched
// on, and returns the doctor's JSON. Shared by the live accuracy test (test/live-accuracy.test.ts) and the
// independent validation script (scripts/live-accuracy.mjs), so both judge exactly the same kind of run.
//
// Why these parameters (a 30 s crawl must show each fault, on a loaded 2-core machine, and healthy must stay steady):
// - Web: 40 sites, the largest 20 000 pages (Zipf, at least 500; 85 570 pages in all), 40 random links per page.
//   Many links per page to many pages make the frontier grow fast (≈ 30 new rows per crawled page, 20 000+ rows in
//   30 s), which is what an unindexed frontier query pays for; and every link is one "was this URL crawled?" check,
//   which is what the dedup scan pays for. With 15 links per page and 4000-page sites the frontier reached only
//   ~10 000 rows and the frontier query's share grew 9% → 16% on a quiet machine but not at all on a loaded one
//   (load 23): too weak to show reliably. 40 sites at a 300 ms delay allow ≈ 130 pages/s, about twice what 8 workers
//   fetch here, so a polite dispatcher rarely has to wait for a domain.
// - Latency 100 ms + ≤ 50 ms per page (the bench's), fetched by 8 workers (~55 pages/s): the crawl is network-bound
//   (workers ~90% idle, as on the real web). With 40 + ≤ 20 ms and 4 workers (the same ~60 pages/s), each page's own
//   store work (40 links to insert) was a sixth of a worker's time per page, and its slow growth as the tables grow
//   made 1 healthy run in 3 decay by 13%; at 125 ms per fetch the same growth is a few percent, while the rate, and
//   so the growth of the frontier and of the pages table that the faults pay for, stays the same.
// - robots.txt: allow-all, disallow and not-found only. Hosts whose robots.txt errors or hangs are a cause of their
//   own (`robots-undetermined`) and would be a correct finding on a healthy run; they are not what is tested here.
// - Crawl: 2 supervisors × 4 workers (a distributed crawl, as in the bench), 300 ms per-domain delay, depth 30 (the
//   site trees are deep), 30 s. Judgement leaves out the first 6 s (process start-up, robots.txt of every site).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimWeb } from '@crawl-diag/simweb';

export const CLI_BIN = resolve(import.meta.dirname, '..', '..', 'cli', 'bin', 'crawl-diag.js');

/** The bench scenarios: the fault switched on (none for healthy). */
export const SCENARIOS = ['healthy', 'unindexed-frontier', 'dedup-scan', 'politeness-blind', 'robots-no-cache'];

/** The simulated web of every live run (see the top comment for why). */
export const LIVE_WEB = {
  seed: 11,
  sites: 40,
  largeSites: 5,
  maxPagesPerSite: 20_000,
  minPagesPerSite: 500,
  linksPerPage: 40,
  seedSites: 40,
  robotsMix: { 'allow-all': 0.4, disallow: 0.3, 'crawl-delay': 0, 'not-found': 0.3, 'server-error': 0, slow: 0, hang: 0 },
  latency: { large: { fixedMs: 100, jitterMs: 50 }, small: { fixedMs: 100, jitterMs: 50 } },
  requestLogLimit: 1000,
};

/** The crawl of every live run (see the top comment for why). */
export const LIVE_CRAWL = { supervisors: 2, workers: 4, delayMs: 300, maxDepth: 30, durationSec: 30, warmupSec: 6 };

/**
 * Runs the doctor on one live crawl of `scenario`. Returns the doctor's JSON document, the crawl's directory and the
 * doctor's stderr. Options: `web` and `crawl` override LIVE_WEB / LIVE_CRAWL fields; `keep` leaves the directory.
 */
export async function liveDoctor(scenario, options = {}) {
  const web = await startSimWeb({ ...LIVE_WEB, ...options.web });
  const c = { ...LIVE_CRAWL, ...options.crawl };
  const dir = await mkdtemp(join(tmpdir(), `doctor-live-${scenario}-`));
  try {
    const seeds = join(dir, 'seeds.txt');
    await writeFile(seeds, `${web.seeds.join('\n')}\n`);
    const args = [
      `--seeds ${seeds}`,
      `--resolve ${web.resolveRule}`,
      `--supervisors ${c.supervisors} --workers ${c.workers}`,
      `--delay ${c.delayMs} --max-depth ${c.maxDepth}`,
      `--duration ${c.durationSec}s`,
      `--sqlite ${join(dir, 'crawl.sqlite')}`,
      `--log-dir ${join(dir, 'logs')} --profile-dir ${join(dir, 'profiles')}`,
      scenario === 'healthy' ? '' : `--fault ${scenario}`,
    ].join(' ');
    const r = await runCli(['doctor', `--crawl-local=${args}`, '--warmup', String(c.warmupSec), '--json'], (c.durationSec + 90) * 1000);
    if (r.code !== 0) throw new Error(`crawl-diag doctor exited ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return { doctor: JSON.parse(r.stdout), dir, stderr: r.stderr };
  } finally {
    await web.close();
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}

/** What the doctor said, in the terms of the scenarios: the fault its first finding names, or healthy / a cause. */
export function verdictOf(doctor) {
  const first = doctor.findings[0];
  if (!first) return doctor.noDecay ? 'healthy' : 'decay, no finding';
  return first.fault ?? first.cause;
}

function runCli(args, timeoutMs) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    // SIGINT first: the crawl ends cleanly and kills its own children; SIGKILL if it does not.
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
