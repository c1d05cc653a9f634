// `bench diagnose`: one crawl of a scenario with every process profiled continuously (the agent, short windows),
// then the doctor's diagnosis of it (its findings are the checks: does the first name the fault switched on?) and
// the evidence beside it: the frames that grew most from early to late per process kind, the idle share of the
// workers, the postponed/crawled ratio over time from the logs, and the store calls' client-side time per process
// kind (the processes' "Store time" lines), which names a slow store call on a remote store too.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeValueTrend } from '@crawl-diag/log-analyzer';
import type { SimRequest } from '@crawl-diag/simweb';
import { startBenchWeb, type BenchWebOptions } from '../common/bench-web.js';
import { onCleanup } from '../common/child-processes.js';
import { runCrawlLocal } from '../common/crawl-local.js';
import { startFerretDb, withDatabase, type RunningMongo } from '../common/ferretdb.js';
import { analyzeRunLogs, type RunLogFigures } from '../common/run-logs.js';
import type { Scenario } from '../common/scenarios.js';
// The doctor's profile evidence (early vs late per process kind, grown frames with the program functions they ran
// in, idle shares, watched frames) is the same reading of a recording the bench needs, so the bench uses it.
import { CRAWLER_PROFILES, diagnose, recordingEvidence, type ProfileEvidence } from '@crawl-diag/doctor';
import { doctorChecks, type DoctorCheck } from './doctor-checks.js';
import { storeTimeEvidence, type StoreTimeEvidence } from './store-time-evidence.js';
import { readStoreTimeRecords } from './store-time-lines.js';

export interface DiagnoseOptions {
  scenario: Scenario;
  nodes: number;
  workers: number;
  durationSec: number;
  store: 'sqlite' | 'mongo';
  mongoUri?: string;
  warmupSec: number;
  bucketMs: number;
  delayMs: number;
  /** Profiler window, e.g. `5s`. */
  profileWindow: string;
  web: BenchWebOptions;
  keep: boolean;
  log: (line: string) => void;
  live?: (line: string) => void;
}

export interface DiagnoseResult {
  schema: 'crawl-diag/bench-diagnose@1';
  scenario: string;
  store: string;
  nodes: number;
  workersPerNode: number;
  durationSec: number;
  rate: { pagesPerSec: number; verdict: string; relativeChange: number | null };
  postponedRatio: PostponedRatio & { series: Array<number | null> };
  ratePerSec: number[];
  bucketMs: number;
  profiles: Omit<ProfileEvidence, 'profiles'>;
  /** What the simulated web served: robots.txt requests as a share of all requests, early and late. */
  requests: RobotsShares;
  /** Client-side store time per process kind, first third of the crawl (warm-up included) vs last third. */
  storeTime: StoreTimeEvidence;
  /** The doctor's diagnosis of the run: headline and findings (cause, fault, confidence, summary). */
  doctor: { headline: string; findings: Array<{ cause: string; fault?: string; confidence: number; summary: string }> };
  checks: DoctorCheck[];
  runDir?: string;
}

/** Postponed per crawled page in the early and late third of the measured window. */
export interface PostponedRatio {
  early: number | null;
  late: number | null;
  verdict: string;
}

/** robots.txt requests the simulated web served, as a share of all its requests, and per page request. */
export interface RobotsShares {
  robotsShareEarly: number | null;
  robotsShareLate: number | null;
  robotsPerPage: number;
}

/** Mean of the ratio's buckets in [from, to), weighting every bucket alike; null when none has a value. */
function meanOf(values: Array<number | null>, from: number, to: number): number | null {
  const v = values.slice(from, to).filter((x): x is number => x !== null);
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
}

function ratioFacts(f: RunLogFigures, bucketMs: number): PostponedRatio {
  const { from, to } = f.window;
  const third = Math.max(1, Math.floor((to - from) / 3));
  const series = f.postponedRatio.slice(from, to);
  return {
    early: meanOf(f.postponedRatio, from, from + third),
    late: meanOf(f.postponedRatio, to - third, to),
    verdict: analyzeValueTrend(series, bucketMs).verdict,
  };
}

/**
 * robots.txt fetches are network waits: a wall-time profile shows them as idle, not as a robots frame. The
 * simulated web's request log shows them: their share of all requests in the early and late profile ranges.
 */
function robotsShares(log: readonly SimRequest[], p: Omit<ProfileEvidence, 'profiles'>): RobotsShares {
  const share = (from: string, to: string) => {
    const [a, b] = [Date.parse(from), Date.parse(to)];
    const inRange = log.filter((r) => r.at >= a && r.at < b);
    const robots = inRange.filter((r) => r.url.endsWith('/robots.txt')).length;
    return inRange.length ? robots / inRange.length : null;
  };
  const robots = log.filter((r) => r.url.endsWith('/robots.txt')).length;
  return { robotsShareEarly: share(p.early.from, p.early.to), robotsShareLate: share(p.late.from, p.late.to), robotsPerPage: robots / Math.max(1, log.length - robots) };
}

export async function runDiagnose(o: DiagnoseOptions): Promise<DiagnoseResult> {
  const runDir = await mkdtemp(join(tmpdir(), `crawl-diag-diagnose-${o.scenario.name}-`));
  // Removed at the end, on error and on Ctrl-C alike (unless kept).
  const removeRunDir = onCleanup(() => (o.keep ? undefined : rm(runDir, { recursive: true, force: true })));
  const bench = await startBenchWeb(runDir, o.web);
  let mongo: RunningMongo | undefined;
  try {
    if (o.store === 'mongo' && !o.mongoUri) mongo = await startFerretDb();
    const logDir = join(runDir, 'logs');
    const profileDir = join(runDir, 'profiles');
    await mkdir(logDir, { recursive: true });
    await mkdir(profileDir, { recursive: true });
    o.log(`bench: diagnose ${o.scenario.name}: ${o.nodes} node(s) × ${o.workers} workers, ${o.durationSec} s, ${o.store}, profiles every ${o.profileWindow}…`);
    await runCrawlLocal({
      supervisors: o.nodes,
      workers: o.workers,
      durationSec: o.durationSec,
      seedsFile: bench.seedsFile,
      resolveRule: bench.web.resolveRule,
      logDir,
      store: o.store === 'sqlite' ? { sqlite: join(runDir, 'crawl.sqlite') } : { mongo: withDatabase((o.mongoUri ?? mongo?.uri)!, `diagnose_${Date.now()}`) },
      faults: o.scenario.fault ? [o.scenario.fault] : [],
      delayMs: o.delayMs,
      maxDepth: 10,
      profileDir,
      env: { CRAWL_DIAG_PROFILE_WINDOW: o.profileWindow },
      onProgressLine: o.live,
    });
    o.log('bench: reading logs and profiles…');
    const figures = await analyzeRunLogs(logDir, { bucketMs: o.bucketMs, warmupSec: o.warmupSec });
    const fromMs = figures.startMs + figures.window.from * o.bucketMs;
    const toMs = figures.startMs + figures.window.to * o.bucketMs;
    const recording = await recordingEvidence(profileDir, fromMs, toMs, CRAWLER_PROFILES['crawl-diag']);
    const doctor = diagnose({ logs: { report: figures.report, signals: figures.signals }, profiles: recording, crawler: CRAWLER_PROFILES['crawl-diag'], warnings: [] });
    // Profiles are kept in the result as figures only (the doctor also returns the profiles themselves).
    const { profiles: _profiles, ...profiles } = recording;
    const postponedRatio = ratioFacts(figures, o.bucketMs);
    const rate = { verdict: figures.trend.verdict, relativeChange: figures.trend.relativeChange };
    const requests = robotsShares(bench.web.requestLog, profiles);
    // Thirds of the whole crawl, from its first page to the end of the measured window, warm-up included (unlike the
    // profiles): a remote store's fault bites in the first seconds. On FerretDB the unindexed frontier query went
    // from 0.3 s to 1.6 s per lease within the first 15 s; by then the dispatcher spends all its time leasing, the
    // crawl slows to what it hands out and the frontier hardly grows, so after the warm-up the time per call is flat.
    const third = (toMs - figures.startMs) / 3;
    const storeTime = storeTimeEvidence(
      await readStoreTimeRecords(logDir),
      { fromMs: figures.startMs, toMs: figures.startMs + third },
      { fromMs: toMs - third, toMs },
    );
    const checks = doctorChecks(o.scenario, doctor);
    return {
      schema: 'crawl-diag/bench-diagnose@1',
      scenario: o.scenario.name,
      store: o.store,
      nodes: o.nodes,
      workersPerNode: o.workers,
      durationSec: o.durationSec,
      rate: { pagesPerSec: figures.pagesPerSec, ...rate },
      postponedRatio: { ...postponedRatio, series: figures.postponedRatio },
      ratePerSec: figures.ratePerSec,
      bucketMs: o.bucketMs,
      profiles,
      requests,
      storeTime,
      doctor: { headline: doctor.headline, findings: doctor.findings.map((f) => ({ cause: f.cause, ...(f.fault ? { fault: f.fault } : {}), confidence: f.confidence, summary: f.summary })) },
      checks,
      runDir: o.keep ? runDir : undefined,
    };
  } finally {
    await bench.close();
    if (mongo) await mongo.stop();
    await removeRunDir();
  }
}
