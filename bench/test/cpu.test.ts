// The CPU figures the bench reports beside throughput, read from /proc: a real busy child process's CPU time grows
// by about the time it spins, an idle one's does not; the machine's busy share is a share.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { busyShare, machineCpu, processCpuMs } from '../src/common/cpu.js';

describe('bench CPU figures', () => {
  it('counts a spinning process and not a sleeping one', async () => {
    const spin = spawn(process.execPath, ['-e', 'const end = Date.now() + 1500; while (Date.now() < end);']);
    const sleep = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1500)']);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const before = { spin: processCpuMs(spin.pid!)!, sleep: processCpuMs(sleep.pid!)!, machine: machineCpu() };
      await new Promise((r) => setTimeout(r, 1000));
      const spun = processCpuMs(spin.pid!)! - before.spin;
      const slept = processCpuMs(sleep.pid!)! - before.sleep;
      // The spinner had at most 1 s of CPU in 1 s of wall time; on a loaded 2-core machine it gets less, but far more
      // than a process waiting on a timer.
      expect(spun).toBeGreaterThan(200);
      expect(spun).toBeLessThanOrEqual(1100);
      expect(slept).toBeLessThan(100);
      const share = busyShare(before.machine, machineCpu());
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThanOrEqual(1);
    } finally {
      spin.kill();
      sleep.kill();
      await Promise.all([spin.exitCode === null ? once(spin, 'exit') : undefined, sleep.exitCode === null ? once(sleep, 'exit') : undefined]);
    }
  });

  it('answers undefined for a process that is gone', async () => {
    const p = spawn(process.execPath, ['-e', '']);
    await once(p, 'exit');
    expect(processCpuMs(p.pid!)).toBeUndefined();
  });
});
