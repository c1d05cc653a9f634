import { describe, expect, it } from 'vitest';
import { extractLinks } from '../src/fetch/links.js';

describe('extractLinks', () => {
  it('resolves, normalises and deduplicates <a> and <area> links, keeping first-seen order', () => {
    const html = `<html><body>
      <a href="/b.html">b</a> <A HREF="c.html#x">c</A> <a href="./c.html">c again</a>
      <a href="http://OTHER.test:80/d">d</a> <area href="/e.html"> <a>no href</a> <a href="#top">fragment only</a>
      <a href="/q?x=1&amp;y=2">entity</a>
    </body></html>`;
    const out = extractLinks(html, 'http://a.test/dir/page.html');
    expect(out.links).toEqual([
      'http://a.test/b.html',
      'http://a.test/dir/c.html',
      'http://other.test/d',
      'http://a.test/e.html',
      'http://a.test/q?x=1&y=2',
    ]);
  });

  it('uses the first <base href>, even for links before it', () => {
    const html = `<a href="x.html">x</a><base href="http://base.test/sub/"><base href="http://ignored.test/"><a href="../y.html">y</a>`;
    const out = extractLinks(html, 'http://a.test/p/q.html');
    expect(out.baseUrl).toBe('http://base.test/sub/');
    expect(out.links).toEqual(['http://base.test/sub/x.html', 'http://base.test/y.html']);
  });

  it('respects rel=nofollow and skips non-http(s) links', () => {
    const html = `<a href="/a" rel="nofollow">a</a><a href="/b" rel="external NoFollow">b</a><a href="/c" rel="noopener">c</a>
      <a href="mailto:x@a.test">m</a><a href="javascript:go()">j</a><a href="ftp://a.test/f">f</a>`;
    const out = extractLinks(html, 'http://a.test/');
    expect(out.links).toEqual(['http://a.test/c']);
    expect(out.nofollow).toBe(2);
    expect(out.skipped).toBe(3);
  });

  it('follows nothing on a page with <meta name="robots" content="nofollow">', () => {
    const html = `<head><meta name="ROBOTS" content="noindex, nofollow"></head><a href="/a">a</a><a href="/b">b</a>`;
    const out = extractLinks(html, 'http://a.test/');
    expect(out.links).toEqual([]);
    expect(out.nofollow).toBe(2);
  });

  it('survives broken markup', () => {
    const out = extractLinks('<div><a href="/ok">ok<a href=/bare>bare</div><a href="http://[bad/">x</a>', 'http://a.test/');
    expect(out.links).toEqual(['http://a.test/ok', 'http://a.test/bare']);
    expect(out.skipped).toBe(1);
  });
});
