// Runs one `crawl-diag crawl local` as a real child process (its own process group) against the simulated web,
// with one log file per process in `logDir`, and reports how it ended.
import { createInterface } from 'node:readline';
import { spawnGroup } from './child-processes.js';
import { BenchRunError } from './errors.js';
import { CRAWL_DIAG_BIN, REPO_ROOT } from './repo-paths.js';

export interface CrawlLocalOptions {
  /** Supervisor processes (the bench's "nodes"). */
  supervisors: number;
  /** Crawler processes per supervisor. */
  workers: number;
  /** Run length in seconds (`--duration`). */
  durationSec: number;
  /** File with the seed URLs. */
  seedsFile: string;
  /** `*=127.0.0.1:PORT` of the simulated web. */
  resolveRule: string;
  logDir: string;
  /** `{ sqlite: path }` or `{ mongo: uri }`. */
  store: { sqlite: string } | { mongo: string };
  /** `--fault` switches. */
  faults: string[];
  /** Per-domain delay in ms when robots.txt gives none (`--delay`). */
  delayMs: number;
  /** Links deeper than this are not followed (`--max-depth`). */
  maxDepth: number;
  /** Record continuous profiles here (`--profile-dir`). */
  profileDir?: string;
  /** Extra environment for the crawl and its children (e.g. the profiler agent's window length). */
  env?: Record<string, string>;
  /** Called with every progress line the dispatcher prints (every 2 s). */
  onProgressLine?: (line: string) => void;
}

export interface CrawlLocalResult {
  exitCode: number;
  elapsedMs: number;
  /** The crawl's closing summary line (`crawl finished (…) …`), if it printed one. */
  summary?: string;
  /** The last progress line seen. */
  lastProgress?: string;
}

export function crawlLocalArgs(o: CrawlLocalOptions): string[] {
  const args = [
    'crawl', 'local',
    '--supervisors', String(o.supervisors),
    '--workers', String(o.workers),
    '--duration', `${o.durationSec}s`,
    '--seeds', o.seedsFile,
    '--resolve', o.resolveRule,
    '--log-dir', o.logDir,
    '--delay', String(o.delayMs),
    '--max-depth', String(o.maxDepth),
  ];
  if ('sqlite' in o.store) args.push('--sqlite', o.store.sqlite);
  else args.push('--mongo', o.store.mongo);
  for (const f of o.faults) args.push('--fault', f);
  if (o.profileDir) args.push('--profile-dir', o.profileDir);
  return args;
}

export async function runCrawlLocal(o: CrawlLocalOptions): Promise<CrawlLocalResult> {
  const started = Date.now();
  const run = spawnGroup(process.execPath, [CRAWL_DIAG_BIN, ...crawlLocalArgs(o)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let summary: string | undefined;
  let lastProgress: string | undefined;
  const tail: string[] = [];
  const lines = createInterface({ input: run.child.stderr! });
  lines.on('line', (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    if (line.startsWith('crawl finished')) summary = line;
    else if (/^crawl: \d+ pages in/.test(line)) {
      lastProgress = line;
      o.onProgressLine?.(line);
    }
  });
  // A hung crawl must not hang the bench: allow the run, startup and the stop grace, then stop it.
  const watchdog = setTimeout(() => void run.stop(5_000), (o.durationSec + 90) * 1000);
  const exitCode = await run.exited;
  clearTimeout(watchdog);
  await run.stop(1_000);
  const result = { exitCode, elapsedMs: Date.now() - started, summary, lastProgress };
  if (exitCode !== 0) {
    throw new BenchRunError(
      `crawl-diag ${crawlLocalArgs(o).slice(0, 6).join(' ')} … exited with code ${exitCode}; its last lines:\n  ${tail.join('\n  ')}`,
    );
  }
  return result;
}
