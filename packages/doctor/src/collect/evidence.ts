// Collect: gathers what the doctor judges: the logs through the analyzer's crawl signals (offline), /proc samples of
// live processes over a window, and profiles per process kind — from the agent's recordings (`--profiles DIR`), from
// early/late profile files in a directory, or live at the start and the end of the window (the profiler's attach
// API for Node, py-spy for Python).
import { attachNodeProcess, describeStartPause, profilePython, processInfo, ProfilerError, type Profile } from '@crawl-diag/profiler';
import { crawlerProfile, type CrawlerProfile } from '../crawlers/profiles.js';
import { gatherLogEvidence, type LogEvidence } from './log-evidence.js';
import { procEvidence, type ProcEvidence } from './proc-evidence.js';
import { sampleProcesses } from './proc-sampler.js';
import { loadProfileFiles, profileFilePairs } from './profile-files.js';
import { liveEvidence, recordingEvidence, type ProfileEvidence } from './profile-evidence.js';

export interface Evidence {
  /** What the doctor knows of the crawler that was examined; default: the one the logs' signals name. */
  crawler?: CrawlerProfile;
  logs?: LogEvidence;
  proc?: ProcEvidence;
  profiles?: ProfileEvidence;
  /** Problems met while gathering that did not stop it (a process exited, a profile could not be taken). */
  warnings: string[];
}

export interface GatherOptions {
  /** Log files, directories or globs. */
  logs?: string[];
  /** `--group-by` for the log analyzer. */
  groupBy?: string;
  /** Seconds of start-up left out of the log judgement (default: min(15 s, a quarter of the run)). */
  warmupSec?: number;
  /** `--crawler scrapy|crawlee|python|crawl-diag`: the crawler, instead of detecting it from the logs. */
  crawler?: string;
  /** Live processes to sample from /proc (and profile, when `profileMs` > 0). */
  pids?: number[];
  /** Sampling window for live processes, ms. Default 30 000. */
  durationMs?: number;
  /** /proc sampling interval, ms. Default: a thirtieth of the window, 200 to 1000 ms (the trend test needs 10+ readings). */
  intervalMs?: number;
  /** Length of each live profile at the start and the end of the window, ms; 0 takes none. Default 3000. */
  profileMs?: number;
  /**
   * The continuous-profiling agent's recording directory, or a directory of early/late profile files (see
   * profile-files.ts); used instead of live profiles.
   */
  profilesDir?: string;
  /**
   * Live Node profiles: do not attach to a process whose profiler start is estimated to hold its event loop longer
   * than this, ms (V8 walks the heap when profiling starts; the CLI passes DEFAULT_MAX_PAUSE_MS unless --yes). A
   * refused process is named in the warnings and left alone for the rest of the window. Default: no limit.
   */
  maxPauseMs?: number;
  signal?: AbortSignal;
  /** Progress for people (stderr). */
  onProgress?: (line: string) => void;
}

/** The crawler profile the rules read: the one gathered, else the logs' crawler, else an unknown crawler's. */
export function crawlerOf(e: Evidence): CrawlerProfile {
  return e.crawler ?? crawlerProfile(e.logs?.signals.crawler);
}

/** What a process is, from its command line: crawl-diag's own kinds, else the script or executable name. */
export function processKind(argv: string[]): string {
  // crawl-diag's processes run <package>/dist/<kind>/main.js (the agent names its recordings the same way).
  for (const a of argv) {
    const m = /(?:^|\/)(dispatcher|supervisor|worker)\/main\.js$/.exec(a);
    if (m) return m[1];
  }
  const script = argv.slice(1).find((a) => !a.startsWith('-')) ?? argv[0] ?? '?';
  return script.split('/').pop() ?? script;
}

function kindAndLabel(pid: number): { kind: string; label: string } {
  try {
    const info = processInfo(pid);
    const kind = processKind(info.argv);
    return { kind, label: `${kind} ${pid}` };
  } catch {
    return { kind: '?', label: `PID ${pid}` };
  }
}

/** How the live profiles treat each process's start-up pause (see GatherOptions.maxPauseMs). */
interface LivePauses {
  maxPauseMs?: number;
  /** PIDs refused for their pause: not attached again at the end of the window. */
  refused: Set<number>;
  /** PIDs whose pause was already told, so it is said once, not at both ends. */
  told: Set<number>;
  onProgress?: (line: string) => void;
}

async function liveProfiles(pids: number[], ms: number, warnings: string[], pauses: LivePauses, signal?: AbortSignal): Promise<Array<{ kind: string; profile: Profile }>> {
  const out: Array<{ kind: string; profile: Profile }> = [];
  // One after another: processes started with the default inspector port would clash if attached together.
  for (const pid of pids) {
    if (signal?.aborted) break;
    if (pauses.refused.has(pid)) continue;
    try {
      const info = processInfo(pid);
      if (info.runtime === 'python') out.push({ kind: processKind(info.argv), profile: await profilePython(info, { durationMs: ms, signal }) });
      else if (info.runtime === 'node') {
        const profile = await attachNodeProcess(info, {
          durationMs: ms,
          signal,
          maxPauseMs: pauses.maxPauseMs,
          onPauseEstimate: (e) => {
            const line = describeStartPause(e, 2);
            if (line && !pauses.told.has(pid) && !(pauses.maxPauseMs !== undefined && e.pauseMs > pauses.maxPauseMs)) {
              pauses.told.add(pid);
              pauses.onProgress?.(`doctor: ${line} (it is profiled at the start and at the end of the window)`);
            }
          },
        });
        out.push({ kind: processKind(info.argv), profile });
      }
    } catch (err) {
      if (err instanceof ProfilerError && err.code === 'pause-too-long') {
        pauses.refused.add(pid);
        pauses.onProgress?.(`doctor: not profiling PID ${pid}: ${err.message}`);
      }
      warnings.push(`could not profile PID ${pid}: ${(err as Error).message}`);
    }
  }
  return out;
}

export async function gatherEvidence(o: GatherOptions): Promise<Evidence> {
  const warnings: string[] = [];
  const evidence: Evidence = { warnings, crawler: crawlerProfile(o.crawler as CrawlerProfile['kind'] | undefined) };
  let live: { early: Array<{ kind: string; profile: Profile }>; late: Array<{ kind: string; profile: Profile }> } | undefined;
  const pids = o.pids ?? [];
  if (pids.length > 0) {
    const durationMs = o.durationMs ?? 30_000;
    const profileMs = o.profilesDir ? 0 : (o.profileMs ?? 3000);
    const names = new Map(pids.map((p) => [p, kindAndLabel(p)]));
    o.onProgress?.(`doctor: sampling ${pids.length} process(es) for ${Math.round(durationMs / 1000)} s…`);
    const intervalMs = o.intervalMs ?? Math.min(1000, Math.max(200, Math.round(durationMs / 30)));
    const sampling = sampleProcesses({ pids, durationMs, intervalMs, signal: o.signal, kindOf: (p) => names.get(p)!.kind, labelOf: (p) => names.get(p)!.label });
    let early: Array<{ kind: string; profile: Profile }> = [];
    let late: Array<{ kind: string; profile: Profile }> = [];
    if (profileMs > 0) {
      const pauses: LivePauses = { maxPauseMs: o.maxPauseMs, refused: new Set(), told: new Set(), onProgress: o.onProgress };
      o.onProgress?.(`doctor: profiling for ${profileMs} ms at the start…`);
      early = await liveProfiles(pids, profileMs, warnings, pauses, o.signal);
      const waitMs = durationMs - profileMs * pids.length * 2;
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      o.onProgress?.(`doctor: profiling for ${profileMs} ms at the end…`);
      late = await liveProfiles(pids, profileMs, warnings, pauses, o.signal);
    }
    evidence.proc = procEvidence(await sampling);
    if (early.length && late.length) live = { early, late };
  }
  if (o.logs && o.logs.length > 0) {
    o.onProgress?.('doctor: reading logs…');
    evidence.logs = await gatherLogEvidence({ paths: o.logs, groupBy: o.groupBy, warmupSec: o.warmupSec, crawler: o.crawler });
    evidence.crawler = crawlerProfile(evidence.logs.signals.crawler);
    warnings.push(...evidence.logs.signals.warnings);
  }
  // Compared once the crawler is known: its profile says which frames are the frontier query, which the store.
  if (live) evidence.profiles = liveEvidence(live.early, live.late, evidence.crawler!);
  const pairs = o.profilesDir ? await profileFilePairs(o.profilesDir).catch(() => []) : [];
  if (o.profilesDir && pairs.length > 0) {
    o.onProgress?.('doctor: reading profiles…');
    const files = await loadProfileFiles(pairs);
    evidence.profiles = liveEvidence(files.early, files.late, evidence.crawler, 'files');
  } else if (o.profilesDir) {
    // Compare the same window the logs are judged on; without logs, the whole recording.
    let fromMs = 0;
    let toMs = Date.now();
    if (evidence.logs) {
      fromMs = Date.parse(evidence.logs.signals.window.fromAt);
      toMs = Date.parse(evidence.logs.signals.window.toAt);
    } else {
      const { listRecording } = await import('@crawl-diag/profiler');
      const rec = await listRecording(o.profilesDir);
      fromMs = Math.min(...rec.windows.map((w) => w.startMs));
      toMs = Math.max(...rec.windows.map((w) => w.startMs)) + (rec.windowMs ?? 5000);
    }
    o.onProgress?.('doctor: reading profile recordings…');
    evidence.profiles = await recordingEvidence(o.profilesDir, fromMs, toMs, evidence.crawler);
    if (evidence.profiles.kinds.length === 0) {
      warnings.push(`${o.profilesDir}: no process kind has recorded windows both early and late in ${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()} (the logs' judged window); is it the recording of the same run?`);
    }
  }
  return evidence;
}
