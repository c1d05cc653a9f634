// `crawl-diag flame` end to end: the real binary against real processes, as an operator runs it.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, runCli } from '../../../test-support/run-cli.js';
import { childrenOf } from '../src/procfs/process-info.js';
import { listeningSocketsOf } from '../src/procfs/listening-sockets.js';
import { FIXTURES, startNode, startReady, stopAll } from './live-process.js';

// Each run starts the real CLI; on a loaded 2-core machine that alone can take many seconds.
const SLOW = { timeout: 180_000 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-diag-flame-cli-'));
});
afterAll(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

/** Busy samples only: how long a process waits depends on how loaded the machine is. */
function busyShare(folded: string, needle: string): number {
  let hit = 0;
  let all = 0;
  for (const l of folded.trim().split('\n')) {
    if (/(^|;)\((idle|program)\) \d+$/.test(l)) continue;
    const n = Number(l.slice(l.lastIndexOf(' ') + 1));
    all += n;
    if (l.includes(needle)) hit += n;
  }
  return all ? hit / all : 0;
}

function rootsOf(folded: string): Set<string> {
  return new Set(folded.trim().split('\n').map((l) => l.split(';')[0].replace(/ \d+$/, '')));
}

/** A port free right now, so two children can be told to share it. */
function freePort(): Promise<number> {
  return new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

describe('crawl-diag flame', SLOW, () => {
  it('merges several PIDs sampled concurrently, one root per process, with a summary', async () => {
    const a = await startNode('hot-worker.mjs', ['--inspect-port=0']);
    const b = await startNode('hot-worker.mjs', ['--inspect-port=0']);
    const r = await runCli(['flame', '--pid', String(a.pid), '--pid', String(b.pid), '-d', '1500ms', '-f', 'folded', '-o', '-', '--top', '3']);
    expect(r.stderr).toContain('sampling 2 processes concurrently');
    expect(r.code).toBe(0);
    expect(rootsOf(r.stdout)).toEqual(new Set([`node ${a.pid} hot-worker.mjs`, `node ${b.pid} hot-worker.mjs`]));
    expect(r.stdout).toMatch(new RegExp(`^node ${a.pid} hot-worker\\.mjs;.*crawlHotspot \\(.*hot-worker\\.mjs:3\\) \\d+$`, 'm'));
    // The summary goes to stderr when the profile is written to stdout.
    expect(busyShare(r.stdout, 'crawlHotspot (')).toBeGreaterThan(0.5);
    expect(r.stderr).toMatch(/Top frames by self time:\n(\s+[\d.]+%\s+\d+ ms\s+\(idle\)\n)?\s+[\d.]+%\s+\d+ ms\s+crawlHotspot \(/);
    expect(r.stderr).toMatch(/idle [\d.]+%, garbage collector [\d.]+%, program [\d.]+%/);
    for (const t of [a, b]) {
      expect(t.alive()).toBe(true);
      expect(listeningSocketsOf(t.pid)).toEqual([]);
      await t.stop();
    }
  });

  it("samples a supervisor's children one after another when they share an inspector port, and --split writes one file each", async () => {
    const port = await freePort();
    const sup = await startReady(process.execPath, [resolve(FIXTURES, 'supervisor.mjs'), `--inspect-port=${port}`]);
    const kids = childrenOf(sup.pid);
    try {
      expect(kids).toHaveLength(2);
      const out = join(dir, 'workers.speedscope.json');
      const r = await runCli(['flame', '--children-of', String(sup.pid), '-d', '1s', '-f', 'speedscope', '-o', out, '--split']);
      expect(r.stderr).toContain(`PIDs ${kids.join(', ')} share inspector port ${port}, so they are sampled one after another`);
      expect(r.code).toBe(0);
      const merged = JSON.parse(await readFile(out, 'utf8'));
      expect(merged.profiles.map((p: { name: string }) => p.name).sort()).toEqual(kids.map((k) => `node ${k} hot-worker.mjs`).sort());
      for (const k of kids) {
        const one = JSON.parse(await readFile(join(dir, `workers-${k}.speedscope.json`), 'utf8'));
        expect(one.profiles).toHaveLength(1);
        const names = new Set<string>(one.profiles[0].samples.flat().map((i: number) => one.shared.frames[i].name));
        expect(names.has('crawlHotspot')).toBe(true);
        expect(listeningSocketsOf(k)).toEqual([]);
      }
      expect(r.stdout).toMatch(/wrote .*workers\.speedscope\.json, .*workers-\d+\.speedscope\.json, .*workers-\d+\.speedscope\.json/);
    } finally {
      // SIGKILL ends the supervisor without its exit handler: its children must be ended here.
      for (const k of kids) {
        try {
          process.kill(k, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await sup.stop();
    }
  });

  it('profiles a command from its start in launch mode', async () => {
    const r = await runCli(['flame', '-f', 'folded', '-o', '-', '--', 'node', resolve(FIXTURES, 'short-run.mjs')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/sampling node \(PID \d+\) from its start/);
    expect(r.stderr).not.toMatch(/Debugger listening|Waiting for the debugger/);
    expect(r.stderr).toContain('done true'); // the command's own stdout, moved to stderr since ours holds the profile
    expect(busyShare(r.stdout, 'launchHotspot (')).toBeGreaterThan(0.5);
  });

  it('writes what it collected, under the default file name, when interrupted with Ctrl-C', async () => {
    const t = await startNode('hot-worker.mjs', ['--inspect-port=0']);
    const cwd = await mkdtemp(join(dir, 'cwd-'));
    const cli = spawn(process.execPath, [CLI_BIN, 'flame', '--pid', String(t.pid), '-d', '60s'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let interrupted = false;
    cli.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (!interrupted && err.includes('sampling started')) {
        interrupted = true;
        setTimeout(() => cli.kill('SIGINT'), 1000);
      }
    });
    const code = await new Promise<number | null>((res) => cli.on('close', res));
    expect(err).toContain('stopping early, writing what was collected');
    expect(code).toBe(0);
    const files = await readdir(cwd);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^flame-${t.pid}-\\d{8}-\\d{6}\\.html$`));
    const html = await readFile(join(cwd, files[0]), 'utf8');
    expect(html).toContain('crawlHotspot');
    expect(t.alive()).toBe(true);
    expect(listeningSocketsOf(t.pid)).toEqual([]);
    await t.stop();
  });
});

describe('crawl-diag flame: bad input gets one clear line and a non-zero exit', SLOW, () => {
  it('refuses a process that is neither Node nor Python, and leaves it running', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const r = await runCli(['flame', '--pid', String(sleeper.pid), '-d', '1s']);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toMatch(new RegExp(`^crawl-diag: PID ${sleeper.pid} \\(sleep 30\\) is neither Node nor Python;`));
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(sleeper.exitCode).toBeNull();
      expect(sleeper.signalCode).toBeNull();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('rejects an unknown format before touching any process', async () => {
    const r = await runCli(['flame', '--pid', '1', '-f', 'png']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crawl-diag: unknown format 'png'; use one of html, svg, folded, speedscope, pprof, cpuprofile\n");
  });
});
