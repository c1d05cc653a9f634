// URL normalisation for deduplication: one spelling per resource, so the frontier and the page store see a URL once.
//
// Rules (applied after WHATWG URL parsing, which already lower-cases scheme and host, removes default ports,
// resolves `.`/`..` path segments and turns decimal/octal/hex IPv4 forms into dotted quads):
// - only http: and https: URLs are kept (anything else → undefined);
// - the fragment is removed; user name and password are removed (a crawler never sends credentials from a link);
// - a trailing dot of the host is removed (`www.a.test.` → `www.a.test`);
// - an empty path becomes `/`; any other trailing slash is KEPT (`/a` and `/a/` can be different resources);
// - percent-escapes are upper-cased (`%7e` → `%7E`) and escapes of unreserved characters are decoded (`%7E` → `~`);
// - an empty query (`?` alone) is removed; query parameters keep their order and spelling (order can matter).

/** Characters RFC 3986 calls unreserved: an escape of one of these means the same as the character itself. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

function normalisePercentEscapes(part: string): string {
  if (!part.includes('%')) return part;
  return part.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

/**
 * The normalised form of `input` (resolved against `base` when relative), or undefined when it is not a valid
 * http(s) URL.
 */
export function normalizeUrl(input: string, base?: string | URL): string | undefined {
  let url: URL;
  try {
    url = base === undefined ? new URL(input) : new URL(input, base);
  } catch {
    return undefined;
  }
  return normalizeOwnedUrl(url);
}

/** Same as normalizeUrl for an already parsed URL (the URL object is not modified). */
export function normalizeParsedUrl(parsed: URL): string | undefined {
  return normalizeOwnedUrl(new URL(parsed.href));
}

/** Normalises a URL object this module owns, changing it in place (saves a parse per link on the hot path). */
function normalizeOwnedUrl(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '') return undefined;
  // Setters re-parse the URL: only call them when something changes.
  if (url.hash !== '') url.hash = '';
  if (url.username !== '') url.username = '';
  if (url.password !== '') url.password = '';
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.replace(/\.+$/, '');
  if (url.hostname === '') return undefined;
  const path = url.pathname;
  const normalPath = normalisePercentEscapes(path);
  if (normalPath !== path) url.pathname = normalPath;
  const search = url.search;
  if (search !== '') {
    const normalSearch = normalisePercentEscapes(search);
    if (normalSearch !== search) url.search = normalSearch;
  }
  let href = url.href;
  // WHATWG keeps a lone '?' in href when the query is present but empty (url.search is then '').
  if (url.search === '' && href.endsWith('?')) href = href.slice(0, -1);
  return href;
}

/** The host name of a URL, lower case, without port: the unit of politeness and robots.txt. IPv6 keeps brackets. */
export function domainOf(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  return u.hostname.toLowerCase().replace(/\.+$/, '');
}

/** The robots.txt URL for a page URL (same scheme, host and port). */
export function robotsTxtUrlOf(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  return `${u.protocol}//${u.host}/robots.txt`;
}
