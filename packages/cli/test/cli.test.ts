import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/run-cli.js';

describe('crawl-diag command line', () => {
  it('lists every command in --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['logs', 'flame', 'crawl']) expect(r.stdout).toMatch(new RegExp(`crawl-diag ${cmd}\\b`));
  });

  it('rejects an unknown command with a one-line hint and exit code 2', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown argument|Did you mean/);
  });
});
