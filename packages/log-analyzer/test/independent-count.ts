// Counts in the tests are computed here, independently of the analyzer: plain line-by-line JavaScript over the
// decompressed text, with a regex per format for "this line starts a record".
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..', '..');
export const FIXTURES = resolve(REPO, 'fixtures', 'logs');

export const RECORD_START: Record<string, RegExp> = {
  'python-logging': /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[,.]\d{3} - /,
  scrapy: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[/,
  iso8601: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/,
  syslog: /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /,
  'access-log': /\[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]/,
  custom: /^\[\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d\]/,
};

export function fixtureLines(rel: string): string[] {
  const bytes = readFileSync(resolve(FIXTURES, rel));
  const text = (rel.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Records (lines that start with a stamp) containing `text`. */
export function countRecords(lines: string[], format: string, text: string): number {
  const start = RECORD_START[format];
  return lines.filter((l) => start.test(l) && l.includes(text)).length;
}

/** Per-minute counts of Python-logging records containing `text`, keyed by the minute's UTC ISO start. */
export function perMinute(lines: string[], text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) {
    if (!RECORD_START['python-logging'].test(l) || !l.includes(text)) continue;
    const minute = `${l.slice(0, 10)}T${l.slice(11, 16)}:00.000Z`;
    out.set(minute, (out.get(minute) ?? 0) + 1);
  }
  return out;
}
