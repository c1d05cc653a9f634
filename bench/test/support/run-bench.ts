// Runs `node bench/bin/bench.js ARGS` as a real child process, as a user's `npm run bench -- ARGS` does, and
// collects its output. On timeout it sends SIGTERM: the bench stops its crawls and the simulated web on it.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const BENCH_BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'bench.js');

export function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BENCH_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
