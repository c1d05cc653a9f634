// What every spawned crawler process gets: its options as JSON in the environment and, with --profile-dir, the
// continuous profiler agent of @crawl-diag/profiler (`--import` plus its settings), so a whole crawl can be
// profiled process by process. The agent is resolved to an absolute URL here, so a child finds it whatever its
// working directory; it is loaded only with --profile-dir, so the crawler does not depend on the profiler to run.
import { childConfigEnv } from './child-config.js';
import type { ProcessKind } from './entry-points.js';

export interface SpawnArgs {
  execArgv: string[];
  env: Record<string, string>;
}

export class ProfilerMissingError extends Error {
  readonly exitCode = 2;
  override readonly name = 'ProfilerMissingError';
}

function agentUrl(): string {
  try {
    return import.meta.resolve('@crawl-diag/profiler/agent');
  } catch {
    throw new ProfilerMissingError('--profile-dir needs @crawl-diag/profiler installed next to the crawler; install it or drop --profile-dir');
  }
}

export function spawnArgs(kind: ProcessKind, config: unknown, profileDir?: string): SpawnArgs {
  const env = childConfigEnv(config);
  if (!profileDir) return { execArgv: [], env };
  return {
    execArgv: [`--import=${agentUrl()}`],
    env: { ...env, CRAWL_DIAG_PROFILE_DIR: profileDir, CRAWL_DIAG_PROCESS_KIND: kind },
  };
}
