// The CPU figures the bench reports beside throughput, read from /proc: a real busy child process's CPU time grows
// by about the time it spins, an idle one's does not; the machine's busy share is a share.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { busyShare, machineCpu, processCpuMs, processTreeCpuMs } from '../src/common/cpu.js';

describe('bench CPU figures', () => {
  it('counts a spinning process and not a sleeping one', async () => {
    const spin = spawn(process.execPath, ['-e', 'const end = Date.now() + 30000; while (Date.now() < end);']);
    const sleep = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const before = { spin: processCpuMs(spin.pid!)!, sleep: processCpuMs(sleep.pid!)!, machine: machineCpu(), at: Date.now() };
      // On a loaded machine the spinner gets a fraction of a core: wait (bounded) until it has used 300 ms of CPU.
      while (processCpuMs(spin.pid!)! - before.spin < 300 && Date.now() - before.at < 20_000) await new Promise((r) => setTimeout(r, 50));
      const wallMs = Date.now() - before.at;
      const spun = processCpuMs(spin.pid!)! - before.spin;
      const slept = processCpuMs(sleep.pid!)! - before.sleep;
      expect(spun).toBeGreaterThanOrEqual(300);
      // One busy thread: about as much CPU as wall time at most (a little slack for clock ticks and V8 helper threads).
      expect(spun).toBeLessThanOrEqual(wallMs * 1.1 + 30);
      expect(slept).toBeLessThan(spun / 5);
      const share = busyShare(before.machine, machineCpu());
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThanOrEqual(1);
    } finally {
      spin.kill();
      sleep.kill();
      await Promise.all([spin.exitCode === null ? once(spin, 'exit') : undefined, sleep.exitCode === null ? once(sleep, 'exit') : undefined]);
    }
  }, 40_000);

  it('answers undefined for a process that is gone', async () => {
    const p = spawn(process.execPath, ['-e', '']);
    await once(p, 'exit');
    expect(processCpuMs(p.pid!)).toBeUndefined();
  });

  it('counts a process tree: a parent that only waits, with the CPU of the child it started (FerretDB and PostgreSQL)', async () => {
    // The parent takes its spinning child along when it is stopped.
    const child = `const c = require('node:child_process').spawn(process.execPath, ['-e', 'const end = Date.now() + 30000; while (Date.now() < end);'], { stdio: 'inherit' }); process.on('SIGTERM', () => { c.kill('SIGKILL'); process.exit(0); }); setTimeout(() => {}, 30000);`;
    const parent = spawn(process.execPath, ['-e', child]);
    try {
      const started = Date.now();
      while ((processTreeCpuMs(parent.pid!) ?? 0) - (processCpuMs(parent.pid!) ?? 0) < 300 && Date.now() - started < 20_000) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const tree = processTreeCpuMs(parent.pid!)!;
      const own = processCpuMs(parent.pid!)!;
      expect(tree - own).toBeGreaterThanOrEqual(300);
      expect(processTreeCpuMs(2 ** 22 + 12345)).toBeUndefined();
    } finally {
      if (parent.exitCode === null) {
        parent.kill('SIGTERM');
        await once(parent, 'exit');
      }
    }
  }, 30_000);
});
