// The Retry-After response header (RFC 9110 section 10.2.3): how long the server asks the client to wait, given as
// delay-seconds (`120`) or as an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, or the obsolete RFC 850 and asctime
// forms, which a recipient must still accept). Written here rather than taken from a library: it is one header of
// two forms, and the HTTP-date forms are the ones Date.parse reads.

/** Milliseconds to wait from `now`, or undefined when the header is absent or unreadable (then it is ignored). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP-date names a weekday and a month; a bare number with a sign, a fraction or a unit is neither form.
  if (!/[A-Za-z]{3}/.test(v)) return undefined;
  // Every HTTP-date is GMT; the asctime form does not say so, and Date.parse would read it as local time.
  const at = Date.parse(/\b(GMT|UTC)\b/i.test(v) ? v : `${v} GMT`);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - now);
}
