import { describe, expect, it } from 'vitest';
import { isLoopback, specialRangeOf } from '../src/net/address-ranges.js';
import {
  BlockedAddressError,
  InvalidResolveRuleError,
  NetworkPolicy,
  parseResolveRule,
} from '../src/net/network-policy.js';

describe('special address ranges', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'this network'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a00:1', 'private'],
    ['64:ff9b::a00:1', 'private'],
  ])('%s is %s', (address, range) => {
    expect(specialRangeOf(address)).toBe(range);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:808:808'])('%s is public', (address) => {
    expect(specialRangeOf(address)).toBeUndefined();
  });

  it('knows loopback', () => {
    expect(isLoopback('127.0.0.5')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('not-an-ip')).toBe(false);
  });
});

describe('--resolve rules', () => {
  it('parses HOST=ADDR:PORT, * and IPv6 targets', () => {
    expect(parseResolveRule('WWW.Example.test=127.0.0.1:8080')).toEqual({ host: 'www.example.test', address: '127.0.0.1', port: 8080 });
    expect(parseResolveRule('*=127.0.0.1:1')).toEqual({ host: '*', address: '127.0.0.1', port: 1 });
    expect(parseResolveRule('a.test=[::1]:443')).toEqual({ host: 'a.test', address: '::1', port: 443 });
  });

  it.each(['127.0.0.1:80', 'a.test=localhost:80', 'a.test=127.0.0.1', 'a.test=127.0.0.1:0', 'a.test=127.0.0.1:x', '1.2.3.4=127.0.0.1:80'])(
    'rejects %s with a one-line usage error',
    (spec) => {
      const err = (() => {
        try {
          parseResolveRule(spec);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(InvalidResolveRuleError);
      expect((err as InvalidResolveRuleError).exitCode).toBe(2);
      expect((err as Error).message).toContain('HOST=ADDR:PORT');
    },
  );
});

describe('NetworkPolicy', () => {
  it('refuses IP literals in special ranges, in every IPv4 spelling the URL parser accepts', async () => {
    const policy = new NetworkPolicy();
    for (const url of ['http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://10.0.0.1/']) {
      const host = new URL(url).hostname;
      expect(() => policy.checkHost(host), url).toThrow(BlockedAddressError);
      await expect(policy.resolveTarget(host, 80), url).rejects.toBeInstanceOf(BlockedAddressError);
    }
  });

  it('allows them with allowPrivate', async () => {
    const policy = new NetworkPolicy({ allowPrivate: true });
    expect(() => policy.checkHost('127.0.0.1')).not.toThrow();
    await expect(policy.resolveTarget('127.0.0.1', 8080)).resolves.toMatchObject({ address: '127.0.0.1', port: 8080, mapped: false });
  });

  it('refuses localhost and *.localhost as loopback without asking DNS, and lets them through with allowPrivate', async () => {
    const asked: string[] = [];
    const lookup = async (host: string) => {
      asked.push(host);
      return [{ address: '93.184.216.34', family: 4 }];
    };
    const policy = new NetworkPolicy({ lookup });
    for (const name of ['localhost', 'shop.localhost']) {
      expect(() => policy.checkHost(name), name).toThrow(BlockedAddressError);
      const err = await policy.resolveTarget(name, 80).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlockedAddressError);
      expect((err as BlockedAddressError).reason).toContain('loopback');
    }
    expect(asked).toEqual([]);
    await expect(new NetworkPolicy({ allowPrivate: true, lookup }).resolveTarget('localhost', 8080)).resolves.toEqual({ address: '127.0.0.1', family: 4, port: 8080, mapped: false });
  });

  it('maps names by rule, exact names before *, and refuses everything unmapped when rules exist', async () => {
    const policy = new NetworkPolicy({
      resolve: [parseResolveRule('*=127.0.0.1:9000'), parseResolveRule('special.test=127.0.0.2:9001')],
    });
    await expect(policy.resolveTarget('www.perdu-sim.test', 80)).resolves.toEqual({ address: '127.0.0.1', family: 4, port: 9000, mapped: true });
    await expect(policy.resolveTarget('SPECIAL.test', 443)).resolves.toMatchObject({ address: '127.0.0.2', port: 9001 });
    // `*` maps names, never IP literals: a link to an IP address cannot reach the loopback server through it.
    await expect(policy.resolveTarget('127.0.0.1', 9000)).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(policy.resolveTarget('8.8.8.8', 80)).rejects.toBeInstanceOf(BlockedAddressError);

    // localhost and *.localhost (RFC 6761) are loopback: `*` does not map them, only a rule naming them does.
    for (const name of ['localhost', 'LOCALHOST.', 'app.localhost', 'a.b.localhost']) {
      expect(() => policy.checkHost(name), name).toThrow(BlockedAddressError);
      await expect(policy.resolveTarget(name, 9000), name).rejects.toBeInstanceOf(BlockedAddressError);
    }
    await expect(policy.resolveTarget('notlocalhost.test', 80)).resolves.toMatchObject({ mapped: true });
    const named = new NetworkPolicy({ resolve: [parseResolveRule('*=127.0.0.1:9000'), parseResolveRule('app.localhost=127.0.0.1:9002')] });
    await expect(named.resolveTarget('app.localhost', 80)).resolves.toMatchObject({ address: '127.0.0.1', port: 9002, mapped: true });
    await expect(named.resolveTarget('localhost', 80)).rejects.toBeInstanceOf(BlockedAddressError);

    const exactOnly = new NetworkPolicy({ resolve: [parseResolveRule('a.test=127.0.0.1:9000')] });
    const err = await exactOnly.resolveTarget('b.test', 80).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockedAddressError);
    expect((err as Error).message).toContain('not mapped');
    expect(() => exactOnly.checkHost('b.test')).toThrow(BlockedAddressError);
    expect(() => exactOnly.checkHost('a.test')).not.toThrow();
  });
});
