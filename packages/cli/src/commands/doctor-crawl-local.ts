// `crawl-diag doctor --crawl-local "ARGS"`: runs `crawl-diag crawl local ARGS` to its end with a log directory and
// the profiling agent switched on, then hands the logs and the recording to the doctor. The crawl is this same
// binary in a child process, so what is observed is exactly what an operator would run.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseDuration } from './flame.js';

export interface ObservedCrawl {
  logDir: string;
  profileDir: string;
  exitCode: number | null;
}

/** Splits ARGS on white space (no quoting: paths with spaces need a --seeds file elsewhere). */
export function crawlLocalArgs(text: string): string[] {
  const args = text.trim().split(/\s+/).filter(Boolean);
  if (args[0] === 'crawl') args.shift();
  if (args[0] === 'local') args.shift();
  if (!args.includes('--duration') && !args.some((a) => a.startsWith('--duration=')) && !args.includes('--max-pages')) {
    throw new UsageError("--crawl-local needs --duration (e.g. --crawl-local '--seeds seeds.txt --duration 60s'): the doctor waits for the crawl to end");
  }
  return args;
}

/**
 * The profiling agent's window for a crawl of `durationMs`: the doctor compares the first and the last third of the
 * judged window, so each third needs several recorded windows. The agent's default (30 s) leaves a 30 s crawl with one
 * window per process and nothing to compare; a twelfth of the crawl (1 s to 30 s) gives about four per third.
 */
export function profileWindowFor(durationMs: number | undefined): string {
  if (durationMs === undefined) return '30s';
  return `${Math.round(Math.max(1000, Math.min(30_000, durationMs / 12)))}ms`;
}

function valueOf(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].slice(args[i].indexOf('=') + 1) : args[i + 1];
}

export async function runObservedCrawl(argsText: string, onLine: (line: string) => void): Promise<ObservedCrawl> {
  const args = crawlLocalArgs(argsText);
  let logDir = valueOf(args, '--log-dir');
  let profileDir = valueOf(args, '--profile-dir');
  // Kept after the run (its path is printed): the operator may want to look at the logs and profiles again.
  const dir = !logDir || !profileDir ? await mkdtemp(join(tmpdir(), 'crawl-diag-doctor-')) : '';
  if (!logDir) args.push('--log-dir', (logDir = join(dir, 'logs')));
  if (!profileDir) args.push('--profile-dir', (profileDir = join(dir, 'profiles')));
  onLine(`doctor: running crawl-diag crawl local ${args.join(' ')}`);
  const durationText = valueOf(args, '--duration');
  // An operator's own CRAWL_DIAG_PROFILE_WINDOW wins.
  const window = process.env.CRAWL_DIAG_PROFILE_WINDOW ?? profileWindowFor(durationText ? parseDuration(durationText, 'duration') : undefined);
  const child = spawn(process.execPath, [process.argv[1], 'crawl', 'local', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CRAWL_DIAG_PROFILE_WINDOW: window },
  });
  // Ctrl-C reaches the crawl through the terminal's process group; the crawl ends cleanly and the doctor goes on.
  const onSigint = () => undefined;
  process.on('SIGINT', onSigint);
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-4000);
    for (const line of d.toString('utf8').split('\n')) if (/^crawl(: \d+ pages| finished)/.test(line)) onLine(line);
  });
  const exitCode = await new Promise<number | null>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res(code));
  });
  process.off('SIGINT', onSigint);
  if (exitCode !== 0 && exitCode !== 130) {
    const last = tail.trim().split('\n').filter(Boolean).pop() ?? '';
    throw new UsageError(`the crawl ended with exit code ${exitCode}: ${last.replace(/^crawl-diag: /, '')}`);
  }
  onLine(`doctor: crawl logs in ${logDir}, profiles in ${profileDir}`);
  return { logDir: resolve(logDir), profileDir: resolve(profileDir), exitCode };
}
