// Listening TCP sockets of one process, from /proc: /proc/PID/net/tcp{,6} lists every socket of the network
// namespace, so a socket belongs to the process only when its inode is among the process's /proc/PID/fd links.
// This is how an inspector port is found without guessing 9229 (several processes may each have one).
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  address: string;
  port: number;
  family: 4 | 6;
  inode: number;
}

const TCP_LISTEN = '0A';

function decodeIpv4(hex: string): string {
  // Stored as one little-endian 32-bit word.
  const bytes = [0, 1, 2, 3].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).reverse();
  return bytes.join('.');
}

function decodeIpv6(hex: string): string {
  // Four little-endian 32-bit words.
  const groups: string[] = [];
  for (let word = 0; word < 4; word++) {
    const w = hex.slice(word * 8, word * 8 + 8);
    const bytes = [6, 4, 2, 0].map((i) => w.slice(i, i + 2)).join('');
    groups.push(bytes.slice(0, 4), bytes.slice(4, 8));
  }
  const full = groups.map((g) => parseInt(g, 16).toString(16)).join(':');
  if (full === '0:0:0:0:0:0:0:0') return '::';
  if (full === '0:0:0:0:0:0:0:1') return '::1';
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(full);
  if (mapped) {
    const a = parseInt(mapped[1], 16);
    const b = parseInt(mapped[2], 16);
    return `::ffff:${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  return full;
}

function readTable(pid: number | 'self', family: 4 | 6): ListeningSocket[] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/net/tcp${family === 6 ? '6' : ''}`, 'utf8');
  } catch {
    return [];
  }
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== TCP_LISTEN) continue;
    const [addrHex, portHex] = cols[1].split(':');
    sockets.push({
      address: family === 4 ? decodeIpv4(addrHex) : decodeIpv6(addrHex),
      port: parseInt(portHex, 16),
      family,
      inode: Number(cols[9]),
    });
  }
  return sockets;
}

/** Inodes of the sockets a process holds open; empty when its fds cannot be read (not ours, or gone). */
export function socketInodesOf(pid: number): Set<number> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // fd closed between readdir and readlink
    }
  }
  return inodes;
}

/** Listening TCP sockets held by PID. */
export function listeningSocketsOf(pid: number): ListeningSocket[] {
  return listeningAmong(pid, socketInodesOf(pid));
}

/**
 * Which of these socket inodes of PID are listening TCP sockets. Reading the namespace's tables costs far more
 * than listing fds when a machine holds thousands of connections, so callers narrow the inodes first.
 */
export function listeningAmong(pid: number, inodes: Set<number>): ListeningSocket[] {
  if (inodes.size === 0) return [];
  const v4 = readTable(pid, 4).filter((s) => inodes.has(s.inode));
  if (v4.length === inodes.size) return v4;
  return [...v4, ...readTable(pid, 6).filter((s) => inodes.has(s.inode))];
}

/** Every listening TCP socket of the network namespace PID lives in (one read of each table). */
export function listeningSocketsInNamespaceOf(pid: number | 'self'): ListeningSocket[] {
  return [...readTable(pid, 4), ...readTable(pid, 6)];
}

/**
 * Which process (other than `exceptPid`) listens on a TCP port, for "port 9229 is taken by PID n" messages.
 * `sockets` may be passed when the caller has just read the tables.
 */
export function processListeningOn(port: number, exceptPid?: number, sockets = listeningSocketsInNamespaceOf('self')): number | undefined {
  const inodes = new Set(sockets.filter((s) => s.port === port).map((s) => s.inode));
  if (inodes.size === 0) return undefined;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === exceptPid) continue;
    for (const inode of socketInodesOf(Number(name))) if (inodes.has(inode)) return Number(name);
  }
  return undefined;
}

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address) || address === 'localhost';
}
