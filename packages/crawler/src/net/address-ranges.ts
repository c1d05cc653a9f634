// Which IP addresses a crawler must not reach by default: private, loopback, link-local, unique-local, CGNAT,
// multicast, documentation and other special-purpose ranges (IANA special-purpose registries), IPv4 and IPv6.
import { BlockList, isIP } from 'node:net';

/** IPv4 ranges that are not public unicast: RFC 6890 and the IANA IPv4 special-purpose registry. */
const IPV4_SPECIAL: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/**
 * IPv6 ranges that are not public unicast. IPv4-mapped (::ffff:0:0/96) addresses need no entry: node's BlockList
 * checks them against the IPv4 rules. NAT64 (64:ff9b::/96) embeds an IPv4 address and is checked by hand below.
 */
const IPV6_SPECIAL: ReadonlyArray<readonly [string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard'],
  ['2001:db8::', 32, 'documentation'],
  ['2001::', 23, 'IETF protocol assignments'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

const LOOPBACK: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
];

function buildLists(): Map<string, { list: BlockList; family: 'ipv4' | 'ipv6' }> {
  const byLabel = new Map<string, { list: BlockList; family: 'ipv4' | 'ipv6' }>();
  const add = (net: string, prefix: number, label: string, family: 'ipv4' | 'ipv6') => {
    const key = `${family}:${label}`;
    let entry = byLabel.get(key);
    if (!entry) {
      entry = { list: new BlockList(), family };
      byLabel.set(key, entry);
    }
    entry.list.addSubnet(net, prefix, family);
  };
  for (const [net, prefix, label] of IPV4_SPECIAL) add(net, prefix, label, 'ipv4');
  for (const [net, prefix, label] of IPV6_SPECIAL) add(net, prefix, label, 'ipv6');
  return byLabel;
}

const SPECIAL_LISTS = buildLists();
const LOOPBACK_LIST = new BlockList();
for (const [net, prefix, family] of LOOPBACK) LOOPBACK_LIST.addSubnet(net, prefix, family);

/** Strips the brackets of an IPv6 URL host (`[::1]` → `::1`). */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The IPv4 address embedded in a NAT64 address (64:ff9b::a.b.c.d), if it is one. */
function nat64Embedded(address: string): string | undefined {
  const lower = address.toLowerCase();
  if (!lower.startsWith('64:ff9b::')) return undefined;
  const tail = lower.slice('64:ff9b::'.length);
  if (isIP(tail) === 4) return tail;
  const groups = tail.split(':');
  if (groups.length !== 2) return undefined;
  const hi = parseInt(groups[0], 16);
  const lo = parseInt(groups[1], 16);
  if (!Number.isFinite(hi) || !Number.isFinite(lo)) return undefined;
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * Why an IP address is not public unicast (e.g. `'loopback'`, `'private'`), or undefined when it is public.
 * Accepts IPv4 and IPv6 (with or without brackets); throws on anything that is not an IP address.
 */
export function specialRangeOf(address: string): string | undefined {
  const ip = unbracket(address);
  const version = isIP(ip);
  if (version === 0) throw new TypeError(`not an IP address: ${address}`);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  for (const [key, { list }] of SPECIAL_LISTS) {
    // IPv4 rules also match IPv4-mapped IPv6 addresses; IPv6 rules never match an IPv4 address.
    if (key.startsWith('ipv6:') && family === 'ipv4') continue;
    if (list.check(ip, family)) return key.slice(key.indexOf(':') + 1);
  }
  if (family === 'ipv6') {
    const embedded = nat64Embedded(ip);
    if (embedded !== undefined) return specialRangeOf(embedded);
  }
  return undefined;
}

/** Whether an address is loopback (127.0.0.0/8, ::1, or an IPv4-mapped loopback address). */
export function isLoopback(address: string): boolean {
  const ip = unbracket(address);
  const version = isIP(ip);
  if (version === 0) return false;
  return LOOPBACK_LIST.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}
