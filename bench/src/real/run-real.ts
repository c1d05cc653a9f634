// One real-crawler run to its end: progress from the server's own counters every 10 s, wall-clock profiles of the
// crawler early and late when the scenario's cause lives in the crawler, then truth.json and gzip of big logs.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { SimWeb, TimelineBucket } from '@crawl-diag/simweb';
import { BenchRunError } from '../common/errors.js';
import { describeMachine } from '../common/machine.js';
import { CRAWL_DIAG_BIN, REPO_ROOT } from '../common/repo-paths.js';
import type { LaunchedCrawler } from './crawlers.js';
import { countLogWindows } from './log-windows.js';
import { expectedFor, type RealScenario } from './scenarios.js';

export const TRUTH_BUCKET_SEC = 10;
/** Logs bigger than this are gzipped (the analyzer reads .gz as it is). */
const GZIP_ABOVE_BYTES = 1_000_000;

export interface RealRunOptions {
  crawler: LaunchedCrawler;
  scenario: RealScenario;
  web: SimWeb;
  durationSec: number;
  outDir: string;
  /** How the run was kept on loopback. */
  network: string;
  log: (line: string) => void;
}

/**
 * Pages per second the server served in the first and the last 30 s of the run (its own count). The first 10 s are
 * left out when the run has 5 full windows or more: every crawler spends them starting (Scrapy fetches each site's
 * robots.txt first), which says nothing about the server.
 */
export function serverRate(timeline: TimelineBucket[], durationSec: number, bucketSec = TRUTH_BUCKET_SEC) {
  // Whole windows only: within the run, and before the crawler's last request (a crawler whose --duration counts
  // from its own start stops a few seconds before the run's last window ends). Timelines written before windows
  // had a span count every window as whole.
  const all = timeline.filter((b) => b.t + bucketSec <= durationSec && (b.span ?? bucketSec) >= bucketSec);
  const full = all.length >= 5 ? all.slice(1) : all;
  const span = Math.max(1, Math.min(3, Math.floor(full.length / 3)));
  const mean = (bs: TimelineBucket[]) => bs.reduce((s, b) => s + b.pages, 0) / (bs.length * bucketSec);
  const start = full.length ? mean(full.slice(0, span)) : 0;
  const end = full.length ? mean(full.slice(-span)) : 0;
  return {
    windowSec: span * bucketSec,
    fromSec: full[0]?.t ?? 0,
    startPagesPerSec: round(start),
    endPagesPerSec: round(end),
    relativeChange: start > 0 ? round(end / start - 1) : null,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function flame(target: string[], file: string, seconds: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CRAWL_DIAG_BIN, 'flame', ...target, '-d', `${seconds}s`, '--format', 'pprof', '-o', file], { cwd: REPO_ROOT, timeout: (seconds + 60) * 1000 }, (err, _out, stderr) =>
      resolve(err ? `failed: ${(stderr || err.message).trim().split('\n').slice(-3).join(' / ')}` : 'ok'),
    );
  });
}

async function gzipBigLogs(dir: string, root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...(await gzipBigLogs(path, root)));
      continue;
    }
    if (!/\.(log|ndjson)$/.test(entry.name) || (await stat(path)).size <= GZIP_ABOVE_BYTES) continue;
    await pipeline(createReadStream(path), createGzip({ level: 9 }), createWriteStream(`${path}.gz`));
    await rm(path);
    out.push(relative(root, `${path}.gz`));
  }
  return out;
}

export async function runReal(o: RealRunOptions): Promise<void> {
  const { crawler, scenario, web, durationSec, outDir, network, log } = o;
  const expected = expectedFor(crawler.name, scenario);
  const machineAtStart = describeMachine();
  const startedAt = new Date();
  log(`real: ${crawler.version} on '${scenario.name}' for ${durationSec} s (load ${loadavg()[0].toFixed(2)}): ${scenario.about}`);
  log(`real: ${crawler.command}`);

  let shown = 0;
  const progress = setInterval(() => {
    const tl = web.timeline(TRUTH_BUCKET_SEC);
    for (; shown < tl.length - 1; shown++) {
      const b = tl[shown];
      const refused = Object.values(b.refused).reduce((s, n) => s + n, 0);
      log(
        `real: [${String(b.t).padStart(4)}s] server: ${b.pages} pages (${(b.pages / TRUTH_BUCKET_SEC).toFixed(1)}/s), ` +
          `${b.hosts} sites, latency ×${b.latencyFactor}, refused ${refused}, load ${loadavg()[0].toFixed(2)}`,
      );
    }
  }, 2_000);

  const profiles: Array<{ file: string; atSec: number; seconds: number; result: string }> = [];
  const profileJobs: Promise<void>[] = [];
  if (expected.cause === 'store-bound' || scenario.crawler.unindexedStore) {
    const seconds = Math.min(10, Math.round(durationSec / 10));
    for (const [label, share] of [['early', 0.2], ['late', 0.7]] as const) {
      const atSec = Math.round(share * durationSec);
      profileJobs.push(
        new Promise<void>((resolve) => setTimeout(resolve, atSec * 1000)).then(async () => {
          const target = crawler.profileTarget();
          if (target === undefined) return;
          const file = `profile-${label}.pprof`;
          const result = await flame(target, join(outDir, file), seconds);
          log(`real: profile ${label} (${seconds} s at ${atSec} s, ${target.join(' ')}): ${result}`);
          profiles.push({ file, atSec, seconds, result });
        }),
      );
    }
  }

  if (crawler.name === 'crawl-diag' && scenario.crawler.unindexedStore) {
    profiles.push({ file: 'profiles', atSec: 0, seconds: durationSec, result: 'ok (the crawler\'s own profiling agent, --profile-dir)' });
  }

  const watchdog = setTimeout(() => {
    log(`real: the crawler did not stop ${60} s after the run's end; stopping it`);
    void crawler.run.stop(5_000);
  }, (durationSec + 60) * 1000);
  const exitCode = await crawler.run.exited;
  clearTimeout(watchdog);
  clearInterval(progress);
  await Promise.race([Promise.all(profileJobs), new Promise((r) => setTimeout(r, 1_000))]);
  await crawler.run.stop(1_000);
  if (exitCode !== 0) throw new BenchRunError(`${crawler.name} exited with code ${exitCode}; see its log in ${outDir}`);

  // A crawler that wrote nothing on stderr leaves no empty file behind.
  for (const f of ['scrapy-stderr.txt', 'crawl-stderr.txt', 'python-stderr.txt']) {
    const path = join(outDir, f);
    if ((await stat(path).catch(() => undefined))?.size === 0) await rm(path);
  }
  const timeline = web.timeline(TRUTH_BUCKET_SEC);
  // The crawler's own per-request lines per window, beside the server's count (Scrapy and Crawlee).
  let crawlerLog: { line: string; counts: number[]; total: number } | undefined;
  const clock = web.clockStartedAt();
  if ((crawler.name === 'scrapy' || crawler.name === 'crawlee') && clock !== undefined) {
    const text = await readFile(join(outDir, crawler.logs[0]), 'utf8');
    const line = crawler.name === 'scrapy' ? 'Crawled (STATUS) <GET …>' : 'Processing URL (request handler)';
    crawlerLog = { line, ...countLogWindows(crawler.name, text, clock, TRUTH_BUCKET_SEC) };
  }
  const gzipped = await gzipBigLogs(outDir, outDir);
  const rate = serverRate(timeline, durationSec);
  const truth = {
    schema: 'crawl-diag/real-run@1',
    crawler: { name: crawler.name, version: crawler.version, command: crawler.command },
    scenario: { name: scenario.name, kind: scenario.kind, about: scenario.about, crawler: scenario.crawler },
    runner: `npm run bench -- real --crawler ${crawler.name} --scenario ${scenario.name} --duration ${durationSec}s${crawler.command.includes('--store mongo') ? ' --python-store mongo' : ''} --out DIR`,
    startedAt: startedAt.toISOString(),
    serverClockStartedAt: web.clockStartedAt() ? new Date(web.clockStartedAt()!).toISOString() : null,
    durationSec,
    network,
    machine: { ...machineAtStart, loadAtEnd: Number(loadavg()[0].toFixed(2)) },
    server: {
      latencyMs: scenario.web.latency,
      linksPerPage: scenario.web.linksPerPage,
      pageBytes: scenario.web.pageBytes,
      sites: web.sites.length,
      behaviour: scenario.web.behaviour,
    },
    expected,
    serverRate: rate,
    bucketSec: TRUTH_BUCKET_SEC,
    timeline,
    crawlerLog,
    logs: crawler.logs.map((l) => (gzipped.some((g) => g === `${l}.gz`) ? `${l}.gz` : l)),
    gzipped,
    profiles,
  };
  await writeFile(join(outDir, 'truth.json'), `${JSON.stringify(truth, null, 1)}\n`);
  log(
    `real: done: server rate ${rate.startPagesPerSec}/s → ${rate.endPagesPerSec}/s (${rate.relativeChange === null ? 'n/a' : `${Math.round(rate.relativeChange * 100)}%`}), ` +
      `expected ${expected.verdict}${expected.cause ? ` (${expected.cause})` : ''}; truth in ${join(outDir, 'truth.json')}`,
  );
}
