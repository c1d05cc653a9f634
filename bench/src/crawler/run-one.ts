// Runs one crawler as a child process tree and measures it: wall time from spawn to exit, and CPU seconds of the
// whole tree (see process-cpu.ts).
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { reapedChildrenCpuSeconds } from './process-cpu.js';

export interface ProcessRun {
  code: number | null;
  wallSeconds: number;
  cpuSeconds: number;
  stdout: string;
  stderr: string;
}

/** Runs `node args…` to completion (killed after `timeoutMs`). One at a time: the CPU figure is per process tree. */
export function runMeasured(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  const cpuBefore = reapedChildrenCpuSeconds();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        wallSeconds: (performance.now() - started) / 1000,
        cpuSeconds: reapedChildrenCpuSeconds() - cpuBefore,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}
