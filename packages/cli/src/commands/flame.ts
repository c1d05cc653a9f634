// `crawl-diag flame`: sample live Node/Python workers (or a command from its start, or a recorded range) and
// write a flame graph plus a terminal summary. Argument parsing and output choice only; the work is in
// @crawl-diag/profiler. Subcommands `diff` and `timeline` live in their own files.
import { writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
// Only the live-attach part of the profiler loads up front: it is what stands between the command's start and its
// first sample. The outputs, recordings and launch modes load once they are needed.
import {
  DEFAULT_MAX_PAUSE_MS,
  FORMAT_EXTENSIONS,
  OUTPUT_FORMATS,
  describeStartPause,
  isOutputFormat,
  profileProcesses,
  resolveTargets,
  type OutputFormat,
} from '@crawl-diag/profiler/live';
import type { Profile } from '@crawl-diag/profiler';
import { UsageError } from '../errors.js';
import { flameDiffCommand } from './flame-diff.js';
import { flameTimelineCommand } from './flame-timeline.js';

interface FlameArgs {
  target?: string[];
  pid?: number[];
  'children-of'?: number[];
  match?: string;
  duration?: string;
  rate: number;
  format: string;
  out?: string;
  split: boolean;
  top: number;
  chunk: string;
  process?: string;
  aggregate: string;
  threads: boolean;
  subprocesses: boolean;
  blocking: boolean;
  yes: boolean;
  engine: string;
  '--'?: string[];
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `10s`, `500ms`, `2m`, or a bare number of seconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim());
  if (!m) throw new UsageError(`--${option} '${text}' is not a duration; write e.g. 10s, 500ms or 2m`);
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's'];
  if (ms <= 0) throw new UsageError(`--${option} must be longer than 0`);
  return ms;
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function defaultOutName(pids: number[], format: OutputFormat): string {
  const who = pids.length <= 4 ? pids.join('-') : `${pids.slice(0, 4).join('-')}-and-${pids.length - 4}-more`;
  return `flame-${who || 'recording'}-${stamp()}.${FORMAT_EXTENSIONS[format]}`;
}

/** `out.html` + pid 42 → `out-42.html` (for --split). */
function perProcessName(out: string, pid: number, format: OutputFormat): string {
  const ext = `.${FORMAT_EXTENSIONS[format]}`;
  if (out.endsWith(ext)) return `${out.slice(0, -ext.length)}-${pid}${ext}`;
  const e = extname(out);
  return e ? `${out.slice(0, -e.length)}-${pid}${e}` : `${out}-${pid}`;
}

const profiler = () => import('@crawl-diag/profiler');

async function writeOutput(profile: Profile, format: OutputFormat, out: string): Promise<void> {
  const { renderProfile } = await profiler();
  const bytes = renderProfile(profile, format, {});
  if (out === '-') process.stdout.write(bytes);
  else await writeFile(out, bytes);
}

/** Ctrl-C ends sampling early; what was collected is still written. A second Ctrl-C quits at once. */
function interruptController(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\ncrawl-diag: stopping early, writing what was collected (Ctrl-C again to quit now)\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ac.signal, dispose: () => process.off('SIGINT', onSigint) };
}

function isRecordingSpec(t: string): boolean {
  return /@/.test(t) && !/^\d+$/.test(t);
}

async function runFlame(args: FlameArgs): Promise<void> {
  const format = args.format;
  if (!isOutputFormat(format)) throw new UsageError(`unknown format '${format}'; use one of ${OUTPUT_FORMATS.join(', ')}`);
  const durationMs = args.duration === undefined ? 10_000 : parseDuration(args.duration, 'duration');
  const chunkMs = parseDuration(args.chunk, 'chunk');
  const rateHz = Number(args.rate);
  if (!Number.isFinite(rateHz) || rateHz <= 0 || rateHz > 10_000) throw new UsageError(`--rate '${args.rate}' must be a number of samples per second, 1 to 10000`);
  const top = Number(args.top);
  if (!Number.isInteger(top) || top <= 0) throw new UsageError(`--top '${args.top}' must be a positive whole number`);

  const positional = (args.target ?? []).map(String);
  const command = args['--'] ?? [];
  const recordings = positional.filter(isRecordingSpec);
  const pids = [...(args.pid ?? []), ...positional.filter((t) => !isRecordingSpec(t)).map((t) => {
    if (!/^\d+$/.test(t)) throw new UsageError(`'${t}' is neither a PID nor a recording range (DIR@5m..10m)`);
    return Number(t);
  })];
  for (const pid of pids) if (!Number.isInteger(pid) || pid <= 0) throw new UsageError(`--pid needs a PID (a positive process id), e.g. --pid 4242`);
  const childrenOf = args['children-of'] ?? [];
  for (const pid of childrenOf) if (!Number.isInteger(pid) || pid <= 0) throw new UsageError(`--children-of needs a PID (a positive process id)`);
  let match: RegExp | undefined;
  if (args.match !== undefined) {
    try {
      match = new RegExp(args.match);
    } catch (err) {
      throw new UsageError(`--match '${args.match}' is not a valid regular expression: ${(err as Error).message}`);
    }
  }
  const modes = [recordings.length > 0, command.length > 0, pids.length > 0 || childrenOf.length > 0 || match !== undefined].filter(Boolean).length;
  if (modes === 0) throw new UsageError('name what to profile: --pid N, --children-of PID, --match REGEX, a recording DIR@5m..10m, or -- node app.js');
  if (modes > 1) throw new UsageError('profile either live PIDs, a recording range, or a command after --, not several at once');
  if (args.engine !== 'inspector' && args.engine !== '0x') throw new UsageError(`--engine '${args.engine}' is not known; use inspector (the default) or 0x`);
  if (args.engine === '0x' && command.length === 0) throw new UsageError('--engine 0x launches a command: crawl-diag flame --engine 0x -- node app.js');
  if (args.engine === '0x' && args.duration !== undefined) throw new UsageError('--engine 0x profiles the command until it exits (Ctrl-C stops it early); drop --duration');

  if (args.aggregate !== 'line' && args.aggregate !== 'function') throw new UsageError(`--aggregate '${args.aggregate}' must be line or function`);

  const interrupt = interruptController();
  try {
    await collectAndWrite(args, { format, durationMs, chunkMs, rateHz, top, pids, childrenOf, match, recordings, command, signal: interrupt.signal });
  } finally {
    // Kept until the output is written: a late Ctrl-C must not kill us halfway through writing the file.
    interrupt.dispose();
  }
}

interface FlameRun {
  format: OutputFormat;
  durationMs: number;
  chunkMs: number;
  rateHz: number;
  top: number;
  pids: number[];
  childrenOf: number[];
  match: RegExp | undefined;
  recordings: string[];
  command: string[];
  signal: AbortSignal;
}

/** The profile to write: from a recording, a launched command, or live processes. */
async function collectProfiles(args: FlameArgs, run: FlameRun): Promise<{ merged: Profile; perProcess: Profile[] }> {
  const { durationMs, chunkMs, rateHz, pids, childrenOf, match, recordings, command } = run;
  const progress = (line: string) => process.stderr.write(`crawl-diag: ${line}\n`);
  if (recordings.length > 0) {
    if (recordings.length > 1) throw new UsageError('give one recording range at a time');
    const { loadRecordingRange } = await profiler();
    return { merged: await loadRecordingRange(recordings[0], { process: args.process }), perProcess: [] };
  }
  if (command.length > 0 && args.engine === '0x') {
    const { launch0x } = await profiler();
    const merged = await launch0x(command, {
      rateHz: args.rate === 100 ? undefined : rateHz,
      onSamplingStarted: () => progress(`sampling ${command.join(' ')} from its start through 0x (linux perf, native frames included; Ctrl-C stops it)`),
    });
    return { merged, perProcess: [] };
  }
  if (command.length > 0) {
    const { launchNode } = await profiler();
    const merged = await launchNode(command, {
      rateHz,
      durationMs: args.duration === undefined ? undefined : durationMs,
      signal: run.signal,
      // The command's own output must not mix with a profile written to stdout.
      commandStdout: args.out === '-' ? 'stderr' : 'inherit',
      onSamplingStarted: ({ pid }) => progress(`sampling ${basename(command[0])} (PID ${pid}) from its start at ${rateHz} Hz`),
    });
    return { merged, perProcess: [] };
  }
  const { targets, skipped } = resolveTargets({ pids, childrenOf, match });
  if (skipped.length) progress(`skipping processes that are neither Node nor Python: ${skipped.join(', ')}`);
  return profileProcesses(targets, {
    rateHz,
    durationMs,
    chunkMs,
    signal: run.signal,
    python: { aggregate: args.aggregate as 'line' | 'function', threads: args.threads, subprocesses: args.subprocesses, blocking: args.blocking },
    onPlan: (plan) => progress(`${plan}, ${rateHz} Hz for ${durationMs / 1000} s (Ctrl-C stops early)`),
    // Starting V8's profiler walks the target's heap once: refuse a pause longer than a second unless told to.
    maxPauseMs: args.yes ? undefined : DEFAULT_MAX_PAUSE_MS,
    onPauseEstimate: (e) => {
      const line = describeStartPause(e);
      if (line && (args.yes || e.pauseMs <= DEFAULT_MAX_PAUSE_MS)) progress(line);
    },
    onSamplingStarted: ({ pid, via }) => {
      progress(`sampling started: PID ${pid} via ${via}`);
      // The outputs load while the target is sampled, not after; a failure to load surfaces where they are used.
      profiler().catch(() => undefined);
    },
  });
}

async function collectAndWrite(args: FlameArgs, run: FlameRun): Promise<void> {
  const { format, top } = run;
  const { merged, perProcess } = await collectProfiles(args, run);
  const allPids = merged.source.processes.map((p) => p.pid);
  const out = args.out ?? defaultOutName(allPids, format);
  await writeOutput(merged, format, out);
  const written = [out];
  if (args.split && perProcess.length > 1) {
    for (const p of perProcess) {
      const name = out === '-' ? defaultOutName([p.source.processes[0].pid], format) : perProcessName(out, p.source.processes[0].pid, format);
      await writeOutput(p, format, name);
      written.push(name);
    }
  }
  const { formatSummary, summarizeProfile } = await profiler();
  const summary = formatSummary(summarizeProfile(merged, { top }), merged);
  // The summary goes where the operator reads it: stdout, unless the profile itself is being written there.
  (out === '-' ? process.stderr : process.stdout).write(`${summary}\nwrote ${written.filter((w) => w !== '-').join(', ') || 'stdout'}\n`);
}

const flameRunCommand: CommandModule<object, FlameArgs> = {
  command: '$0 [target..]',
  describe: 'Sample live Node or Python workers by PID and write a flame graph, without restarting them',
  builder: (y: Argv) =>
    y
      .parserConfiguration({ 'populate--': true })
      .positional('target', { type: 'string', array: true, describe: 'PIDs, or a recording range DIR@5m..10m' })
      .option('pid', { alias: 'p', type: 'number', array: true, describe: 'Node or Python process to sample (repeatable)' })
      .option('children-of', { type: 'number', array: true, describe: "Sample every child of this PID (a supervisor's workers)" })
      .option('match', { type: 'string', describe: 'Sample every process whose command line matches this regex' })
      .option('duration', { alias: 'd', type: 'string', describe: 'How long to sample: 10s, 500ms, 2m (default 10s; launch mode: until the command exits)' })
      .option('rate', { alias: 'r', type: 'number', default: 100, describe: 'Samples per second' })
      .option('format', { alias: 'f', type: 'string', default: 'html', describe: `Output format: ${OUTPUT_FORMATS.join(', ')}` })
      .option('out', { alias: 'o', type: 'string', describe: "Output file; '-' for stdout (default flame-<pid>-<time>.<ext>)" })
      .option('split', { type: 'boolean', default: false, describe: 'Also write one file per process' })
      .option('top', { type: 'number', default: 10, describe: 'Frames in each top list of the summary' })
      .option('chunk', { type: 'string', default: '2s', describe: 'Fetch samples from the target this often, so a target that dies loses at most this much' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: `Attach even when starting the profiler will pause the target longer than ${DEFAULT_MAX_PAUSE_MS / 1000} s (a heap over ~700 MB: V8 walks it once)` })
      .option('engine', { type: 'string', default: 'inspector', describe: 'With a command after --: inspector (JS frames, any rate) or 0x (linux perf through 0x: also native frames of V8, libuv and addons such as SQLite; 99 Hz; needs perf and sudo)' })
      .option('process', { type: 'string', describe: 'With a recording range: only this process kind or PID' })
      .option('aggregate', { type: 'string', default: 'line', describe: "Python: 'line' (a frame per source line) or 'function' (lines merged)" })
      .option('threads', { type: 'boolean', default: false, describe: 'Python: one root frame per thread' })
      .option('subprocesses', { type: 'boolean', default: false, describe: "Python: also sample the target's child processes" })
      .option('blocking', { type: 'boolean', default: false, describe: 'Python: pause the target for each sample (exact stacks, slower target); default never pauses it' })
      .example('$0 flame --pid 4242', 'Sample PID 4242 for 10 s, write flame-4242-<time>.html')
      .example('$0 flame --children-of 4000 --format folded -o workers.folded', "All of a supervisor's workers, one root per process")
      .example('$0 flame -- node app.js', 'Profile a command from its start')
      .example('$0 flame --engine 0x -- node app.js', 'The same with native frames (time inside SQLite, zlib, V8)') as unknown as Argv<FlameArgs>,
  handler: (args) => runFlame(args),
};

export const flameCommand: CommandModule = {
  command: 'flame',
  describe: 'Flame graphs of live Node/Python workers (by PID, without restarting them), diffs and timelines',
  builder: (y: Argv) => y.command(flameRunCommand).command(flameDiffCommand).command(flameTimelineCommand),
  handler: () => undefined,
};
