// Test support: real child processes to profile, started and reliably cleaned up.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, 'fixtures');

export interface LiveProcess {
  child: ChildProcess;
  pid: number;
  alive(): boolean;
  stop(): Promise<void>;
}

const started = new Set<ChildProcess>();

/** Starts a command and resolves once it printed `ready` on stdout. stderr is drained (inspector messages). */
export function startReady(command: string, args: string[], timeoutMs = 20_000): Promise<LiveProcess> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    started.add(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not print ready within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) {
        clearTimeout(timer);
        resolveStart(wrap(child));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited early (${code ?? signal}): ${err}`));
    });
  });
}

function wrap(child: ChildProcess): LiveProcess {
  return {
    child,
    pid: child.pid!,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  started.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

export function startNode(script: string, nodeArgs: string[] = [], appArgs: string[] = []): Promise<LiveProcess> {
  return startReady(process.execPath, [...nodeArgs, resolve(FIXTURES, script), ...appArgs]);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map(stopChild));
}
