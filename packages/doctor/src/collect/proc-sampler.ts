// Samples processes and the whole machine from /proc, the way dstat/pidstat do: per-process CPU (share of one core)
// and RSS over time, system-wide CPU busy share, available memory and load average.
// Written by hand on purpose: each /proc file is a one-line split, and the npm wrappers (pidusage and the like)
// give one reading per call without the system-wide figures, so they would save nothing and add a dependency.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/PID/stat times (USER_HZ); 100 on every Linux build Node runs on. */
const CLK_TCK = 100;

export interface ProcTimes {
  /** utime + stime in clock ticks. */
  ticks: number;
  rssBytes: number;
  /** Process name from /proc/PID/stat (comm). */
  comm: string;
}

/** CPU ticks and RSS of one process; undefined when it has gone. */
export function readProcTimes(pid: number): ProcTimes | undefined {
  let stat: string;
  let status: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  // comm sits in parentheses and may itself hold spaces or ')': split after the last ')'.
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const rest = stat.slice(close + 2).split(' ');
  // Fields after comm start at field 3 (state); utime is field 14, stime field 15.
  const ticks = Number(rest[14 - 3]) + Number(rest[15 - 3]);
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return { ticks, rssBytes: rss ? Number(rss[1]) * 1024 : 0, comm };
}

export interface SystemTimes {
  busy: number;
  total: number;
}

/** Aggregate CPU jiffies from the first line of /proc/stat (iowait and idle count as not busy). */
export function readSystemTimes(text = readFileSync('/proc/stat', 'utf8')): SystemTimes {
  const line = text.slice(0, text.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** MemTotal and MemAvailable in bytes. */
export function readMemInfo(text = readFileSync('/proc/meminfo', 'utf8')): { totalBytes: number; availableBytes: number } {
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { totalBytes: kb('MemTotal'), availableBytes: kb('MemAvailable') };
}

/** One-minute load average. */
export function readLoad1(text = readFileSync('/proc/loadavg', 'utf8')): number {
  return Number(text.split(' ')[0]);
}

export interface ProcessSeries {
  pid: number;
  /** What the process is: `dispatcher`, `supervisor`, `worker` for crawl-diag processes, else its comm. */
  kind: string;
  label: string;
  /** CPU share of one core per interval (1 = one core busy), null once the process has gone. */
  cpu: Array<number | null>;
  rssBytes: Array<number | null>;
}

export interface ProcSamples {
  /** Epoch ms at the end of each interval. */
  at: number[];
  intervalMs: number;
  processes: ProcessSeries[];
  /** System-wide busy share of all cores per interval (0..1). */
  systemCpu: number[];
  memAvailableBytes: number[];
  memTotalBytes: number;
  load1: number[];
  cores: number;
}

export interface SampleOptions {
  pids: number[];
  /** Names the pids by kind; default: the comm name. */
  kindOf?: (pid: number) => string;
  labelOf?: (pid: number) => string;
  /** How long to sample, ms. */
  durationMs: number;
  /** Between readings, ms. Default 1000. */
  intervalMs?: number;
  /** Stops early (e.g. Ctrl-C). */
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => (clearTimeout(t), resolve());
    const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export async function sampleProcesses(o: SampleOptions): Promise<ProcSamples> {
  const intervalMs = o.intervalMs ?? 1000;
  const cores = (readFileSync('/proc/stat', 'utf8').match(/^cpu\d+ /gm) ?? []).length || 1;
  const series: ProcessSeries[] = o.pids.map((pid) => {
    const t = readProcTimes(pid);
    return { pid, kind: o.kindOf?.(pid) ?? t?.comm ?? String(pid), label: o.labelOf?.(pid) ?? `${t?.comm ?? '?'} ${pid}`, cpu: [], rssBytes: [] };
  });
  const out: ProcSamples = { at: [], intervalMs, processes: series, systemCpu: [], memAvailableBytes: [], memTotalBytes: 0, load1: [], cores };
  let prevProc = o.pids.map(readProcTimes);
  let prevSys = readSystemTimes();
  let prevAt = Date.now();
  const end = prevAt + o.durationMs;
  while (Date.now() < end && !o.signal?.aborted) {
    await sleep(Math.min(intervalMs, Math.max(1, end - Date.now())), o.signal);
    const now = Date.now();
    const elapsedSec = (now - prevAt) / 1000;
    if (elapsedSec <= 0.05) break;
    const proc = o.pids.map(readProcTimes);
    const sys = readSystemTimes();
    proc.forEach((p, i) => {
      const before = prevProc[i];
      series[i].cpu.push(p && before ? (p.ticks - before.ticks) / CLK_TCK / elapsedSec : null);
      series[i].rssBytes.push(p ? p.rssBytes : null);
    });
    const dt = sys.total - prevSys.total;
    out.systemCpu.push(dt > 0 ? (sys.busy - prevSys.busy) / dt : 0);
    const mem = readMemInfo();
    out.memTotalBytes = mem.totalBytes;
    out.memAvailableBytes.push(mem.availableBytes);
    out.load1.push(readLoad1());
    out.at.push(now);
    [prevProc, prevSys, prevAt] = [proc, sys, now];
  }
  return out;
}
