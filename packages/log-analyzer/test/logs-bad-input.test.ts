// Bad input: one clear line on stderr naming the problem, exit code 2, nothing on stdout.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logs } from './logs-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'crawl-diag-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function expectOneLineError(args: string[], pattern: RegExp, input?: string): Promise<void> {
  const r = await logs(args, { input });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.at(-1)).toMatch(/^crawl-diag: /);
  expect(lines.at(-1)).toMatch(pattern);
}

describe('crawl-diag logs on bad input', () => {
  it('names a missing path', () => expectOneLineError([join(dir, 'nope.log')], /nope\.log: no such file or directory/));

  it('names a glob that matches nothing', () => expectOneLineError([join(dir, '*.nothing')], /no file matches/));

  it('names an unreadable file', async () => {
    if (process.getuid?.() === 0) {
      // root reads any file whatever its mode; /proc/self/mem is a real file whose read fails (EIO) even for root.
      await expectOneLineError(['/proc/self/mem'], /\/proc\/self\/mem: cannot read it/);
    } else {
      const path = file('secret.log', '2016-12-20 14:29:20,135 - x - INFO - hi\n');
      chmodSync(path, 0o000);
      await expectOneLineError([path], /secret\.log: permission denied/);
    }
  });

  it('names a directory with no logs', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'README.md'), '# notes\n');
    return expectOneLineError([empty], /empty: directory has no log files/);
  });

  it('names a binary file', () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    return expectOneLineError([file('core.log', bytes)], /core\.log: binary file/);
  });

  it('names a file of unknown format and suggests --time-format', () =>
    expectOneLineError([file('odd.log', 'crawler started\nfetched one page\n')], /odd\.log: unknown log format.*--time-format/));

  it('rejects empty stdin', () => expectOneLineError(['-'], /stdin: no input/, ''));

  it('rejects a bad --bucket, --tz, --time-format and --regex', async () => {
    const log = file('ok.log', '2016-12-20 14:29:20,135 - x - INFO - The URL will be crawled.\n');
    await expectOneLineError([log, '--bucket', 'soon'], /--bucket soon/);
    await expectOneLineError([log, '--tz', 'Mars/Olympus'], /--tz Mars\/Olympus: unknown time zone/);
    await expectOneLineError([log, '--time-format', 'hello'], /--time-format hello: needs a date/);
    await expectOneLineError([log, '--regex', 'a(b'], /--regex a\(b: not a valid regular expression/);
  });
});
