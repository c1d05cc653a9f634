// Test hosts as Linux network namespaces on this machine, for tests of a crawl across machines.
//
// Each host is a network namespace with its own loopback and one veth pair whose other end is a port of a bridge
// made for the test. Addresses come from 198.18.0.0/24 (RFC 2544's benchmarking range, never routed on the
// internet), used only inside these namespaces: the bridge has no address, is attached to no real interface, and no
// namespace has a default route, so nothing sent from a test host can leave the machine or reach the root
// namespace. A host's link can be cut (its bridge port set down: packets are dropped, connections stall as in a
// real partition) and restored, and every process started on a host can be killed at once (the host "dies").
//
// Needs root (CAP_NET_ADMIN) and `ip` (iproute2). testNetUnavailable() says why hosts cannot be made here; under
// CI=true a test must not skip on it.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface TestHost {
  name: string;
  /** The network namespace's name (for `ip netns exec`). */
  ns: string;
  /** The host's address on the test network. */
  address: string;
}

export interface TestNet {
  hosts: Record<string, TestHost>;
  /** Starts a process on a host (inside its namespace), with stdio as given (default: ignore, pipe, pipe). */
  spawn(host: string, command: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** Cuts a host's link: every packet to or from it is dropped until restore(). */
  cut(host: string): void;
  restore(host: string): void;
  /** Kills (SIGKILL) every process running in the host's namespace, as when the machine dies. */
  killAll(host: string): void;
  /** Kills every process on every host and removes the namespaces and the bridge. Idempotent. */
  dispose(): void;
}

const SUBNET = '198.18.0';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Why test hosts cannot be made here (not root, no `ip`, namespaces refused), or undefined when they can. */
export function testNetUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'making network namespaces needs root (CAP_NET_ADMIN); run the test as root';
  const probe = `cdprobe${randomBytes(3).toString('hex')}`;
  try {
    ip('netns', 'add', probe);
  } catch (err) {
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
    return `cannot make a network namespace (ip netns add: ${why})`;
  }
  try {
    ip('netns', 'del', probe);
  } catch {
    // Removed with the next dispose of a test net at the latest; nothing runs in it.
  }
  return undefined;
}

/** Makes one host per name (addresses .2, .3, … in order) on a new bridge. */
export function createTestNet(names: string[]): TestNet {
  if (names.length > 250) throw new Error('at most 250 test hosts');
  const tag = randomBytes(2).toString('hex');
  const bridge = `cdbr${tag}`;
  const hosts: Record<string, TestHost> = {};
  const ports: Record<string, string> = {};
  const children = new Set<ChildProcess>();
  let disposed = false;

  const dispose = () => {
    if (disposed) return;
    disposed = true;
    for (const name of Object.keys(hosts)) killAll(name);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const h of Object.values(hosts)) {
      try {
        ip('netns', 'del', h.ns);
      } catch {
        // Already gone.
      }
    }
    try {
      ip('link', 'del', bridge);
    } catch {
      // Already gone.
    }
  };

  const killAll = (name: string) => {
    const h = hosts[name];
    if (!h) throw new Error(`no test host '${name}'`);
    let pids: string[] = [];
    try {
      pids = execFileSync('ip', ['netns', 'pids', h.ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }
  };

  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('link', 'set', bridge, 'up');
    names.forEach((name, i) => {
      const ns = `cd${tag}-${name}`;
      const port = `cd${tag}p${i}`;
      const inner = `cd${tag}i${i}`;
      const address = `${SUBNET}.${i + 2}`;
      ip('netns', 'add', ns);
      hosts[name] = { name, ns, address };
      ports[name] = port;
      ip('link', 'add', port, 'type', 'veth', 'peer', 'name', inner);
      ip('link', 'set', inner, 'netns', ns);
      ip('link', 'set', port, 'master', bridge);
      ip('link', 'set', port, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', inner, 'name', 'eth0');
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
    });
  } catch (err) {
    dispose();
    throw err;
  }

  return {
    hosts,
    spawn(host, command, args, opts = {}) {
      const h = hosts[host];
      if (!h) throw new Error(`no test host '${host}'`);
      const child = spawn('ip', ['netns', 'exec', h.ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    cut: (host) => ip('link', 'set', ports[host]!, 'down'),
    restore: (host) => ip('link', 'set', ports[host]!, 'up'),
    killAll,
    dispose,
  };
}
