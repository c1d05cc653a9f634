// What a parent process adds when it spawns a Node child that should be profiled continuously.
import { fileURLToPath } from 'node:url';
import { ENV } from './config.js';

export interface AgentNodeOptions {
  /** Node options for the child, e.g. `fork(script, args, { execArgv: [...process.execArgv, ...execArgv] })`. */
  execArgv: string[];
  /** Environment to add to the child's. */
  env: Record<string, string>;
}

/**
 * The agent's compiled entry, by absolute URL so the child finds it whatever its working directory. Children
 * cannot load TypeScript, so when this module runs from `src/` (under vitest) it still points at `dist/`.
 */
export const AGENT_ENTRY_URL = new URL('../agent.js', import.meta.url).href.replace(/\/src\/agent\.js$/, '/dist/agent.js');
export const AGENT_ENTRY_PATH = fileURLToPath(AGENT_ENTRY_URL);

/**
 * `--import` of the agent and its settings, for a child process of kind `kind` (`dispatcher`, `supervisor`,
 * `worker`) recording into `dir`. Window length and rate keep the agent's defaults unless `opts` says otherwise.
 */
export function agentNodeOptions(
  dir: string,
  kind: string,
  opts: { window?: string; rateHz?: number; heap?: boolean } = {},
): AgentNodeOptions {
  const env: Record<string, string> = { [ENV.dir]: dir, [ENV.kind]: kind };
  if (opts.window) env[ENV.window] = opts.window;
  if (opts.rateHz) env[ENV.rate] = String(opts.rateHz);
  if (opts.heap) env[ENV.heap] = '1';
  return { execArgv: [`--import=${AGENT_ENTRY_URL}`], env };
}
