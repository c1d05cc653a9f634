// `--engine 0x`: a command launched through 0x's linux-perf mode, its native frames in the one Profile model.
// The parser is checked on perf output recorded from a real run (better-sqlite3 scanning a frontier table); the
// launch itself runs the real 0x, perf and better-sqlite3.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/run-cli.js';
import { launch0x } from '../src/launch/launch-0x.js';
import { addPerfSamples, parsePerfScript } from '../src/launch/perf-script.js';
import type { Profile } from '../src/model.js';
import { ProfileBuilder } from '../src/profile-builder.js';
import { FIXTURES } from './live-process.js';

/** Frame names of each sample's stack, root first. */
function stacks(p: Profile): string[][] {
  return p.samples.map((s) => s.stack.map((i) => p.frames[i].name));
}

describe('perf script output into the Profile model', () => {
  const text = readFileSync(resolve(FIXTURES, 'perf-script-sqlite.txt'), 'utf8');

  it('keeps native frames with their shared object, JS frames with their source, root first', () => {
    const { samples, garbled } = parsePerfScript(text);
    expect(garbled).toBe(0);
    expect(samples).toHaveLength(3);
    expect(samples.every((s) => s.periodNs === 10_101_010 && s.tid === 5616)).toBe(true);
    const b = new ProfileBuilder();
    addPerfSamples(b, samples, 1_700_000_000_000);
    const p = b.build({ startTimeMs: 1_700_000_000_000, durationMs: 1000, intervalUs: 10_101, collector: '0x', processes: [] });
    const vdbe = p.frames.find((f) => f.name === 'sqlite3VdbeExec');
    expect(vdbe).toEqual({ name: 'sqlite3VdbeExec', kind: 'native', library: 'better_sqlite3.node' });
    const scan = p.frames.find((f) => f.name === 'scanFrontier');
    expect(scan).toEqual({ name: 'scanFrontier', kind: 'js', file: '/srv/crawler/packages/profiler/test/fixtures/sqlite-scan.mjs', line: 12, column: 22 });
    expect(p.frames.find((f) => f.name === 'Builtins_CallApiCallback')?.library).toBe('node');
    // SQLite runs under the JS call that made it: the stack reads main → … → scanFrontier → … → sqlite3VdbeExec.
    const withScan = stacks(p).filter((s) => s.includes('scanFrontier') && s.includes('sqlite3VdbeExec'));
    expect(withScan.length).toBe(2);
    for (const s of withScan) expect(s.indexOf('scanFrontier')).toBeLessThan(s.indexOf('sqlite3VdbeExec'));
    expect(stacks(p)[0][0]).toBe('__libc_start_call_main');
    expect(p.samples.map((s) => s.weightUs)).toEqual([10_101.01, 10_101.01, 10_101.01]);
  });

  it('counts lines it cannot read instead of failing', () => {
    const { samples, garbled } = parsePerfScript(`${text}\nnot a perf line\n`);
    expect(samples).toHaveLength(3);
    expect(garbled).toBe(1);
  });
});

const perfUsable = spawnSync('sh', ['-c', 'command -v sudo && perf record -q -o /dev/null -- true'], { stdio: 'ignore' }).status === 0;

describe('crawl-diag flame --engine 0x', () => {
  it('launches a better-sqlite3 frontier scan through 0x and shows the time inside SQLite as SQLite frames', async () => {
    if (!perfUsable) {
      // Where perf or sudo is missing, the collector must say so, not return an empty profile.
      await expect(launch0x(['node', resolve(FIXTURES, 'sqlite-scan.mjs'), '500'])).rejects.toThrow(/perf|sudo/);
      return;
    }
    const recordsBefore = readdirSync('/tmp').filter((n) => /^perf-\w+\.data$/.test(n)).length;
    const p = await launch0x(['node', resolve(FIXTURES, 'sqlite-scan.mjs'), '1500']);
    // Nothing left behind in /tmp: neither 0x's perf record nor node's perf map.
    expect(readdirSync('/tmp').filter((n) => /^perf-\w+\.data$/.test(n)).length).toBeLessThanOrEqual(recordsBefore);
    expect(existsSync(`/tmp/perf-${p.source.processes[0].pid}.map`)).toBe(false);
    expect(p.source.collector).toBe('0x');
    expect(p.samples.length).toBeGreaterThan(5);
    const native = p.frames.filter((f) => f.kind === 'native' && f.library === 'better_sqlite3.node').map((f) => f.name);
    expect(native).toContain('sqlite3VdbeExec');
    const inSqlite = p.samples.filter((s) => s.stack.some((i) => p.frames[i].library === 'better_sqlite3.node')).length;
    expect(inSqlite / p.samples.length).toBeGreaterThan(0.3);
    expect(stacks(p).some((s) => s.includes('scanFrontier') && s.indexOf('scanFrontier') < s.indexOf('sqlite3VdbeExec'))).toBe(true);
  }, 60_000);

  it('says so, with a non-zero exit, when the command fails (0x keeps nothing then)', async () => {
    const r = await runCli(['flame', '--engine', '0x', '-f', 'folded', '-o', '-', '--', 'node', '-e', 'process.exit(3)']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(perfUsable ? /the command exited with code 3; 0x keeps no profile/ : /perf|sudo/);
  }, 60_000);

  it('is refused for anything but a launched command, before touching a process', async () => {
    const r = await runCli(['flame', '--engine', '0x', '--pid', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crawl-diag: --engine 0x launches a command: crawl-diag flame --engine 0x -- node app.js\n');
  });
});
