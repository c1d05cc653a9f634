// How a spawned crawler process gets its options: one JSON object in an environment variable.
// The environment rather than argv because a MongoDB URI may carry a password, and /proc/<pid>/environ is
// readable only by the process owner while the command line is readable by everyone.

export const CHILD_CONFIG_ENV = 'CRAWL_DIAG_CRAWL_CONFIG';

export function childConfigEnv(config: unknown): Record<string, string> {
  return { [CHILD_CONFIG_ENV]: JSON.stringify(config) };
}

export function readChildConfig<T>(): T {
  const raw = process.env[CHILD_CONFIG_ENV];
  if (!raw) throw new Error(`${CHILD_CONFIG_ENV} is not set: this entry point is started by crawl-diag, not by hand`);
  return JSON.parse(raw) as T;
}
