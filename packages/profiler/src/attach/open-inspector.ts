// Opens a live Node process's inspector the way `kill -USR1` does, finds the port it listens on from /proc,
// and closes it again afterwards when we were the ones who opened it. Refuses, with the reason, anything
// that would harm the target (SIGUSR1 not caught: it would kill it) or expose it (a non-loopback address).
import { get as httpGet } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProfilerError } from '../errors.js';
import { caughtSignals, processExists, readEnviron, type ProcessInfo } from '../procfs/process-info.js';
import { isLoopback, listeningAmong, listeningSocketsInNamespaceOf, processListeningOn, socketInodesOf, type ListeningSocket } from '../procfs/listening-sockets.js';
import { inspectorFlags, type InspectorFlags } from './inspector-flags.js';
import { CdpConnection, loadWebSocket } from './cdp-session.js';

/** How often, while the target opens its inspector, its sockets are looked at again (a few /proc reads each). */
const OPEN_POLL_MS = 5;

const SIGUSR1 = 10;

export interface InspectorEndpoint {
  host: string;
  port: number;
  webSocketUrl: string;
  /** True when the inspector was closed before we came: we must close it when done. */
  openedByUs: boolean;
  /** Inode of the listening socket, to see it go away without rereading the TCP tables. */
  inode: number;
}

export interface OpenInspectorOptions {
  /** How long to wait for the inspector socket after SIGUSR1. Default 5000 ms. */
  timeoutMs?: number;
}

function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

interface InspectorTarget {
  webSocketDebuggerUrl?: string;
  type?: string;
}

/**
 * GET /json/list on a loopback port; undefined when nothing inspector-like answers. node:http rather than fetch:
 * the first fetch() loads undici, which alone took over a second on a busy machine, before the first sample.
 */
function inspectorTargets(address: string, port: number, timeoutMs: number): Promise<InspectorTarget[] | undefined> {
  if (!isLoopback(address)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = httpGet({ host: address, port, path: '/json/list', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          const parsed = JSON.parse(body) as unknown;
          resolve(res.statusCode === 200 && Array.isArray(parsed) ? (parsed as InspectorTarget[]) : undefined);
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** Connect address for a listening socket: a wildcard bind is reached through loopback. */
function connectAddress(s: ListeningSocket): string {
  if (s.address === '0.0.0.0') return '127.0.0.1';
  if (s.address === '::') return '::1';
  return s.address;
}

async function endpointFrom(pid: number, s: ListeningSocket, openedByUs: boolean): Promise<InspectorEndpoint | undefined> {
  const host = connectAddress(s);
  const targets = await inspectorTargets(host, s.port, 2000);
  const target = targets?.find((t) => t.webSocketDebuggerUrl);
  if (!target?.webSocketDebuggerUrl) return undefined;
  // The inspector answers with the host it was asked for; connect to exactly the loopback address we probed.
  const url = new URL(target.webSocketDebuggerUrl);
  url.host = `${urlHost(host)}:${s.port}`;
  return { host, port: s.port, webSocketUrl: url.toString(), openedByUs, inode: s.inode };
}

function refuseNonLoopback(pid: number, address: string, port: number): never {
  throw new ProfilerError(
    'non-loopback-inspector',
    `PID ${pid}'s inspector listens on ${address}:${port}, not on loopback; crawl-diag only uses loopback inspectors: restart it with --inspect-port=127.0.0.1:0`,
  );
}

/** An inspector the process already has open (started with --inspect, or opened earlier), if any. */
async function findOpenInspector(pid: number, flags: InspectorFlags, sockets: ListeningSocket[]): Promise<InspectorEndpoint | undefined> {
  const candidates = sockets.filter((s) => flags.openAtStart || (flags.port !== 0 && s.port === flags.port));
  for (const s of candidates) {
    if (!isLoopback(connectAddress(s)) || s.address === '0.0.0.0' || s.address === '::') {
      if (flags.port !== 0 && s.port === flags.port) refuseNonLoopback(pid, s.address, s.port);
      continue;
    }
    const endpoint = await endpointFrom(pid, s, false);
    if (endpoint) return endpoint;
  }
  return undefined;
}

/** Opens (or finds) the inspector of a Node process and returns where to connect. */
export async function openInspector(info: ProcessInfo, opts: OpenInspectorOptions = {}): Promise<InspectorEndpoint> {
  const pid = info.pid;
  const flags = inspectorFlags(info.argv, readEnviron(pid).get('NODE_OPTIONS'));
  // One read of the TCP tables serves both checks below: it is the slow part on a machine with many sockets.
  const inodesBefore = socketInodesOf(pid);
  const listening = listeningSocketsInNamespaceOf(pid);
  const before = listening.filter((s) => inodesBefore.has(s.inode));

  const existing = await findOpenInspector(pid, flags, before);
  if (existing) return existing;

  if (!isLoopback(flags.host)) refuseNonLoopback(pid, flags.host, flags.port);
  if (flags.sigusr1Disabled || !caughtSignals(pid).has(SIGUSR1)) {
    throw new ProfilerError(
      'signal-not-caught',
      `PID ${pid} does not catch SIGUSR1 (started with --disable-sigusr1?), so the signal would kill it; nothing was sent. Restart it with --inspect=127.0.0.1:0 or load the crawl-diag agent (node --import @crawl-diag/profiler/agent)`,
    );
  }
  if (flags.port !== 0) {
    const holder = processListeningOn(flags.port, pid, listening);
    if (holder !== undefined) {
      throw new ProfilerError(
        'inspector-port-taken',
        `PID ${pid} would open its inspector on port ${flags.port}, but PID ${holder} already listens there (another inspector?); profile one at a time, or start the workers with --inspect-port=0 so each gets its own port`,
      );
    }
  }

  try {
    process.kill(pid, 'SIGUSR1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM') {
      throw new ProfilerError('permission-denied', `not allowed to signal PID ${pid} (it belongs to another user); run crawl-diag as that user or as root`);
    }
    if (code === 'ESRCH') throw new ProfilerError('no-such-process', `PID ${pid} exited before its inspector could be opened`);
    throw err;
  }
  // The target takes 10-20 ms to open its inspector, on its own threads: load the WebSocket client meanwhile rather
  // than after.
  loadWebSocket();

  // Poll the cheap fd list; read the TCP tables only when the process has sockets it did not have before the
  // signal. Such a socket is looked at again on every poll until it listens: the inspector's socket exists a moment
  // before its listen(), and one seen in that moment must not be taken for one of the target's own connections.
  // The inspector opens some 10-20 ms after the signal: polling every OPEN_POLL_MS, not every 20, keeps that wait
  // from rounding up.
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  let fresh: ListeningSocket | undefined;
  while (Date.now() < deadline) {
    const unseen = new Set([...socketInodesOf(pid)].filter((i) => !inodesBefore.has(i)));
    if (unseen.size > 0) {
      fresh = listeningAmong(pid, unseen)[0];
      if (fresh) break;
    }
    if (!processExists(pid)) throw new ProfilerError('no-such-process', `PID ${pid} exited right after SIGUSR1`);
    await sleep(OPEN_POLL_MS);
  }
  if (!fresh) {
    const holder = flags.port !== 0 ? processListeningOn(flags.port, pid) : undefined;
    if (holder !== undefined) {
      throw new ProfilerError(
        'inspector-port-taken',
        `PID ${pid} could not open its inspector: port ${flags.port} is taken by PID ${holder}; start the workers with --inspect-port=0 so each gets its own port`,
      );
    }
    throw new ProfilerError(
      'inspector-unavailable',
      `PID ${pid} did not open an inspector within ${opts.timeoutMs ?? 5000} ms of SIGUSR1 (built without inspector, or hung?); look at its stderr for "Starting inspector ... failed"`,
    );
  }
  if (!isLoopback(fresh.address)) {
    // We opened it: close it again before refusing, so we leave nothing exposed.
    if (fresh.address === '0.0.0.0' || fresh.address === '::') {
      const endpoint = await endpointFrom(pid, fresh, true);
      if (endpoint) {
        const conn = await CdpConnection.connect(endpoint.webSocketUrl).catch(() => undefined);
        if (conn) await closeInspector(conn, pid, fresh.inode);
      }
    }
    refuseNonLoopback(pid, fresh.address, fresh.port);
  }
  // The socket listens before its HTTP side answers; retry /json/list briefly.
  for (let attempt = 0; attempt < 200; attempt++) {
    const endpoint = await endpointFrom(pid, fresh, true);
    if (endpoint) return endpoint;
    await sleep(OPEN_POLL_MS);
  }
  throw new ProfilerError('inspector-unavailable', `PID ${pid} opened port ${fresh.port} but it does not answer as an inspector`);
}

/**
 * Closes an inspector we opened: `process._debugEnd()` in the target stops its inspector server (the same
 * thing `inspector.close()` does). The reply may never come since the call tears down our own connection, so
 * we do not wait for it but for the socket to disappear from /proc. Returns true when no socket is left.
 */
export async function closeInspector(conn: CdpConnection, pid: number, inode: number, timeoutMs = 3000): Promise<boolean> {
  conn.main.send('Runtime.evaluate', { expression: 'process._debugEnd()', returnByValue: true }, timeoutMs).catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processExists(pid)) break;
    if (!socketInodesOf(pid).has(inode)) break;
    await sleep(20);
  }
  conn.terminate();
  return !processExists(pid) || !socketInodesOf(pid).has(inode);
}
