// Launch mode, `crawl-diag flame -- node app.js ARGS`: starts the command with its inspector on a free
// loopback port, paused until our profiler runs, so the profile covers it from its first line. When the command
// ends, Node waits for the connected debugger ("Waiting for the debugger to disconnect..."), which lets us fetch
// the last samples. The inspector is the default engine: the same sampler and model as attach, no extra process;
// `--engine 0x` (launch-0x.ts) is the one for native frames.
import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import { ProfilerError } from '../errors.js';
import type { Profile } from '../model.js';
import { CdpConnection } from '../attach/cdp-session.js';
import { DEFAULT_CHUNK_MS, samplingIntervalUs, type SamplingOptions } from '../attach/attach-node.js';
import { sampleConnection } from '../attach/sample-connection.js';

export interface LaunchNodeOptions extends SamplingOptions {
  /** When set, sampling stops after this long and the command is sent SIGTERM. Default: until it exits. */
  durationMs?: number;
  chunkMs?: number;
  workerThreads?: boolean;
  /** How long the command may take to open its inspector. Default 10_000 ms. */
  startTimeoutMs?: number;
  onSamplingStarted?: (e: { pid: number }) => void;
  /** Where the command's stdout goes: ours (default), or our stderr when our stdout carries the profile. */
  commandStdout?: 'inherit' | 'stderr';
}

const INSPECTOR_NOISE = /^(Debugger listening on ws:|For help, see: https:\/\/nodejs\.org|Debugger attached\.|Waiting for the debugger to disconnect\.\.\.|Debugger ending on ws:)/;

export function nodeCommand(command: string[]): { exe: string; args: string[] } {
  const [first, ...rest] = command;
  if (/^node(js)?(\d+(\.\d+)*)?$/.test(basename(first))) return { exe: first, args: rest };
  if (/\.(c|m)?js$/.test(first)) return { exe: process.execPath, args: command };
  throw new ProfilerError(
    'launch-failed',
    `launch mode runs Node programs: crawl-diag flame -- node app.js ARGS ('${first}' is not node or a .js file); for Python use py-spy record -- python app.py`,
    2,
  );
}

/** Relays the command's stderr, minus the inspector's own messages; resolves with the inspector URL. */
function inspectorUrlFrom(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let found = false;
    const timer = setTimeout(() => reject(new ProfilerError('launch-failed', `the command did not open its inspector within ${timeoutMs} ms`)), timeoutMs);
    child.stderr!.on('data', (data: Buffer) => {
      pending += data.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^Debugger listening on (ws:\/\/\S+)/.exec(line);
        if (m && !found) {
          found = true;
          clearTimeout(timer);
          resolve(m[1]);
        }
        if (!INSPECTOR_NOISE.test(line)) process.stderr.write(`${line}\n`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!found) reject(new ProfilerError('launch-failed', `the command exited (code ${code}) before its inspector opened`));
    });
  });
}

export async function launchNode(command: string[], opts: LaunchNodeOptions = {}): Promise<Profile> {
  if (command.length === 0) throw new ProfilerError('launch-failed', 'give a command after --, e.g. crawl-diag flame -- node app.js', 2);
  const { exe, args } = nodeCommand(command);
  const intervalUs = samplingIntervalUs(opts.rateHz);
  // --inspect-brk: the command waits for us before running any of its code; 127.0.0.1:0 gives a free loopback port.
  const child = spawn(exe, ['--inspect-brk=127.0.0.1:0', ...args], { stdio: ['inherit', opts.commandStdout === 'stderr' ? 2 : 'inherit', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(new ProfilerError('launch-failed', `could not start '${command[0]}': ${err.message}`))),
  );
  const pid = child.pid ?? 0;

  const url = await Promise.race([inspectorUrlFrom(child, opts.startTimeoutMs ?? 10_000), spawnFailed]);
  const conn = await CdpConnection.connect(url);
  // The command's end shows as its main context going away while Node waits for us to disconnect.
  const contextGone = new Promise<void>((resolve) => conn.main.on('Runtime.executionContextDestroyed', () => resolve()));
  await conn.main.send('Runtime.enable');

  const sampled = await sampleConnection(
    conn,
    {
      intervalUs,
      durationMs: opts.durationMs ?? Number.POSITIVE_INFINITY,
      chunkMs: Math.max(200, opts.chunkMs ?? DEFAULT_CHUNK_MS),
      signal: opts.signal,
      workerThreads: opts.workerThreads ?? true,
      until: Promise.race([contextGone, exited]),
      afterStart: () => conn.main.send('Runtime.runIfWaitingForDebugger'),
      who: `PID ${pid}`,
    },
    () => opts.onSamplingStarted?.({ pid }),
  );
  const { builder } = sampled;
  conn.close();

  if (child.exitCode === null && child.signalCode === null) {
    const ended = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(r, 1000, undefined))]);
    if (!ended) {
      builder.warnings.push(`sampling stopped after ${((sampled.endTimeMs - sampled.startTimeMs) / 1000).toFixed(1)} s; sent SIGTERM to the command (PID ${pid})`);
      child.kill('SIGTERM');
    }
  }
  const end = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(r, 5000, undefined))]);
  if (end && end.code !== 0 && end.code !== null) builder.warnings.push(`the command exited with code ${end.code}`);
  if (sampled.targetGone && !sampled.builder.samples.length) builder.warnings.push('the inspector closed before any samples could be fetched');

  return builder.build({
    startTimeMs: sampled.startTimeMs,
    durationMs: sampled.endTimeMs - sampled.startTimeMs,
    intervalUs,
    collector: 'inspector',
    processes: [{ pid, runtime: 'node', command: [exe, ...args].join(' '), label: `${basename(exe)} ${pid}${args[0] ? ` ${basename(args.find((a) => !a.startsWith('-')) ?? args[0])}` : ''}` }],
  });
}
