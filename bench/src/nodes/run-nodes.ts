// `bench nodes`: the same crawl of the same simulated web at several node counts, each a real
// `crawl-diag crawl local --supervisors N`, then the logs of every run through the log analyzer and a USL fit.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchWeb, type BenchWebOptions } from '../common/bench-web.js';
import { onCleanup } from '../common/child-processes.js';
import { runCrawlLocal } from '../common/crawl-local.js';
import { busyShare, machineCpu, type MachineCpuSample } from '../common/cpu.js';
import { startFerretDb, withDatabase, type FerretBackend, type RunningMongo } from '../common/ferretdb.js';
import { describeMachine } from '../common/machine.js';
import { analyzeRunLogs, type RunLogFigures } from '../common/run-logs.js';
import type { Scenario } from '../common/scenarios.js';
import { fitUsl } from '../common/usl-fit.js';
import { perNodeSummary, round, roundOrNull, withEfficiency, type NodesResult, type NodesRun } from './result.js';

export interface NodesBenchOptions {
  scenario: Scenario;
  /** Node counts (supervisors), run in this order. Default [1, 2, 4, 8]. */
  nodes: number[];
  /** Seconds per run. Default 60. */
  durationSec: number;
  /** Crawler processes per node. Default 2. */
  workers: number;
  store: 'sqlite' | 'mongo';
  /** MongoDB URI for `--store mongo`; FerretDB is started when absent. */
  mongoUri?: string;
  /** Storage of the FerretDB the bench starts (no mongoUri). Default sqlite. */
  backend?: FerretBackend;
  /** Seconds after the first page left out of the measurement. Default 15 (at most a quarter of the run). */
  warmupSec: number;
  /** Rate bucket, ms. Default 2000. */
  bucketMs: number;
  /** Crawler `--delay` (per-domain politeness when robots.txt gives none), ms. Default 500. */
  delayMs: number;
  /** Crawler `--max-depth`. Default 10. */
  maxDepth: number;
  web: BenchWebOptions;
  /** Keep the run directory (logs, stores) instead of deleting it. Default false. */
  keep: boolean;
  /** The command line, recorded in the result. */
  command: string;
  /** Progress on stderr. */
  log: (line: string) => void;
  /** Live progress (the crawl's own progress line), redrawn in place on a TTY. */
  live?: (line: string) => void;
}

export async function runNodesBench(o: NodesBenchOptions): Promise<{ result: NodesResult; runDir: string }> {
  const machine = describeMachine();
  const runDir = await mkdtemp(join(tmpdir(), `crawl-diag-bench-${o.scenario.name}-`));
  // Removed at the end, on error and on Ctrl-C alike (unless kept).
  const removeRunDir = onCleanup(() => (o.keep ? undefined : rm(runDir, { recursive: true, force: true })));
  const bench = await startBenchWeb(runDir, o.web);
  let mongo: RunningMongo | undefined;
  try {
    if (o.store === 'mongo' && !o.mongoUri) {
      o.log(`bench: starting FerretDB on ${o.backend ?? 'sqlite'} for --store mongo`);
      mongo = await startFerretDb(o.backend);
    }
    const mongoUri = o.mongoUri ?? mongo?.uri;
    o.log(
      `bench: simulated web on ${bench.web.address}:${bench.web.port}: ${bench.web.sites.length} sites, ${bench.pages} pages, ` +
        `${bench.options.latencyMs} ms latency; runs in ${runDir}`,
    );
    const runs: NodesRun[] = [];
    for (const [i, nodes] of o.nodes.entries()) {
      const dir = join(runDir, `nodes-${nodes}`);
      const logDir = join(dir, 'logs');
      await mkdir(logDir, { recursive: true });
      o.log(`bench: run ${i + 1}/${o.nodes.length}: ${o.scenario.name}, ${nodes} node(s) × ${o.workers} workers, ${o.durationSec} s, ${o.store}…`);
      const store =
        o.store === 'sqlite' ? { sqlite: join(dir, 'crawl.sqlite') } : { mongo: withDatabase(mongoUri!, `bench_${o.scenario.name.replace(/-/g, '_')}_${nodes}_${Date.now()}`) };
      const cpuSamples = sampleCpu(mongo);
      // Stopped on a failed crawl too: its timer would keep the bench process alive (holding /tmp/bench.lock).
      let crawl: Awaited<ReturnType<typeof runCrawlLocal>>;
      try {
        crawl = await runCrawlLocal({
          supervisors: nodes,
          workers: o.workers,
          durationSec: o.durationSec,
          seedsFile: bench.seedsFile,
          resolveRule: bench.web.resolveRule,
          logDir,
          store,
          faults: o.scenario.fault ? [o.scenario.fault] : [],
          delayMs: o.delayMs,
          maxDepth: o.maxDepth,
          onProgressLine: o.live,
        });
      } finally {
        cpuSamples.stop();
      }
      const figures = await analyzeRunLogs(logDir, { bucketMs: o.bucketMs, warmupSec: o.warmupSec });
      const cpu = cpuInWindow(cpuSamples.samples, figures, o.bucketMs);
      const run: NodesRun = {
        nodes,
        pagesPerSec: round(figures.pagesPerSec),
        trend: {
          verdict: figures.trend.verdict,
          relativeChange: roundOrNull(figures.trend.relativeChange),
          pValue: figures.trend.pValue === null ? null : Number(figures.trend.pValue.toPrecision(3)),
        },
        efficiency: null,
        perNode: perNodeSummary(figures.perNode),
        ratePerSec: figures.ratePerSec.map((x) => round(x)),
        window: figures.window,
        postponedRatio: figures.postponedRatio.map((x) => (x === null ? null : round(x, 3))),
        totals: figures.totals,
        wholeRunTrend: { verdict: figures.wholeRunTrend.verdict, relativeChange: roundOrNull(figures.wholeRunTrend.relativeChange) },
        crawlSummary: crawl.summary,
        cpu,
      };
      runs.push(run);
      const change = run.trend.relativeChange === null ? '' : ` (${(run.trend.relativeChange * 100).toFixed(0)}%)`;
      const server = cpu.storeServer ? `, FerretDB ${(cpu.storeServer.coreShare * 100).toFixed(0)}% of a core (${cpu.storeServer.msPerPage ?? '—'} ms CPU/page)` : '';
      const busy = cpu.machineBusy === null ? '' : `, machine ${(cpu.machineBusy * 100).toFixed(0)}% busy`;
      o.log(
        `bench: ${o.scenario.name}/${o.store} ${nodes} node(s): ${figures.totals.crawled} pages fetched, ${run.pagesPerSec} pages/s, ` +
          `trend ${run.trend.verdict}${change}, ${figures.totals.postponed} postponed${busy}${server} [${(crawl.elapsedMs / 1000).toFixed(0)} s]`,
      );
      if (o.store === 'sqlite' && !o.keep) await rm(join(dir, 'crawl.sqlite'), { force: true });
    }
    const fit = fitUsl(runs.map((r) => ({ nodes: r.nodes, throughput: r.pagesPerSec })));
    const result: NodesResult = {
      schema: 'crawl-diag/bench-nodes@1',
      scenario: o.scenario.name,
      store: o.store,
      ...(o.store === 'mongo' && !o.mongoUri ? { backend: o.backend ?? 'sqlite' } : {}),
      machine,
      runs: withEfficiency(runs),
      usl: fit ?? { sigma: null, kappa: null, peakNodes: null },
      command: o.command,
      measuredAt: new Date().toISOString(),
      settings: {
        durationSec: o.durationSec,
        workersPerNode: o.workers,
        warmupSec: o.warmupSec,
        bucketMs: o.bucketMs,
        delayMs: o.delayMs,
        maxDepth: o.maxDepth,
        web: { ...bench.options, pages: bench.pages },
      },
    };
    return { result, runDir };
  } finally {
    await bench.close();
    if (mongo) await mongo.stop();
    await removeRunDir();
  }
}

/** Writes `<scenario>-<store>[-postgresql].json` and `.html` into `outDir`; returns their paths. */
export async function writeNodesResult(result: NodesResult, html: string, outDir: string): Promise<{ json: string; html: string }> {
  await mkdir(outDir, { recursive: true });
  const base = join(outDir, `${result.scenario}-${result.store}${result.backend === 'postgresql' ? '-postgresql' : ''}`);
  await writeFile(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(`${base}.html`, html);
  return { json: `${base}.json`, html: `${base}.html` };
}

interface CpuSample {
  at: number;
  machine: MachineCpuSample | undefined;
  store: number | undefined;
}

/** Samples the machine's and the store server's CPU every half second while a crawl runs. */
function sampleCpu(mongo: RunningMongo | undefined): { samples: CpuSample[]; stop(): void } {
  const samples: CpuSample[] = [];
  const take = () => samples.push({ at: Date.now(), machine: machineCpu(), store: mongo?.cpuMs?.() });
  take();
  const timer = setInterval(take, 500);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
    },
  };
}

/**
 * CPU over the measured window (warm-up and shutdown left out, as for pages/s): the samples nearest inside its ends.
 * The store server's share is of one core; per page, its CPU divided by the pages fetched in the window.
 */
function cpuInWindow(samples: CpuSample[], f: RunLogFigures, bucketMs: number): NonNullable<NodesRun['cpu']> {
  const from = f.startMs + f.window.from * bucketMs;
  const to = f.startMs + f.window.to * bucketMs;
  const inside = samples.filter((s) => s.at >= from && s.at <= to);
  const a = inside[0];
  const b = inside[inside.length - 1];
  if (!a || !b || b.at - a.at < 1000) return { machineBusy: null };
  const machineBusy = roundOrNull(busyShare(a.machine, b.machine), 3);
  if (a.store === undefined || b.store === undefined) return { machineBusy };
  const storeMs = b.store - a.store;
  const pages = f.pagesPerSec * ((b.at - a.at) / 1000);
  return {
    machineBusy,
    storeServer: { coreShare: round(storeMs / (b.at - a.at), 3), msPerPage: pages > 0 ? round(storeMs / pages, 1) : null },
  };
}
