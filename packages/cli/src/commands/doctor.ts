// `crawl-diag doctor`: gathers evidence (logs, /proc samples of live processes, profiles) and prints the likely
// causes of a decaying crawl, ranked. Argument parsing and output choice only; the work is in @crawl-diag/doctor.
import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { diagnose, formatDoctor, gatherEvidence } from '@crawl-diag/doctor';
import { childrenOf, DEFAULT_MAX_PAUSE_MS, processesMatching } from '@crawl-diag/profiler';
import { UsageError } from '../errors.js';
import { parseDuration } from './flame.js';
import { runObservedCrawl } from './doctor-crawl-local.js';

interface DoctorArgs {
  logs?: string[];
  pid?: number[];
  'children-of'?: number[];
  match?: string;
  duration: string;
  profiles?: string;
  'profile-length': string;
  'group-by'?: string;
  crawler?: string;
  warmup?: number;
  json: boolean;
  yes: boolean;
  'crawl-local'?: string;
}

/** The live processes to watch: explicit PIDs, a parent's children, command lines matching a pattern. */
export function selectPids(a: { pid?: number[]; 'children-of'?: number[]; match?: string }): number[] {
  const pids = new Set<number>();
  for (const p of a.pid ?? []) {
    if (!Number.isInteger(p) || p <= 0) throw new UsageError(`--pid ${p} is not a process id; give a positive integer`);
    if (!existsSync(`/proc/${p}`)) throw new UsageError(`--pid ${p}: no such process; check with 'ps -p ${p}'`);
    pids.add(p);
  }
  for (const parent of a['children-of'] ?? []) {
    const kids = existsSync(`/proc/${parent}`) ? childrenOf(parent) : [];
    if (kids.length === 0) throw new UsageError(`--children-of ${parent}: no such process or it has no children`);
    kids.forEach((k) => pids.add(k));
  }
  if (a.match !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(a.match);
    } catch (err) {
      throw new UsageError(`--match '${a.match}' is not a valid regular expression (${(err as Error).message})`);
    }
    const found = processesMatching(re).filter((p) => p !== process.pid);
    if (found.length === 0) throw new UsageError(`--match: no process command line matches /${a.match}/; check with 'ps -eo pid,args'`);
    found.forEach((p) => pids.add(p));
  }
  return [...pids];
}

export const doctorCommand: CommandModule<object, DoctorArgs> = {
  command: 'doctor',
  describe: 'Rank the likely causes of a decaying crawl from its logs, live processes and profiles',
  builder: (y: Argv) =>
    y
      .option('logs', {
        type: 'string',
        array: true,
        describe:
          "The crawler's own logs: files, directories or globs (rotated parts and .gz too): Scrapy's LOG_FILE (DEBUG shows each page's domain and 429s), Crawlee's output (text or JSON), crawl-diag's --log-dir, the original Python crawler's, or a web server's access log",
      })
      .option('pid', { type: 'number', array: true, describe: 'Live process to sample (repeatable)' })
      .option('children-of', { type: 'number', array: true, describe: 'Sample the children of this PID (e.g. a supervisor)' })
      .option('match', { type: 'string', describe: 'Sample processes whose command line matches this regex' })
      .option('duration', { type: 'string', default: '30s', describe: 'How long to watch live processes' })
      .option('profiles', { type: 'string', describe: "The profiling agent's recording directory, or a directory of early/late profile files (*early*, *late*: py-spy raw, folded, .cpuprofile, .pb.gz), instead of live profiles" })
      .option('profile-length', { type: 'string', default: '3s', describe: 'Live profile length at the start and the end of the window (0 for none)' })
      .option('group-by', { type: 'string', describe: 'Log groups: a JSON field or a regex on the path (see crawl-diag logs)' })
      .option('crawler', { type: 'string', choices: ['crawl-diag', 'python', 'scrapy', 'crawlee', 'access-log'], describe: 'Which crawler wrote the logs (default: detected from them)' })
      .option('warmup', { type: 'number', describe: 'Seconds of start-up left out of the judgement (default: min(15, a quarter of the run))' })
      .option('json', { type: 'boolean', default: false, describe: 'Print crawl-diag/doctor@1 JSON' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: `Profile live Node processes even when starting the profiler will pause one longer than ${DEFAULT_MAX_PAUSE_MS / 1000} s (a heap over ~700 MB: V8 walks it, at the start and at the end of the window)` })
      .option('crawl-local', { type: 'string', describe: "Run 'crawl-diag crawl local ARGS' (with --duration) to its end, profiled, then examine it" })
      .example('$0 doctor --logs logs/', 'offline: judge the logs only')
      .example('$0 doctor --logs logs/ --children-of 4242 --duration 60s', 'also watch a supervisor’s workers for a minute')
      .example('$0 doctor --logs run/logs --profiles run/profiles --json', 'with the agent’s recordings') as unknown as Argv<DoctorArgs>,
  handler: async (a) => {
    const pids = selectPids(a);
    const logs = a.logs?.filter((p) => p !== '') ?? [];
    let profiles = a.profiles;
    if (a['crawl-local'] !== undefined) {
      const crawl = await runObservedCrawl(a['crawl-local'], (line) => process.stderr.write(`${line}\n`));
      logs.push(crawl.logDir);
      profiles ??= crawl.profileDir;
    }
    if (logs.length === 0 && pids.length === 0 && !profiles) {
      throw new UsageError('give --logs PATH, live processes (--pid, --children-of, --match), --profiles DIR or --crawl-local ARGS to examine');
    }
    if (a.warmup !== undefined && !(a.warmup >= 0)) throw new UsageError(`--warmup must be a number of seconds ≥ 0, got '${a.warmup}'`);
    const profileMs = a['profile-length'] === '0' ? 0 : parseDuration(a['profile-length'], 'profile-length');
    const ac = new AbortController();
    const onSigint = () => (ac.signal.aborted ? process.exit(130) : ac.abort());
    process.on('SIGINT', onSigint);
    try {
      const evidence = await gatherEvidence({
        logs,
        pids,
        durationMs: parseDuration(a.duration, 'duration'),
        profileMs,
        profilesDir: profiles,
        // The same rule as crawl-diag flame --pid: no start-up pause over a second unless told.
        maxPauseMs: a.yes ? undefined : DEFAULT_MAX_PAUSE_MS,
        groupBy: a['group-by'],
        crawler: a.crawler,
        warmupSec: a.warmup,
        signal: ac.signal,
        onProgress: a.json ? undefined : (line) => process.stderr.write(`${line}\n`),
      });
      const result = diagnose(evidence);
      process.stdout.write(a.json ? `${JSON.stringify(result, null, 2)}\n` : formatDoctor(result));
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
