// Launch mode through 0x, `crawl-diag flame --engine 0x -- node app.js`: native frames. The inspector sees only
// JavaScript: time inside a native addon (better-sqlite3's SQLite, a compression library) or V8 itself shows as
// the one JS frame that called it. 0x's linux-perf mode runs the command under `perf record -g` with node's
// --perf-basic-prof map, so each sample's stack holds the C symbols of every shared object as well as the JS
// functions: a frontier scan inside SQLite shows as sqlite3VdbeExec under the JS call that made it.
//
// Why only that mode: 0x's default mode (V8's --prof tick log) lists the shared libraries once, when V8 starts,
// so an addon loaded later by require() is not among them and its ticks cannot be named (measured on Node 20:
// 2730 of 2935 ticks in the addon, none resolved). The perf mode has 0x's own limits: it runs perf through
// `sudo` (also as root; sudo must be installed), samples at a fixed 99 Hz, and runs the command to its end.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfilerError } from '../errors.js';
import type { Profile } from '../model.js';
import { ProfileBuilder } from '../profile-builder.js';
import { nodeCommand } from './launch-node.js';
import { addPerfSamples, parsePerfScript } from './perf-script.js';

/** 0x runs `perf record -F 99`: its rate is fixed. */
export const ZERO_X_RATE_HZ = 99;

export interface Launch0xOptions {
  rateHz?: number;
  /** Called when 0x has started the command under perf. */
  onSamplingStarted?: () => void;
}

/** 0x's perf records, which it writes as /tmp/perf-RANDOM.data and never removes. */
async function perfRecordsInTmp(): Promise<Set<string>> {
  const names = await readdir('/tmp').catch(() => [] as string[]);
  return new Set(names.filter((n) => /^perf-[0-9a-z]+\.data$/.test(n)));
}

/**
 * Removes what 0x and node leave in /tmp: the perf records that appeared during this run (a concurrent 0x run's
 * record could be taken for ours; 0x gives no way to tell), and node's --perf-basic-prof map of the command.
 */
async function removeLeftovers(before: Set<string>, startTimeMs: number, pid: number | undefined): Promise<void> {
  for (const name of await perfRecordsInTmp()) {
    if (before.has(name)) continue;
    const info = await stat(join('/tmp', name)).catch(() => undefined);
    if (info && info.mtimeMs >= startTimeMs - 1000) await rm(join('/tmp', name), { force: true });
  }
  if (pid) await rm(`/tmp/perf-${pid}.map`, { force: true });
}

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export async function launch0x(command: string[], opts: Launch0xOptions = {}): Promise<Profile> {
  if (command.length === 0) throw new ProfilerError('launch-failed', 'give a command after --, e.g. crawl-diag flame --engine 0x -- node app.js', 2);
  const { exe, args } = nodeCommand(command);
  const missing = ['perf', 'sudo'].filter((b) => !onPath(b));
  if (missing.length > 0) {
    throw new ProfilerError(
      'launch-failed',
      `--engine 0x samples with linux perf, which 0x runs through sudo; ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed (Debian: apt-get install ${missing.map((m) => (m === 'perf' ? 'linux-perf' : m)).join(' ')}); without native frames, drop --engine 0x`,
    );
  }
  const workingDir = await mkdtemp(join(tmpdir(), 'crawl-diag-0x-'));
  const recordsBefore = await perfRecordsInTmp();
  const startTimeMs = Date.now();
  let exitCode: number | null = null;
  let nodePid: number | undefined;
  try {
    // 0x never settles when the command fails (it only prints "Tracing subprocess error"): its exit code, which
    // 0x reports first, ends the wait instead. 130 and 143 are Ctrl-C and SIGTERM, after which 0x does go on.
    let failed: (code: number) => void = () => undefined;
    const commandFailed = new Promise<never>((_, reject) => {
      failed = (code) =>
        reject(
          new ProfilerError(
            'launch-failed',
            `the command exited with code ${code}; 0x keeps no profile of a command that fails, so nothing was written (the inspector engine does: run it without --engine 0x)`,
          ),
        );
    });
    let folder: string;
    try {
      // Loaded here, not at the top: 0x's module tree costs every other crawl-diag command start-up time.
      const { default: zeroEks } = await import('0x');
      folder = await Promise.race([commandFailed, zeroEks({
        // Interpreted functions get their own entry in the perf map instead of all showing as V8's interpreter.
        argv: ['--interpreted-frames-native-stack', ...args],
        pathToNodeBinary: exe,
        workingDir,
        outputDir: 'out',
        kernelTracing: true,
        collectOnly: true,
        status: (m) => {
          if (/^Profiling/.test(m)) opts.onSamplingStarted?.();
        },
        onProcessExit: (code) => {
          exitCode = code;
          if (code !== null && code !== 0 && code !== 130 && code !== 143) failed(code);
        },
      })]);
    } catch (err) {
      if (err instanceof ProfilerError) throw err;
      throw new ProfilerError('launch-failed', `0x could not profile '${command.join(' ')}': ${(err as Error).message}`);
    }
    const stacksFile = (await readdir(folder)).find((f) => /^stacks\.\d+\.out$/.test(f));
    const text = stacksFile ? await readFile(join(folder, stacksFile), 'utf8') : '';
    const builder = new ProfileBuilder();
    const { samples, garbled } = parsePerfScript(text);
    const { mainTid } = addPerfSamples(builder, samples, startTimeMs);
    nodePid = mainTid;
    if (garbled > 0) builder.warnings.push(`${garbled} lines of perf's output could not be read and were skipped`);
    if (builder.samples.length === 0) builder.warnings.push('perf recorded no samples (is perf allowed here? see /proc/sys/kernel/perf_event_paranoid)');
    if (exitCode !== null && exitCode !== 0) builder.warnings.push(`the command was stopped (exit code ${exitCode}); kept what was sampled until then`);
    if (opts.rateHz !== undefined && opts.rateHz !== ZERO_X_RATE_HZ) builder.warnings.push(`--engine 0x samples at ${ZERO_X_RATE_HZ} Hz (0x's fixed perf rate); --rate ${opts.rateHz} was not used`);
    const pid = mainTid ?? 0;
    return builder.build({
      startTimeMs,
      durationMs: Date.now() - startTimeMs,
      intervalUs: Math.round(1e6 / ZERO_X_RATE_HZ),
      collector: '0x',
      processes: [{ pid, runtime: 'node', command: [exe, ...args].join(' '), label: `node ${pid}` }],
    });
  } finally {
    await rm(workingDir, { recursive: true, force: true });
    await removeLeftovers(recordsBefore, startTimeMs, nodePid);
  }
}
