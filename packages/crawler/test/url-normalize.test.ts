import { describe, expect, it } from 'vitest';
import { domainOf, normalizeUrl, robotsTxtUrlOf } from '../src/fetch/url.js';

describe('normalizeUrl', () => {
  it.each([
    ['HTTP://WWW.Example.TEST/a', 'http://www.example.test/a'],
    ['http://www.example.test:80/', 'http://www.example.test/'],
    ['https://www.example.test:443/x', 'https://www.example.test/x'],
    ['http://www.example.test:8080/x', 'http://www.example.test:8080/x'],
    ['http://www.example.test', 'http://www.example.test/'],
    ['http://www.example.test/a/./b/../c', 'http://www.example.test/a/c'],
    ['http://www.example.test/a#frag', 'http://www.example.test/a'],
    ['http://www.example.test/a?', 'http://www.example.test/a'],
    ['http://www.example.test/a?z=1&a=2', 'http://www.example.test/a?z=1&a=2'],
    ['http://www.example.test/a?next=?', 'http://www.example.test/a?next=?'],
    ['http://www.example.test/a?#f', 'http://www.example.test/a'],
    ['http://www.example.test/dir/', 'http://www.example.test/dir/'],
    ['http://www.example.test/dir', 'http://www.example.test/dir'],
    ['http://user:pw@www.example.test/', 'http://www.example.test/'],
    ['http://www.example.test./', 'http://www.example.test/'],
    ['http://www.example.test/%7euser/%2f%3a', 'http://www.example.test/~user/%2F%3A'],
    ['http://www.example.test/a b', 'http://www.example.test/a%20b'],
    ['http://2130706433/', 'http://127.0.0.1/'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it('resolves relative URLs against a base', () => {
    expect(normalizeUrl('../x.html#top', 'http://a.test/p/q/r.html')).toBe('http://a.test/p/x.html');
    expect(normalizeUrl('//b.test/y', 'https://a.test/')).toBe('https://b.test/y');
    expect(normalizeUrl('?q=1', 'http://a.test/p')).toBe('http://a.test/p?q=1');
  });

  it('drops what is not http(s) or not a URL', () => {
    for (const u of ['mailto:a@b.test', 'javascript:void(0)', 'ftp://a.test/', 'data:text/html,x', 'http://', 'not a url']) {
      expect(normalizeUrl(u), u).toBeUndefined();
    }
  });
});

describe('domainOf and robotsTxtUrlOf', () => {
  it('gives the lower-case host without port', () => {
    expect(domainOf('http://WWW.A.test:8080/x')).toBe('www.a.test');
    expect(domainOf(new URL('http://[::1]/'))).toBe('[::1]');
  });
  it('keeps scheme and port for robots.txt', () => {
    expect(robotsTxtUrlOf('https://a.test:8443/p/q?x')).toBe('https://a.test:8443/robots.txt');
    expect(robotsTxtUrlOf('http://a.test/')).toBe('http://a.test/robots.txt');
  });
});
