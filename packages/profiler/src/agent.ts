// In-process continuous profiling agent: `node --import @crawl-diag/profiler/agent app.js`, or
// `NODE_OPTIONS=--import=@crawl-diag/profiler/agent`. Configured by environment (see agent/config.ts); without
// CRAWL_DIAG_PROFILE_DIR it does nothing. Only the main thread is profiled: worker threads inherit `--import`.
import { isMainThread } from 'node:worker_threads';
import { readAgentConfig } from './agent/config.js';
import type { AgentHandle } from './agent/continuous-profiler.js';

const LOADED = Symbol.for('crawl-diag.profiler.agent');
const registry = globalThis as { [LOADED]?: AgentHandle | null };

if (isMainThread && registry[LOADED] === undefined) {
  registry[LOADED] = null;
  try {
    const { config, warnings } = readAgentConfig();
    for (const w of warnings) process.stderr.write(`crawl-diag agent: ${w}\n`);
    if (config) {
      // Loaded only when switched on: the native profiler costs start-up time a process without a directory should not pay.
      const { startContinuousProfiler } = await import('./agent/continuous-profiler.js');
      registry[LOADED] = startContinuousProfiler(config) ?? null;
    }
  } catch (err) {
    // Never take the host down: a bug here costs the profile, not the crawl.
    process.stderr.write(`crawl-diag agent: not started (${(err as Error)?.message ?? String(err)})\n`);
  }
}

export {};
