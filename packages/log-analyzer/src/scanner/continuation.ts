// Which lines without a timestamp continue the record above (a Python traceback, an indented dump) and which
// are garbage. Continuations count toward their record; anything else is an unparsed line.

const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(Error|Exception|Warning|Exit|Interrupt|Failure)\b/;
const KNOWN_PREFIXES = ['Traceback (most recent call last)', 'During handling of the above exception', 'The above exception was'];

export function looksLikeContinuation(buf: Buffer, start: number, end: number): boolean {
  const c = buf[start];
  if (c === 0x20 || c === 0x09) return true; // indented: traceback frames, wrapped messages
  // Only the head of the line matters; a short latin1 string is cheap and these lines are rare.
  const head = buf.toString('latin1', start, Math.min(end, start + 120));
  for (const p of KNOWN_PREFIXES) if (head.startsWith(p)) return true;
  return EXCEPTION_LINE.test(head);
}
