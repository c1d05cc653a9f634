// The agent in a real Node process: window files, their names and contents, exit flush, and a host that survives
// an unusable directory.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Profile as PprofProfile } from 'pprof-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPprof } from '../src/inputs/pprof.js';
import { parseWindowFileName } from '../src/recording/window-file-name.js';
import { AGENT_ENTRY_PATH } from '../src/agent/node-options.js';
import { recordWorkload, runNode, WORKLOAD, type ChildRun } from './agent-test-support.js';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'crawl-diag-agent-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('a recorded workload', () => {
  let dir: string;
  let run: ChildRun;
  let files: string[];
  const startedMs = Date.now();
  beforeAll(async () => {
    ({ dir, run } = await recordWorkload(3000));
    dirs.push(dir);
    files = (await readdir(dir)).sort();
  });

  it('leaves the host unharmed: it finishes, exits 0 and the agent prints nothing', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('done\n');
    expect(run.stderr).toBe('');
  });

  it('writes one pprof file per window, named by kind, PID and window start, and no temp files', () => {
    const parsed = files.map((f) => parseWindowFileName(f));
    expect(parsed.every((p) => p !== undefined)).toBe(true);
    // 3 s in 500 ms windows, the last one partial and flushed at exit; the timer may run late on a loaded machine.
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(files.length).toBeLessThanOrEqual(8);
    const pids = new Set(parsed.map((p) => p!.pid));
    expect(pids.size).toBe(1);
    expect(parsed.every((p) => p!.kind === 'worker' && p!.profileType === 'wall')).toBe(true);
    expect(parsed[0]!.startMs).toBeGreaterThanOrEqual(startedMs - 1000);
  });

  it('covers the run with back-to-back windows, the last one flushed at exit', async () => {
    const profiles = await Promise.all(files.map(async (f) => readPprof(await readFile(join(dir, f)), f)));
    for (let i = 1; i < profiles.length; i++) {
      const prevEnd = profiles[i - 1].startTimeMs + profiles[i - 1].durationMs;
      expect(Math.abs(profiles[i].startTimeMs - prevEnd)).toBeLessThanOrEqual(1);
    }
    const covered = profiles.reduce((sum, p) => sum + p.durationMs, 0);
    expect(covered).toBeGreaterThan(2800);
    // The last file is the partial window flushed at exit; it may be short, so the late phase shows in the last two.
    const lateHasScan = profiles.slice(-2).some((p) => p.frames.some((f) => f.name === 'scanGrowingArray'));
    expect(lateHasScan).toBe(true);
    const last = profiles[profiles.length - 1];
    expect(last.durationMs).toBeLessThanOrEqual(profiles[0].durationMs + 200);
  });

  it('gives the same totals through an independent decoder (pprof-format directly) as through the Profile model', async () => {
    for (const f of files) {
      const data = await readFile(join(dir, f));
      const raw = PprofProfile.decode(gunzipSync(data));
      const strings = raw.stringTable.strings;
      const wallIndex = raw.sampleType.findIndex((t) => strings[Number(t.type)] === 'wall');
      expect(strings[Number(raw.sampleType[wallIndex].unit)]).toBe('nanoseconds');
      let wallNs = 0;
      for (const s of raw.sample) wallNs += Number(s.value[wallIndex]);

      const profile = readPprof(data, f);
      const idle = profile.frames.findIndex((fr) => fr.kind === 'idle');
      const sampled = profile.samples.filter((s) => !(s.stack.length === 1 && s.stack[0] === idle));
      const modelUs = sampled.reduce((sum, s) => sum + s.weightUs, 0);
      expect(modelUs).toBeCloseTo(wallNs / 1000, 3);
      // With the idle remainder the window's whole duration is accounted for.
      const allUs = profile.samples.reduce((sum, s) => sum + s.weightUs, 0);
      expect(allUs).toBeGreaterThanOrEqual(profile.durationMs * 1000 - 1);
      expect(Number(BigInt(raw.timeNanos) / 1_000_000n)).toBe(parseWindowFileName(f)!.startMs);
    }
  });
});

describe('an unusable profile directory', () => {
  it('is reported once at start, and the host runs to the end and exits 0', async () => {
    const base = await tempDir();
    const aFile = join(base, 'not-a-dir');
    await writeFile(aFile, 'x');
    const run = await runNode([`--import=${AGENT_ENTRY_PATH}`, WORKLOAD, '600'], {
      env: { CRAWL_DIAG_PROFILE_DIR: join(aFile, 'profiles'), CRAWL_DIAG_PROFILE_WINDOW: '200ms' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('done\n');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^crawl-diag agent: cannot use profile directory .*not-a-dir\/profiles .*profiling is off/);
  });

  it('that breaks mid-run stops profiling with one message; the host carries on and exits 0', async () => {
    const base = await tempDir();
    const dir = join(base, 'rec');
    const script = join(base, 'break-dir.mjs');
    // The host itself swaps the directory for a file after the first window, so every later write fails.
    await writeFile(
      script,
      `import { readdirSync, rmSync, writeFileSync } from 'node:fs';
       const dir = ${JSON.stringify(dir)};
       const started = Date.now();
       let broken = false;
       const t = setInterval(() => {
         let x = 0; for (let i = 0; i < 1e5; i++) x += i;
         if (!broken && readdirSync(dir).some((f) => f.endsWith('.pb.gz'))) {
           rmSync(dir, { recursive: true }); writeFileSync(dir, 'not a directory'); broken = true;
         }
         if (Date.now() - started > 3000) { clearInterval(t); console.log(broken ? 'done' : 'never broke'); }
       }, 5);`,
    );
    const run = await runNode([`--import=${AGENT_ENTRY_PATH}`, script], {
      env: { CRAWL_DIAG_PROFILE_DIR: dir, CRAWL_DIAG_PROFILE_WINDOW: '200ms' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('done\n');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^crawl-diag agent: cannot write profiles to .*rec .*profiling stopped/);
  });
});

describe('loading the agent', () => {
  it('works by package name from the monorepo, and by absolute path through NODE_OPTIONS', async () => {
    const byName = await tempDir();
    const r1 = await runNode(['--import', '@crawl-diag/profiler/agent', WORKLOAD, '400'], {
      cwd: REPO_ROOT,
      env: { CRAWL_DIAG_PROFILE_DIR: byName, CRAWL_DIAG_PROFILE_WINDOW: '10s', CRAWL_DIAG_PROCESS_KIND: 'dispatcher' },
    });
    expect(r1.code).toBe(0);
    expect((await readdir(byName)).map((f) => parseWindowFileName(f)?.kind)).toEqual(['dispatcher']);

    const byPath = await tempDir();
    const r2 = await runNode([WORKLOAD, '400'], {
      cwd: byPath,
      env: { NODE_OPTIONS: `--import=${AGENT_ENTRY_PATH}`, CRAWL_DIAG_PROFILE_DIR: byPath, CRAWL_DIAG_PROFILE_HEAP: '1' },
    });
    expect(r2.code).toBe(0);
    const names = (await readdir(byPath)).map((f) => parseWindowFileName(f));
    // No kind given: the entry script's base name. With HEAP=1 a heap profile sits beside the wall profile.
    expect(names.map((n) => `${n?.kind}/${n?.profileType}`).sort()).toEqual(['agent-workload/heap', 'agent-workload/wall']);
  });

  it('flushes the partial window when the host is ended by SIGTERM, and the host still dies of SIGTERM', async () => {
    const dir = await tempDir();
    const run = await runNode([`--import=${AGENT_ENTRY_PATH}`, WORKLOAD, '20000'], {
      env: { CRAWL_DIAG_PROFILE_DIR: dir, CRAWL_DIAG_PROFILE_WINDOW: '1m', WORKLOAD_ANNOUNCE: '1' },
      sigtermAfterStartedMs: 500,
    });
    expect(run.signal).toBe('SIGTERM');
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const profile = readPprof(await readFile(join(dir, files[0])), files[0]);
    expect(profile.frames.some((f) => f.name === 'hashLoop')).toBe(true);
  });

  it('does nothing without CRAWL_DIAG_PROFILE_DIR', async () => {
    const cwd = await tempDir();
    const run = await runNode([`--import=${AGENT_ENTRY_PATH}`, WORKLOAD, '200'], { cwd, env: { CRAWL_DIAG_PROFILE_DIR: '' } });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(await readdir(cwd)).toEqual([]);
  });
});
