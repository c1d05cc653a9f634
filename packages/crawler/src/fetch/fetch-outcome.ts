// What a fetch can end in: one tagged union, so the worker handles every case (and the compiler checks it does).

interface OutcomeBase {
  /** The URL asked for. */
  url: string;
  /** The last URL fetched (after redirects); equals `url` when there was no redirect. */
  finalUrl: string;
  /** Wall time of the whole fetch, redirects included, in ms. */
  fetchMs: number;
  /** Redirects followed. */
  redirects: number;
}

/** An HTML page (fetchPage) with a 2xx status. */
export interface PageOutcome extends OutcomeBase {
  kind: 'page';
  status: number;
  contentType: string;
  html: string;
  bytes: number;
}

/** A text body of any content type with a 2xx status (fetchText, used for robots.txt). */
export interface TextOutcome extends OutcomeBase {
  kind: 'text';
  status: number;
  contentType: string;
  body: string;
  bytes: number;
  /** The body was longer than the limit and was cut there (fetchText only; fetchPage reports too-large). */
  truncated: boolean;
}

/** A 2xx response that is not HTML (fetchPage only); the body was not read. */
export interface NotHtmlOutcome extends OutcomeBase {
  kind: 'not-html';
  status: number;
  contentType: string;
}

/** The body is larger than the size cap (Content-Length said so, or the count passed it while reading). */
export interface TooLargeOutcome extends OutcomeBase {
  kind: 'too-large';
  status: number;
  limitBytes: number;
}

/** A non-2xx status (or a 3xx without a usable Location). */
export interface HttpErrorOutcome extends OutcomeBase {
  kind: 'http-error';
  status: number;
  /** The wait the response's Retry-After header asked for (ms from when it arrived), when it had a readable one. */
  retryAfterMs?: number;
}

/** DNS failure, refused or reset connection, or a timeout (`timeout` says which phase, when it was one). */
export interface NetworkErrorOutcome extends OutcomeBase {
  kind: 'network-error';
  code: string;
  message: string;
  timeout?: 'connect' | 'headers' | 'body' | 'total';
}

/** The network policy refused the host or address, or a redirect led to a non-http(s) URL. */
export interface BlockedOutcome extends OutcomeBase {
  kind: 'blocked';
  reason: string;
}

/** More redirects than allowed. */
export interface TooManyRedirectsOutcome extends OutcomeBase {
  kind: 'too-many-redirects';
}

export type FetchFailure =
  | TooLargeOutcome
  | HttpErrorOutcome
  | NetworkErrorOutcome
  | BlockedOutcome
  | TooManyRedirectsOutcome;

/** What fetchPage returns. */
export type FetchOutcome = PageOutcome | NotHtmlOutcome | FetchFailure;

/** What fetchText returns. */
export type FetchTextOutcome = TextOutcome | FetchFailure;
