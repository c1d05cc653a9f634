// CPU figures a bench run reports beside its throughput: how busy the whole machine was, and how much CPU the store
// server (FerretDB, when the bench started it) used per page. They tell a crawl held back by the CPU (the machine
// busy, the store server near a core) from one held back by waiting. Read from Linux /proc; elsewhere they are absent.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSec: number | undefined;
/** The kernel's clock ticks per second (USER_HZ) that /proc figures count in. */
function clockTicks(): number {
  if (ticksPerSec === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(out.stdout?.trim());
    ticksPerSec = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return ticksPerSec;
}

/** CPU time (user + system, ms) a process has used so far; undefined when it is gone or /proc is not there. */
export function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may contain spaces and parentheses): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

/** The pids of a process's live descendants (children first, then theirs); empty when /proc cannot tell. */
export function descendantPids(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(entry)]);
      } catch {
        // Exited while listing.
      }
    }
  } catch {
    return [];
  }
  const out: number[] = [];
  const queue = [...(byParent.get(pid) ?? [])];
  while (queue.length > 0) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(byParent.get(p) ?? []));
  }
  return out;
}

/**
 * CPU time (ms) of a process and all its descendants so far: each live one's own time plus what its exited children
 * used (cutime, cstime: counted once the parent has waited for them, as PostgreSQL's postmaster does for its
 * backends). For FerretDB on PostgreSQL the store server is the wrapper plus the cluster it started.
 */
export function processTreeCpuMs(pid: number): number | undefined {
  const own = (p: number): number | undefined => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / clockTicks();
    } catch {
      return undefined;
    }
  };
  const root = own(pid);
  if (root === undefined) return undefined;
  return descendantPids(pid).reduce((total, p) => total + (own(p) ?? 0), root);
}

export interface MachineCpuSample {
  busy: number;
  total: number;
}

/** The machine's cumulative CPU ticks (all cores): busy and total. */
export function machineCpu(): MachineCpuSample | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Share of all cores' time that was busy between two samples. */
export function busyShare(from: MachineCpuSample | undefined, to: MachineCpuSample | undefined): number | null {
  if (!from || !to || to.total <= from.total) return null;
  return (to.busy - from.busy) / (to.total - from.total);
}
