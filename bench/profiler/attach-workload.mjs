// The target of the attach overhead benchmark: a CPU-bound Node process that works in fixed-size slices and,
// when its parent asks over IPC ("mark"), reports what happened since the previous mark: operations done,
// main-thread and whole-process CPU time, the longest slice in wall time and in main-thread on-CPU time (an
// attach pause inside JS shows up as one long slice; on-CPU time, from /proc/self/task/TID/schedstat, leaves out
// the time other processes had the core, so it isolates the pause from a busy machine's preemption), and the
// longest event-loop delay (monitorEventLoopDelay).
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const OPS_PER_SLICE = 2000;

function benchHotspot(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.sqrt(i) * Math.sin(i);
  return s;
}

/** CPU time of the main thread only (the sampler thread's CPU is not the work's), microseconds. */
function mainThreadCpuUs() {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return (ticks * 1e6) / 100; // USER_HZ is 100 on Linux
}

/** Nanoseconds the main thread has spent on a CPU (first field of schedstat). */
function mainThreadOnCpuNs() {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
}

/** utime + stime of the whole process (all threads: includes V8's sampler thread), microseconds. */
function processCpuUs() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
let ops = 0;
let maxSliceMs = 0;
let maxSliceOnCpuMs = 0;
let sink = 0;
let since = { ops: 0, wall: performance.now(), cpu: mainThreadCpuUs(), proc: processCpuUs() };

function slice() {
  const c0 = mainThreadOnCpuNs();
  const t0 = performance.now();
  for (let k = 0; k < 10; k++) sink += benchHotspot(OPS_PER_SLICE);
  ops += 10;
  const dt = performance.now() - t0;
  const cpu = (mainThreadOnCpuNs() - c0) / 1e6;
  if (dt > maxSliceMs) maxSliceMs = dt;
  if (cpu > maxSliceOnCpuMs) maxSliceOnCpuMs = cpu;
  setImmediate(slice);
}

process.on('message', (msg) => {
  if (msg !== 'mark') return;
  const now = { ops, wall: performance.now(), cpu: mainThreadCpuUs(), proc: processCpuUs() };
  process.send({
    ops: now.ops - since.ops,
    wallMs: now.wall - since.wall,
    mainCpuMs: (now.cpu - since.cpu) / 1000,
    processCpuMs: (now.proc - since.proc) / 1000,
    maxSliceMs,
    maxSliceOnCpuMs,
    maxEventLoopDelayMs: eld.max / 1e6,
  });
  since = now;
  maxSliceMs = 0;
  maxSliceOnCpuMs = 0;
  eld.reset();
});
process.on('disconnect', () => process.exit(0));
slice();
process.send('ready');
if (sink === 42) console.log('unlikely');
