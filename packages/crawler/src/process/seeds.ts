// Seeds: URLs from `--seeds FILE` (one a line; blank lines and `#` comments skipped) and from the command line,
// normalised the way every discovered link is, so a seed and a link to it are one frontier entry.
import { readFileSync } from 'node:fs';
import type { NewUrl } from '../store/store.js';
import { domainOf, normalizeUrl } from '../fetch/url.js';

export class SeedError extends Error {
  readonly exitCode = 2;
  override readonly name = 'SeedError';
}

export function readSeedFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SeedError(`cannot read the seeds file ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give a file with one URL a line`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Normalised seeds at depth 0; a URL that is not http(s) is an error naming it. */
export function seedUrls(urls: string[]): NewUrl[] {
  return urls.map((raw) => {
    const url = normalizeUrl(raw);
    if (!url) throw new SeedError(`seed '${raw}' is not an http(s) URL; give absolute URLs such as http://example.com/`);
    return { url, domain: domainOf(url), depth: 0 };
  });
}
