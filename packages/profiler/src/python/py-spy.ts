// Python processes are sampled by py-spy (`py-spy record --format raw`), whose folded output is parsed into
// the same Profile model. py-spy reads the target's memory with ptrace, so it needs the permission to do so.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { ProfilerError } from '../errors.js';
import type { Frame, Profile } from '../model.js';
import { ProfileBuilder } from '../profile-builder.js';
import { processInfo, processLabel, type ProcessInfo } from '../procfs/process-info.js';
import type { SamplingOptions } from '../attach/attach-node.js';

export interface PySpyOptions extends SamplingOptions {
  /** The py-spy executable. Default `py-spy` on PATH (or $CRAWL_DIAG_PY_SPY). */
  pySpy?: string;
  /** Called once py-spy has started. */
  onSamplingStarted?: (e: { pid: number }) => void;
}

/** One py-spy frame, `function (file.py:line)`, as a model frame. */
export function parsePySpyFrame(text: string): Frame {
  const m = /^(.*) \((.+):(\d+)\)$/.exec(text);
  if (m) return { name: m[1] || '(anonymous)', file: m[2], line: Number(m[3]), kind: 'js' };
  const noLine = /^(.*) \((.+)\)$/.exec(text);
  if (noLine) return { name: noLine[1], file: noLine[2], kind: 'js' };
  return { name: text, kind: 'native' };
}

/**
 * Adds py-spy's raw (folded) output to a builder, each sample weighted by the nominal interval (py-spy gives
 * counts, not times). Returns the number of samples.
 */
export function addPySpyFolded(builder: ProfileBuilder, folded: string, intervalUs: number, prefix: number[] = []): number {
  let total = 0;
  for (const line of folded.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space <= 0) continue;
    const count = Number(line.slice(space + 1));
    if (!Number.isFinite(count) || count <= 0) continue;
    const stack = [...prefix, ...line.slice(0, space).split(';').map((f) => builder.frameId(parsePySpyFrame(f)))];
    builder.addSample({ stack, weightUs: count * intervalUs, count });
    total += count;
  }
  return total;
}

function ptraceHint(): string {
  const scopeFile = '/proc/sys/kernel/yama/ptrace_scope';
  const scope = existsSync(scopeFile) ? readFileSync(scopeFile, 'utf8').trim() : undefined;
  const scopeText = scope !== undefined ? `${scopeFile} is ${scope}` : 'Yama is not enabled';
  return `py-spy was denied ptrace access (${scopeText}): run crawl-diag as root, or grant CAP_SYS_PTRACE (docker run --cap-add SYS_PTRACE), or set ${scopeFile} to 0`;
}

export async function profilePythonPid(pid: number, opts: PySpyOptions = {}): Promise<Profile> {
  return profilePython(processInfo(pid), opts);
}

export async function profilePython(info: ProcessInfo, opts: PySpyOptions = {}): Promise<Profile> {
  const rateHz = opts.rateHz ?? 100;
  const durationMs = opts.durationMs ?? 10_000;
  const intervalUs = Math.round(1e6 / rateHz);
  const pySpy = opts.pySpy ?? process.env.CRAWL_DIAG_PY_SPY ?? 'py-spy';
  const dir = await mkdtemp(join(tmpdir(), 'crawl-diag-py-spy-'));
  const out = join(dir, 'raw.txt');
  const startTimeMs = Date.now();
  try {
    const args = ['record', '--pid', String(info.pid), '--format', 'raw', '--rate', String(rateHz), '--duration', String(Math.max(1, Math.ceil(durationMs / 1000))), '--function', '--full-filenames', '--nonblocking', '-o', out];
    const { code, stderr, spawnError } = await new Promise<{ code: number | null; stderr: string; spawnError?: NodeJS.ErrnoException }>((resolve) => {
      const child = spawn(pySpy, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.once('spawn', () => opts.onSamplingStarted?.({ pid: info.pid }));
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      // py-spy writes what it has when interrupted, like Ctrl-C in a terminal.
      const onAbort = () => child.kill('SIGINT');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (e: NodeJS.ErrnoException) => resolve({ code: null, stderr: err, spawnError: e }));
      child.on('close', (c) => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve({ code: c, stderr: err });
      });
    });
    if (spawnError?.code === 'ENOENT') {
      throw new ProfilerError('py-spy-missing', `PID ${info.pid} is a Python process and py-spy is not installed: pip install py-spy`);
    }
    if (spawnError) throw new ProfilerError('py-spy-failed', `could not run py-spy: ${spawnError.message}`);
    if (/permission denied|operation not permitted|EPERM/i.test(stderr) && !existsSync(out)) {
      throw new ProfilerError('ptrace-denied', ptraceHint());
    }
    if (!existsSync(out)) {
      const last = stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${code}`;
      throw new ProfilerError('py-spy-failed', `py-spy could not sample PID ${info.pid}: ${last.replace(/^py-spy> /, '')}`);
    }
    const builder = new ProfileBuilder();
    const sampled = addPySpyFolded(builder, await readFile(out, 'utf8'), intervalUs);
    const elapsedMs = Date.now() - startTimeMs;
    // py-spy leaves out moments when no thread runs Python code; they are the worker's idle time.
    const expected = Math.round((Math.min(durationMs, elapsedMs) / 1000) * rateHz);
    if (expected > sampled) {
      builder.addSample({ stack: [builder.frameId({ name: '(idle)', kind: 'idle' })], weightUs: (expected - sampled) * intervalUs, count: expected - sampled });
    }
    if (code !== 0 && !opts.signal?.aborted) builder.warnings.push(`py-spy ended with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`);
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
