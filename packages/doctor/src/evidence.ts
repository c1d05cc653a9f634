// Gathers what the doctor judges: the log report (offline), /proc samples of live processes over a window, and
// profiles per process kind — from the agent's recordings (`--profiles DIR`) or live, at the start and the end of
// the window through the profiler's attach API.
import { attachNodeProcess, processInfo, type Profile } from '@crawl-diag/profiler';
import { gatherLogEvidence, type LogEvidence } from './log-evidence.js';
import { procEvidence, type ProcEvidence } from './proc-evidence.js';
import { sampleProcesses } from './proc-sampler.js';
import { liveEvidence, recordingEvidence, type ProfileEvidence } from './profile-evidence.js';

export interface Evidence {
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
  /** Live processes to sample from /proc (and profile, when `profileMs` > 0). */
  pids?: number[];
  /** Sampling window for live processes, ms. Default 30 000. */
  durationMs?: number;
  /** /proc sampling interval, ms. Default: a thirtieth of the window, 200 to 1000 ms (the trend test needs 10+ readings). */
  intervalMs?: number;
  /** Length of each live profile at the start and the end of the window, ms; 0 takes none. Default 3000. */
  profileMs?: number;
  /** The continuous-profiling agent's recording directory; used instead of live profiles. */
  profilesDir?: string;
  signal?: AbortSignal;
  /** Progress for people (stderr). */
  onProgress?: (line: string) => void;
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

async function liveProfiles(pids: number[], ms: number, warnings: string[], signal?: AbortSignal): Promise<Array<{ kind: string; profile: Profile }>> {
  const out: Array<{ kind: string; profile: Profile }> = [];
  // One after another: processes started with the default inspector port would clash if attached together.
  for (const pid of pids) {
    if (signal?.aborted) break;
    try {
      const info = processInfo(pid);
      if (info.runtime !== 'node') continue;
      out.push({ kind: processKind(info.argv), profile: await attachNodeProcess(info, { durationMs: ms, signal }) });
    } catch (err) {
      warnings.push(`could not profile PID ${pid}: ${(err as Error).message}`);
    }
  }
  return out;
}

export async function gatherEvidence(o: GatherOptions): Promise<Evidence> {
  const warnings: string[] = [];
  const evidence: Evidence = { warnings };
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
      o.onProgress?.(`doctor: profiling for ${profileMs} ms at the start…`);
      early = await liveProfiles(pids, profileMs, warnings, o.signal);
      const waitMs = durationMs - profileMs * pids.length * 2;
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      o.onProgress?.(`doctor: profiling for ${profileMs} ms at the end…`);
      late = await liveProfiles(pids, profileMs, warnings, o.signal);
    }
    evidence.proc = procEvidence(await sampling);
    if (early.length && late.length) evidence.profiles = liveEvidence(early, late);
  }
  if (o.logs && o.logs.length > 0) {
    o.onProgress?.('doctor: reading logs…');
    evidence.logs = await gatherLogEvidence({ paths: o.logs, groupBy: o.groupBy, warmupSec: o.warmupSec });
  }
  if (o.profilesDir) {
    // Compare the same window the logs are judged on; without logs, the whole recording.
    let fromMs = 0;
    let toMs = Date.now();
    if (evidence.logs) {
      const r = evidence.logs.report;
      const start = Date.parse(r.start);
      fromMs = start + evidence.logs.window.from * r.bucketMs;
      toMs = start + evidence.logs.window.to * r.bucketMs;
    } else {
      const { listRecording } = await import('@crawl-diag/profiler');
      const rec = await listRecording(o.profilesDir);
      fromMs = Math.min(...rec.windows.map((w) => w.startMs));
      toMs = Math.max(...rec.windows.map((w) => w.startMs)) + (rec.windowMs ?? 5000);
    }
    o.onProgress?.('doctor: reading profile recordings…');
    evidence.profiles = await recordingEvidence(o.profilesDir, fromMs, toMs);
    if (evidence.profiles.kinds.length === 0) {
      warnings.push(`${o.profilesDir}: no process kind has recorded windows both early and late in ${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()} (the logs' judged window); is it the recording of the same run?`);
    }
  }
  return evidence;
}
