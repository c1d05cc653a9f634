// Decides which host a crawler may connect to and at which address: refuses private and other special-purpose
// addresses unless allowed (`localhost` and `*.localhost` count as loopback), and applies `--resolve HOST=ADDR:PORT`
// rules that send host names to a loopback server.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { specialRangeOf, unbracket } from './address-ranges.js';

/** A `--resolve HOST=ADDR:PORT` rule: connections to HOST (any port) go to ADDR:PORT. HOST `*` matches any name. */
export interface ResolveRule {
  /** Lower-case host name, or `*` for every host name (never an IP literal). */
  host: string;
  address: string;
  port: number;
}

/** Where a connection for a host really goes. */
export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
  port: number;
  /** True when a `--resolve` rule chose the address. */
  mapped: boolean;
}

/** Thrown when the policy refuses a host or address; carries what was refused and why. */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_CRAWL_BLOCKED_ADDRESS';
  readonly host: string;
  readonly address: string | undefined;
  readonly reason: string;
  constructor(host: string, address: string | undefined, reason: string) {
    super(
      address === undefined || address === host
        ? `refused to connect to ${host}: ${reason}`
        : `refused to connect to ${host} (${address}): ${reason}`,
    );
    this.name = 'BlockedAddressError';
    this.host = host;
    this.address = address;
    this.reason = reason;
  }
}

/** A `--resolve` argument that cannot be parsed; `exitCode` 2 so the CLI prints it as one line. */
export class InvalidResolveRuleError extends Error {
  readonly exitCode = 2;
  constructor(spec: string, why: string) {
    super(`invalid --resolve '${spec}': ${why}; expected HOST=ADDR:PORT, e.g. '*=127.0.0.1:8080'`);
    this.name = 'InvalidResolveRuleError';
  }
}

/** Parses `HOST=ADDR:PORT` (IPv6 ADDR in brackets: `HOST=[::1]:8080`). */
export function parseResolveRule(spec: string): ResolveRule {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new InvalidResolveRuleError(spec, 'missing HOST=');
  const host = spec.slice(0, eq).trim().toLowerCase();
  const target = spec.slice(eq + 1).trim();
  if (host !== '*' && !/^[a-z0-9_.-]+$/.test(host)) throw new InvalidResolveRuleError(spec, `'${host}' is not a host name`);
  if (isIP(host) !== 0) throw new InvalidResolveRuleError(spec, 'HOST must be a name, not an IP address');
  const colon = target.lastIndexOf(':');
  if (colon <= 0) throw new InvalidResolveRuleError(spec, 'missing :PORT');
  const address = unbracket(target.slice(0, colon));
  const portText = target.slice(colon + 1);
  if (isIP(address) === 0) throw new InvalidResolveRuleError(spec, `'${address}' is not an IP address`);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new InvalidResolveRuleError(spec, `'${portText}' is not a port (1-65535)`);
  }
  return { host, address, port };
}

/** Looks a name up; the default is node:dns (all addresses, so every one can be checked). */
export type HostLookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

export interface NetworkPolicyOptions {
  /** Allow private, loopback, link-local and other special-purpose addresses. Default false. */
  allowPrivate?: boolean;
  /**
   * `--resolve` rules. Default none. When there is at least one rule, ONLY host names a rule maps are let through:
   * every other name and every IP literal is refused, so tests and the bench can never leave loopback.
   */
  resolve?: ResolveRule[];
  /** DNS lookup used when no rule applies. Default: node:dns `lookup` with `all: true`. */
  lookup?: HostLookup;
}

const defaultLookup: HostLookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * `localhost` and every name under it (RFC 6761 6.3): loopback by definition, whatever DNS or a `*` rule says, so they
 * are treated as the loopback literal 127.0.0.1 is. A trailing dot is the same name.
 */
export function isLocalhostName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.+$/, '');
  return n === 'localhost' || n.endsWith('.localhost');
}

/** The policy every outgoing connection (page, redirect hop, robots.txt) goes through. */
export class NetworkPolicy {
  readonly allowPrivate: boolean;
  readonly rules: readonly ResolveRule[];
  private readonly lookup: HostLookup;
  private readonly exact = new Map<string, ResolveRule>();
  private readonly wildcard: ResolveRule | undefined;

  constructor(opts: NetworkPolicyOptions = {}) {
    this.allowPrivate = opts.allowPrivate ?? false;
    this.rules = [...(opts.resolve ?? [])];
    this.lookup = opts.lookup ?? defaultLookup;
    let wildcard: ResolveRule | undefined;
    for (const rule of this.rules) {
      if (rule.host === '*') wildcard = rule;
      else this.exact.set(rule.host, rule);
    }
    this.wildcard = wildcard;
  }

  /**
   * The rule that maps a host name, if any (exact names win over `*`). IP literals and localhost names are never
   * mapped by `*`: only a rule naming them sends them anywhere.
   */
  ruleFor(host: string): ResolveRule | undefined {
    const name = unbracket(host).toLowerCase();
    const exact = this.exact.get(name);
    if (exact) return exact;
    if (isIP(name) !== 0 || isLocalhostName(name)) return undefined;
    return this.wildcard;
  }

  /**
   * Where to connect for `host:port`, or a BlockedAddressError. Mapped names go to their rule's address (chosen by
   * whoever wrote the rule, so it is not range-checked); everything else must resolve to allowed addresses only.
   */
  async resolveTarget(host: string, port: number): Promise<ResolvedTarget> {
    const name = unbracket(host).toLowerCase();
    const rule = this.ruleFor(name);
    if (rule) return { address: rule.address, family: isIP(rule.address) === 6 ? 6 : 4, port: rule.port, mapped: true };
    if (this.rules.length > 0) {
      throw new BlockedAddressError(name, undefined, 'not mapped by any --resolve rule (with --resolve, only mapped names are reached)');
    }
    const literal = isIP(name);
    if (literal !== 0) {
      this.checkAddress(name, name);
      return { address: name, family: literal === 6 ? 6 : 4, port, mapped: false };
    }
    if (isLocalhostName(name)) {
      // Never asked of DNS (RFC 6761 6.3): a resolver that answers otherwise for it is not to be trusted.
      this.checkAddress(name, '127.0.0.1');
      return { address: '127.0.0.1', family: 4, port, mapped: false };
    }
    let answers: Array<{ address: string; family: number }>;
    try {
      answers = await this.lookup(name);
    } catch (err) {
      throw Object.assign(new Error(`could not resolve ${name}: ${(err as Error).message}`), {
        code: (err as { code?: string }).code ?? 'ENOTFOUND',
      });
    }
    if (answers.length === 0) throw Object.assign(new Error(`could not resolve ${name}: no addresses`), { code: 'ENOTFOUND' });
    // Every answer is checked, not just the first: a name with one public and one private address is refused, so a
    // retry or a different resolver order cannot reach the private one (DNS rebinding within one answer).
    for (const a of answers) this.checkAddress(name, a.address);
    const first = answers[0];
    return { address: first.address, family: first.family === 6 ? 6 : 4, port, mapped: false };
  }

  /**
   * A quick check before any connection, for a URL's host: IP literals are range-checked, and with rules present an
   * unmapped host is refused. Names are accepted here (their addresses are checked at connect time). Throws
   * BlockedAddressError.
   */
  checkHost(host: string): void {
    const name = unbracket(host).toLowerCase();
    if (this.ruleFor(name)) return;
    if (this.rules.length > 0) {
      throw new BlockedAddressError(name, undefined, 'not mapped by any --resolve rule (with --resolve, only mapped names are reached)');
    }
    if (isIP(name) !== 0) this.checkAddress(name, name);
    else if (isLocalhostName(name)) this.checkAddress(name, '127.0.0.1');
  }

  private checkAddress(host: string, address: string): void {
    if (this.allowPrivate) return;
    const range = specialRangeOf(address);
    if (range !== undefined) {
      throw new BlockedAddressError(host, address, `${range} address (use --allow-private to allow)`);
    }
  }
}
