// What /proc says about a process: does it exist, what runs in it (Node, Python), which signals it catches,
// its children, and which processes match a command-line pattern. Linux only, read without any privilege
// beyond what `ps` needs.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { ProfilerError } from '../errors.js';

export type Runtime = 'node' | 'python' | 'unknown';

export interface ProcessInfo {
  pid: number;
  /** argv as the process sees it. */
  argv: string[];
  /** Resolved /proc/PID/exe, or undefined when it cannot be read (another user's process). */
  exe?: string;
  runtime: Runtime;
}

/** Reads /proc/PID/cmdline; throws `no-such-process` when the PID does not exist. */
export function readArgv(pid: number): string[] {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') {
      throw new ProfilerError('no-such-process', `no process with PID ${pid}; check the PID with 'ps -e'`);
    }
    throw err;
  }
  return raw.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
}

/** True while the process runs; a zombie (exited, not yet reaped by its parent) counts as gone. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

function readExe(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Node or Python, judged from the executable's name first and the command line second. */
export function runtimeOf(exe: string | undefined, argv: string[]): Runtime {
  const names = [exe, argv[0]].filter((n): n is string => !!n).map((n) => basename(n.replace(/ \(deleted\)$/, '')));
  for (const name of names) {
    if (/^node(js)?(\d+(\.\d+)*)?$/.test(name)) return 'node';
    if (/^(python|pypy)(\d+(\.\d+)*)?[a-z]?$/.test(name)) return 'python';
  }
  return 'unknown';
}

export function processInfo(pid: number): ProcessInfo {
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new ProfilerError('bad-input', `'${pid}' is not a PID; give a positive process id`, 2);
  }
  const argv = readArgv(pid);
  const exe = readExe(pid);
  return { pid, argv, exe, runtime: runtimeOf(exe, argv) };
}

/** Signal numbers whose handler is installed (SigCgt in /proc/PID/status: bit n-1 set for signal n). */
export function caughtSignals(pid: number): Set<number> {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new ProfilerError('no-such-process', `no process with PID ${pid}; check the PID with 'ps -e'`);
  }
  const match = /^SigCgt:\s*([0-9a-f]+)$/im.exec(status);
  const caught = new Set<number>();
  if (!match) return caught;
  const mask = BigInt(`0x${match[1]}`);
  for (let signal = 1; signal <= 64; signal++) {
    if ((mask >> BigInt(signal - 1)) & 1n) caught.add(signal);
  }
  return caught;
}

/** The process's environment, or an empty map when it cannot be read (another user's process). */
export function readEnviron(pid: number): Map<string, string> {
  const env = new Map<string, string>();
  try {
    for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  } catch {
    // Unreadable environ only costs us NODE_OPTIONS hints; the inspector port is still found from sockets.
  }
  return env;
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may contain spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** Direct children of PID (a supervisor's workers), in PID order. */
export function childrenOf(pid: number): number[] {
  readArgv(pid); // throws no-such-process
  return allPids()
    .filter((p) => parentOf(p) === pid)
    .sort((a, b) => a - b);
}

/** Processes whose command line (argv joined by spaces) matches the pattern, except this process and its parents. */
export function processesMatching(pattern: RegExp): number[] {
  const excluded = new Set<number>([process.pid, process.ppid]);
  const found: number[] = [];
  for (const pid of allPids()) {
    if (excluded.has(pid)) continue;
    let argv: string[];
    try {
      argv = readArgv(pid);
    } catch {
      continue;
    }
    if (argv.length > 0 && pattern.test(argv.join(' '))) found.push(pid);
  }
  return found.sort((a, b) => a - b);
}

/** Short label for a process root frame: `node 4242 worker.js`. */
export function processLabel(info: ProcessInfo): string {
  const exe = basename(info.argv[0] ?? info.exe ?? '?');
  const script = info.argv.slice(1).find((a) => !a.startsWith('-'));
  return [exe, String(info.pid), script ? basename(script) : undefined].filter(Boolean).join(' ');
}

/** CPU time (user + system) a process has used so far, ms; undefined once it is gone. Clock ticks are 100 Hz on Linux. */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
