// Profiles several live processes at once (explicit PIDs, a supervisor's children, a command-line pattern):
// Node through the inspector, Python through py-spy. Node processes whose inspectors would open on the same
// fixed port (the 9229 default) cannot be sampled at the same time, so those go one after another.
import { attachNodeProcess, type AttachNodeOptions } from './attach/attach-node.js';
import { inspectorFlags } from './attach/inspector-flags.js';
import { agentRecordingOf } from './attach/start-pause.js';
import { ProfilerError } from './errors.js';
import type { Profile } from './model.js';
import { childrenOf, processInfo, processesMatching, readEnviron, type ProcessInfo } from './procfs/process-info.js';
import type { PySpyOptions } from './python/py-spy.js';

export interface TargetSelection {
  pids?: number[];
  /** Direct children of these PIDs (a supervisor's workers). */
  childrenOf?: number[];
  /** Processes whose command line matches. */
  match?: RegExp;
}

/**
 * The processes to profile. Explicit PIDs must be Node or Python (else an error); processes found through
 * `childrenOf` or `match` that are neither are skipped and listed in `skipped`.
 */
export function resolveTargets(sel: TargetSelection): { targets: ProcessInfo[]; skipped: string[] } {
  const targets = new Map<number, ProcessInfo>();
  const skipped: string[] = [];
  for (const pid of sel.pids ?? []) {
    const info = processInfo(pid);
    if (info.runtime === 'unknown') {
      throw new ProfilerError(
        'not-node-or-python',
        `PID ${pid} (${info.argv.join(' ').slice(0, 80) || info.exe || '?'}) is neither Node nor Python; crawl-diag flame profiles Node (inspector) and Python (py-spy) processes`,
      );
    }
    targets.set(pid, info);
  }
  const found: number[] = [];
  for (const parent of sel.childrenOf ?? []) {
    const kids = childrenOf(parent);
    if (kids.length === 0) throw new ProfilerError('no-such-process', `PID ${parent} has no child processes to profile`);
    found.push(...kids);
  }
  if (sel.match) {
    const matched = processesMatching(sel.match);
    if (matched.length === 0) throw new ProfilerError('no-such-process', `no process command line matches /${sel.match.source}/; check with 'ps -eo pid,args'`);
    found.push(...matched);
  }
  for (const pid of found) {
    if (targets.has(pid)) continue;
    let info: ProcessInfo;
    try {
      info = processInfo(pid);
    } catch {
      continue; // exited since we listed it
    }
    if (info.runtime === 'unknown') skipped.push(`${pid} (${info.argv[0] ?? '?'})`);
    else targets.set(pid, info);
  }
  if (targets.size === 0) {
    throw new ProfilerError('not-node-or-python', `none of the selected processes is Node or Python${skipped.length ? ` (skipped: ${skipped.join(', ')})` : ''}`);
  }
  return { targets: [...targets.values()], skipped };
}

export interface ProfileProcessesOptions extends Omit<AttachNodeOptions, 'onSamplingStarted'> {
  /** How Python processes are sampled: by line or function, thread roots, subprocesses, pausing the target. */
  python?: Pick<PySpyOptions, 'aggregate' | 'threads' | 'subprocesses' | 'blocking'>;
  /** Told how the processes will be sampled (concurrently, or which ones one after another). */
  onPlan?: (plan: string) => void;
  /** Told when sampling of each process started, and through what (`inspector 127.0.0.1:9229`, `py-spy`). */
  onSamplingStarted?: (e: { pid: number; via: string }) => void;
}

export interface ProfiledSet {
  /** All processes in one profile, one root frame per process (the process's own profile when only one). */
  merged: Profile;
  perProcess: Profile[];
  plan: string;
}

/** Groups that must run one after another: Node processes sharing a fixed inspector port. */
function samplingGroups(targets: ProcessInfo[]): ProcessInfo[][] {
  const byPort = new Map<string, ProcessInfo[]>();
  for (const t of targets) {
    let key = `own-${t.pid}`;
    if (t.runtime === 'node') {
      const flags = inspectorFlags(t.argv, readEnviron(t.pid).get('NODE_OPTIONS'));
      if (!flags.openAtStart && flags.port !== 0) key = `port-${flags.port}`;
    }
    const group = byPort.get(key) ?? [];
    group.push(t);
    byPort.set(key, group);
  }
  return [...byPort.values()];
}

function describePlan(groups: ProcessInfo[][]): string {
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (total === 1) return `sampling PID ${groups[0][0].pid}`;
  const serial = groups.filter((g) => g.length > 1);
  if (serial.length === 0) return `sampling ${total} processes concurrently`;
  const parts = serial.map((g) => {
    const port = inspectorFlags(g[0].argv, readEnviron(g[0].pid).get('NODE_OPTIONS')).port;
    return `PIDs ${g.map((t) => t.pid).join(', ')} share inspector port ${port}, so they are sampled one after another`;
  });
  const rest = groups.length > serial.length ? '; the others concurrently with them' : '';
  return `sampling ${total} processes: ${parts.join('; ')}${rest} (start workers with --inspect-port=0 to sample all at once)`;
}

async function profileOne(info: ProcessInfo, opts: ProfileProcessesOptions): Promise<Profile> {
  const started = opts.onSamplingStarted;
  if (info.runtime === 'python') {
    // Loaded only for a Python target, and merging only once the samples are in: neither stands between a Node
    // target and its first sample.
    const { profilePython } = await import('./python/py-spy.js');
    return profilePython(info, { ...opts, ...opts.python, onSamplingStarted: ({ pid }) => started?.({ pid, via: 'py-spy' }) });
  }
  const profile = await attachNodeProcess(info, {
    ...opts,
    onSamplingStarted: ({ pid, endpoint }) =>
      started?.({ pid, via: `inspector ${endpoint.host}:${endpoint.port}${endpoint.openedByUs ? ' (opened by SIGUSR1, closed when done)' : ' (already open, left open)'}` }),
  });
  // The inspector sees no waits; a target running the agent has them in its recording.
  const recording = agentRecordingOf(info);
  if (recording) {
    const since = new Date(profile.startTimeMs);
    const hhmm = `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
    (profile.notes ??= []).push(`PID ${info.pid} runs the crawl-diag agent: where it waits is in its recording, crawl-diag flame ${recording}@${hhmm}..`);
  }
  return profile;
}

export async function profileProcesses(targets: ProcessInfo[], opts: ProfileProcessesOptions = {}): Promise<ProfiledSet> {
  const groups = samplingGroups(targets);
  const plan = describePlan(groups);
  opts.onPlan?.(plan);
  const failures: string[] = [];
  const results = await Promise.all(
    groups.map(async (group) => {
      const profiles: Profile[] = [];
      for (const info of group) {
        if (opts.signal?.aborted && profiles.length > 0) break;
        try {
          profiles.push(await profileOne(info, opts));
        } catch (err) {
          // One target failing must not cost the others' samples; a lone target's error is the command's error.
          if (targets.length === 1) throw err;
          failures.push(`PID ${info.pid}: ${(err as Error).message}`);
        }
      }
      return profiles;
    }),
  );
  const perProcess = results.flat();
  if (perProcess.length === 0) {
    throw new ProfilerError('inspector-unavailable', `no process could be profiled: ${failures.join('; ')}`);
  }
  const { mergeProfiles } = await import('./merge-profiles.js');
  const merged = mergeProfiles(perProcess);
  merged.warnings.push(...failures.map((f) => `not profiled: ${f}`));
  return { merged, perProcess, plan };
}
