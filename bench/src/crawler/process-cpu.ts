// CPU time of finished child processes, from /proc/self/stat (cutime + cstime): the kernel adds a child's CPU
// time, and that of every descendant it waited for, when the child is reaped. So the difference across one run
// is the CPU of that run's whole process tree (crawl-diag: dispatcher, supervisors, workers), and nothing of the
// bench process itself (where the simulated web runs).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Seconds of CPU (user + system) of the reaped children of this process so far. */
export function reapedChildrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may contain spaces) start at ')'; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}
