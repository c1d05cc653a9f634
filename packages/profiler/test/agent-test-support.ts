// Runs the phase-shift workload under the real agent (a child process loading dist/agent.js) for the profiler tests.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect } from 'vitest';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { agentNodeOptions } from '../src/agent/node-options.js';

export const WORKLOAD = resolve(import.meta.dirname, 'agent-workload.mjs');

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunNodeOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Send SIGTERM this long after the child first prints `started` (the workload does with WORKLOAD_ANNOUNCE=1). */
  sigtermAfterStartedMs?: number;
  timeoutMs?: number;
}

export function runNode(args: string[], opts: RunNodeOptions = {}): Promise<ChildRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (opts.sigtermAfterStartedMs !== undefined && !killer && stdout.includes('started\n')) {
        killer = setTimeout(() => child.kill('SIGTERM'), opts.sigtermAfterStartedMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (killer) clearTimeout(killer);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
}

/** Records the workload with 500 ms windows into a fresh directory; returns the directory and the run. */
export async function recordWorkload(totalMs = 4000, kind = 'worker'): Promise<{ dir: string; run: ChildRun }> {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-diag-agent-'));
  const { execArgv, env } = agentNodeOptions(dir, kind, { window: '500ms' });
  const run = await runNode([...execArgv, WORKLOAD, String(totalMs)], { env });
  return { dir, run };
}

/**
 * For a test file: records the workload once before its tests (failing them if the host did not exit cleanly)
 * and removes the recording after. Read `.dir` inside tests.
 */
export function useRecordedWorkload(totalMs = 4000): { dir: string } {
  const state = { dir: '' };
  beforeAll(async () => {
    const rec = await recordWorkload(totalMs);
    state.dir = rec.dir;
    expect(rec.run.code).toBe(0);
  });
  afterAll(async () => {
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  });
  return state;
}
