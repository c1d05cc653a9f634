// Link extraction from an HTML page with a real HTML parser (htmlparser2): `<a href>` and `<area href>`, resolved
// against `<base href>` and the page URL, normalised, deduplicated; rel=nofollow and `<meta name=robots
// content=nofollow>` are respected.
import { Parser } from 'htmlparser2';
import { normalizeUrl } from './url.js';

export interface ExtractedLinks {
  /** Normalised absolute http(s) URLs to follow, first occurrence order, no duplicates. */
  links: string[];
  /** Links not followed because of rel=nofollow (or a page-wide meta robots nofollow). */
  nofollow: number;
  /** Links dropped because they were not http(s) (mailto:, javascript:, …) or could not be parsed. */
  skipped: number;
  /** The URL relative links were resolved against (the page URL, or `<base href>`). */
  baseUrl: string;
}

function hasToken(value: string | undefined, token: string): boolean {
  if (!value) return false;
  return value.toLowerCase().split(/[\s,]+/).includes(token);
}

/** Extracts the links of `html`, a page fetched from `pageUrl` (its final URL after redirects). */
export function extractLinks(html: string, pageUrl: string): ExtractedLinks {
  const hrefs: Array<{ href: string; nofollow: boolean }> = [];
  let baseHref: string | undefined;
  let pageNofollow = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'a' || name === 'area') {
          if (attrs.href !== undefined) hrefs.push({ href: attrs.href.trim(), nofollow: hasToken(attrs.rel, 'nofollow') });
        } else if (name === 'base') {
          // The document's base URL comes from the first <base> that has an href, wherever the links are.
          if (baseHref === undefined && attrs.href !== undefined) baseHref = attrs.href.trim();
        } else if (name === 'meta') {
          const metaName = attrs.name?.toLowerCase();
          if (metaName === 'robots' && (hasToken(attrs.content, 'nofollow') || hasToken(attrs.content, 'none'))) pageNofollow = true;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  let baseUrl = pageUrl;
  if (baseHref !== undefined && baseHref !== '') {
    try {
      baseUrl = new URL(baseHref, pageUrl).href;
    } catch {
      // An unparseable <base href> is ignored, as browsers do.
    }
  }

  const seen = new Set<string>();
  const links: string[] = [];
  let nofollow = 0;
  let skipped = 0;
  for (const { href, nofollow: relNofollow } of hrefs) {
    if (href === '' || href.startsWith('#')) continue;
    if (relNofollow || pageNofollow) {
      nofollow++;
      continue;
    }
    const url = normalizeUrl(href, baseUrl);
    if (url === undefined) {
      skipped++;
      continue;
    }
    if (seen.has(url)) continue;
    seen.add(url);
    links.push(url);
  }
  return { links, nofollow, skipped, baseUrl };
}
