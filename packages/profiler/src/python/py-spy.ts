// Python processes are sampled by py-spy (`py-spy record --format raw`), by line and with the stacks of waiting
// threads kept (`--idle`), and a second py-spy without `--idle` tells which samples were running: each stack's
// time is split into CPU and waiting (inputs/py-spy.ts). py-spy reads the target's memory with ptrace, so it needs
// the permission to do so; both samplers' own CPU time is measured and reported in the profile's notes.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { ProfilerError } from '../errors.js';
import type { Profile } from '../model.js';
import { ProfileBuilder } from '../profile-builder.js';
import { addPySpySplit, dropLibraryThreads, parseFoldedCounts, withoutThreadRoots } from '../inputs/py-spy.js';
import { cpuTimeMs, processInfo, processLabel, type ProcessInfo } from '../procfs/process-info.js';
import type { SamplingOptions } from '../attach/attach-node.js';

export { parsePySpyFrame, addPySpyFolded } from '../inputs/py-spy.js';

export interface PySpyOptions extends SamplingOptions {
  /** The py-spy executable. Default `py-spy` on PATH (or $CRAWL_DIAG_PY_SPY). */
  pySpy?: string;
  /** Called once py-spy has started. */
  onSamplingStarted?: (e: { pid: number }) => void;
  /** `line` (default): a frame per line, as Pyflame and py-spy show; `function`: lines merged into the function's first line. */
  aggregate?: 'line' | 'function';
  /** One root frame per thread (`thread (TID): name`). Default false. */
  threads?: boolean;
  /** Also sample the target's child processes, each under a `process N:"cmd"` root. Default false. */
  subprocesses?: boolean;
  /**
   * Pause the target while each sample is read (py-spy without `--nonblocking`): no torn stacks, but every sample
   * stops every thread of the target for the time of the read. Default false: the target is never paused.
   */
  blocking?: boolean;
  /** Tell CPU from waiting with a second, running-only sampler (see inputs/py-spy.ts). Default true. */
  splitWaiting?: boolean;
}

interface PySpyRun {
  code: number | null;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
  out: string;
  /** CPU time py-spy itself used, ms (read from /proc while it ran: its last quarter second can be missed). */
  cpuMs: number;
}

function runPySpy(pySpy: string, args: string[], out: string, opts: PySpyOptions, onSpawn?: () => void): Promise<PySpyRun> {
  return new Promise((resolve) => {
    const child = spawn(pySpy, [...args, '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let cpuMs = 0;
    const poll = setInterval(() => {
      if (child.pid !== undefined) cpuMs = cpuTimeMs(child.pid) ?? cpuMs;
    }, 250);
    child.once('spawn', () => onSpawn?.());
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // py-spy writes what it has when interrupted, like Ctrl-C in a terminal.
    const onAbort = () => child.kill('SIGINT');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (r: Omit<PySpyRun, 'out' | 'cpuMs'>) => {
      clearInterval(poll);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ ...r, out, cpuMs });
    };
    child.on('error', (e: NodeJS.ErrnoException) => done({ code: null, stderr: err, spawnError: e }));
    child.on('close', (c) => done({ code: c, stderr: err }));
  });
}

function ptraceHint(): string {
  const scopeFile = '/proc/sys/kernel/yama/ptrace_scope';
  const scope = existsSync(scopeFile) ? readFileSync(scopeFile, 'utf8').trim() : undefined;
  const scopeText = scope !== undefined ? `${scopeFile} is ${scope}` : 'Yama is not enabled';
  return `py-spy was denied ptrace access (${scopeText}): run crawl-diag as root, or grant CAP_SYS_PTRACE (docker run --cap-add SYS_PTRACE), or set ${scopeFile} to 0`;
}

function lastLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n').filter(Boolean).pop()?.replace(/^py-spy> /, '') ?? '';
}

export async function profilePythonPid(pid: number, opts: PySpyOptions = {}): Promise<Profile> {
  return profilePython(processInfo(pid), opts);
}

export async function profilePython(info: ProcessInfo, opts: PySpyOptions = {}): Promise<Profile> {
  const rateHz = opts.rateHz ?? 100;
  const durationMs = opts.durationMs ?? 10_000;
  const intervalUs = Math.round(1e6 / rateHz);
  const pySpy = opts.pySpy ?? process.env.CRAWL_DIAG_PY_SPY ?? 'py-spy';
  const split = opts.splitWaiting ?? true;
  const dir = await mkdtemp(join(tmpdir(), 'crawl-diag-py-spy-'));
  const startTimeMs = Date.now();
  try {
    const args = ['record', '--pid', String(info.pid), '--format', 'raw', '--rate', String(rateHz), '--duration', String(Math.max(1, Math.ceil(durationMs / 1000))), '--full-filenames'];
    if (opts.aggregate === 'function') args.push('--function');
    // Thread roots always: they tell a library's parked background threads from the worker's (dropLibraryThreads).
    args.push('--threads');
    if (opts.subprocesses) args.push('--subprocesses');
    // The wall-time sampler keeps every thread's stack, waiting or not; the running-only one (py-spy's default)
    // keeps a stack only when the kernel says its thread runs. Only one tracer can pause a process, so with
    // --blocking the running-only sampler reads without pausing.
    const [wall, running] = await Promise.all([
      runPySpy(pySpy, [...args, '--idle', ...(opts.blocking ? [] : ['--nonblocking'])], join(dir, 'wall.txt'), opts, () => opts.onSamplingStarted?.({ pid: info.pid })),
      split ? runPySpy(pySpy, [...args, '--nonblocking'], join(dir, 'running.txt'), opts) : undefined,
    ]);
    const { code, stderr, spawnError } = wall;
    if (spawnError?.code === 'ENOENT') {
      throw new ProfilerError('py-spy-missing', `PID ${info.pid} is a Python process and py-spy is not installed: pip install py-spy`);
    }
    if (spawnError) throw new ProfilerError('py-spy-failed', `could not run py-spy: ${spawnError.message}`);
    if (/permission denied|operation not permitted|EPERM/i.test(stderr) && !existsSync(wall.out)) {
      throw new ProfilerError('ptrace-denied', ptraceHint());
    }
    if (!existsSync(wall.out)) {
      throw new ProfilerError('py-spy-failed', `py-spy could not sample PID ${info.pid}: ${lastLine(stderr) || `exit code ${code}`}`);
    }
    const builder = new ProfileBuilder();
    let runningCounts = running && existsSync(running.out) ? parseFoldedCounts(await readFile(running.out, 'utf8')) : undefined;
    if (split && !runningCounts) builder.warnings.push(`the running-only py-spy sampler gave nothing (${lastLine(running?.stderr)}): CPU and waiting are not told apart`);
    let wallCounts = parseFoldedCounts(await readFile(wall.out, 'utf8'));
    // One root per thread was asked for: every thread is shown. Otherwise the program's threads are.
    if (runningCounts && !opts.threads) {
      const library = dropLibraryThreads(wallCounts, runningCounts);
      wallCounts = library.wall;
      if (library.dropped.length) builder.notes.push(`left out ${library.dropped.length} library thread${library.dropped.length > 1 ? 's' : ''} of PID ${info.pid} with none of the program's code on its stacks (--threads shows them): ${library.dropped.join('; ')}`);
    }
    if (!opts.threads) {
      wallCounts = withoutThreadRoots(wallCounts);
      if (runningCounts) runningCounts = withoutThreadRoots(runningCounts);
    }
    const result = addPySpySplit(builder, wallCounts, runningCounts, intervalUs);
    const elapsedMs = Date.now() - startTimeMs;
    if (code !== 0 && !opts.signal?.aborted) builder.warnings.push(`py-spy ended with code ${code}: ${lastLine(stderr)}`);
    const pySpyCpuMs = wall.cpuMs + (running?.cpuMs ?? 0);
    builder.notes.push(
      `py-spy used ${pySpyCpuMs} ms of CPU over ${(elapsedMs / 1000).toFixed(1)} s on PID ${info.pid} (${((100 * pySpyCpuMs) / Math.max(1, elapsedMs)).toFixed(1)}% of one core, ${split ? 'two samplers' : 'one sampler'}); ` +
        (opts.blocking ? 'the target was paused for every sample (--blocking)' : 'the target was never paused (--nonblocking: a stack read while it changes can, rarely, be torn)'),
    );
    if (runningCounts) {
      const disagreement = result.running > 0 ? result.unmatched / result.running : 0;
      builder.notes.push(
        `CPU vs waiting on PID ${info.pid}: a second py-spy without --idle counted each stack's samples with its thread running (state R: on a CPU or ready for one): ` +
          `${result.running} of ${result.samples} samples; ${(100 * disagreement).toFixed(1)}% of the running samples fell on no line the wall-time sampler saw in the same function (left out)`,
      );
    }
    return builder.build({
      startTimeMs,
      durationMs: elapsedMs,
      intervalUs,
      collector: 'py-spy',
      processes: [{ pid: info.pid, runtime: 'python', command: info.argv.join(' '), label: processLabel(info) }],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
