// Test service: VictoriaLogs (a log engine) on a free loopback port with its own temporary storage, for the
// analyzer's `victorialogs://` source and the crawler's log shipping.
//
// The binary is built from the Go module proxy (`go install …/app/victoria-logs@VERSION`) into
// .test-services/bin by `.ci/run` and test-support/ensure-deps.mjs; CRAWL_DIAG_VICTORIALOGS_BIN overrides where it is.
// The suite's shared server's address goes to the tests as CRAWL_DIAG_TEST_VLOGS_URL (http://127.0.0.1:PORT);
// startVictoriaLogs() gives a test a server of its own that it can stop and restart (outage tests).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer, type ServerInstance } from './services.js';

/** The VictoriaLogs release the tests and CI build (keep .ci/run and ensure-deps.mjs on the same one). */
export const VICTORIALOGS_VERSION = 'v1.52.1';

const root = resolve(import.meta.dirname, '..');
const defaultBin = join(root, '.test-services', 'bin', 'victoria-logs');

/** The binary's path, or undefined when it was not built (no Go toolchain). */
export function victoriaLogsBin(): string | undefined {
  const bin = process.env.CRAWL_DIAG_VICTORIALOGS_BIN ?? defaultBin;
  return existsSync(bin) ? bin : undefined;
}

export interface VictoriaLogsInstance extends ServerInstance {
  /** victorialogs://127.0.0.1:PORT, the analyzer's and the crawler's form of the address (`url` is http://…). */
  source: string;
}

/** Starts a VictoriaLogs server of its own. Throws when the binary was not built; callers decide to skip or fail. */
export async function startVictoriaLogs(opts: { port?: number; dataDir?: string } = {}): Promise<VictoriaLogsInstance> {
  const bin = victoriaLogsBin();
  if (!bin) throw new Error(`VictoriaLogs is not built (${defaultBin}; go install github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@${VICTORIALOGS_VERSION})`);
  const server = await startServer(
    {
      name: 'victoria-logs',
      bin,
      args: (port, dataDir) => [
        `-storageDataPath=${dataDir}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        // Committed fixtures carry their own (old) timestamps: the default 7-day retention would drop them.
        '-retentionPeriod=100y',
        '-futureRetention=100y',
        '-loggerLevel=ERROR',
      ],
      url: (port) => `http://127.0.0.1:${port}`,
    },
    opts,
  );
  return Object.assign(server, { source: `victorialogs://127.0.0.1:${server.port}` });
}

/**
 * Where VictoriaLogs tests find their server: CRAWL_DIAG_TEST_VLOGS_URL (set by the global setup). Under CI a
 * missing server fails the run; locally the tests are skipped with the reason.
 */
export function vlogsTestTarget(): { url?: string; skip?: string } {
  const url = process.env.CRAWL_DIAG_TEST_VLOGS_URL;
  if (url) return { url };
  const reason = 'CRAWL_DIAG_TEST_VLOGS_URL is not set (VictoriaLogs not built: needs Go; npm test builds it)';
  if (process.env.CI) throw new Error(`VictoriaLogs tests must run in CI: ${reason}`);
  return { skip: reason };
}

/**
 * Sends NDJSON records to a server's /insert/jsonline and waits until a query sees all of them (VictoriaLogs makes
 * ingested rows searchable within about a second).
 */
export async function ingestJsonLines(
  url: string,
  body: string,
  params: { timeField: string; msgField: string; streamFields?: string[]; extraFields?: Record<string, string> },
): Promise<void> {
  const q = new URLSearchParams({ _time_field: params.timeField, _msg_field: params.msgField });
  if (params.streamFields) q.set('_stream_fields', params.streamFields.join(','));
  if (params.extraFields) q.set('extra_fields', Object.entries(params.extraFields).map(([k, v]) => `${k}=${v}`).join(','));
  const res = await fetch(`${url}/insert/jsonline?${q}`, { method: 'POST', headers: { 'content-type': 'application/stream+json' }, body });
  if (!res.ok) throw new Error(`ingest failed: HTTP ${res.status} ${await res.text()}`);
}

/** Count of the records a LogsQL query matches (all time). */
export async function countRecords(url: string, query: string): Promise<number> {
  const res = await fetch(`${url}/select/logsql/query`, {
    method: 'POST',
    body: new URLSearchParams({ query: `${query} | stats count() as n` }),
  });
  if (!res.ok) throw new Error(`query failed: HTTP ${res.status} ${await res.text()}`);
  const text = (await res.text()).trim();
  return text ? Number((JSON.parse(text) as { n: string }).n) : 0;
}

/** Waits until `query` matches at least `n` records (ingested rows become searchable after a short delay). */
export async function waitForRecords(url: string, query: string, n: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await countRecords(url, query);
    if (seen >= n) return seen;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`VictoriaLogs at ${url}: ${seen} records match '${query}' after ${timeoutMs} ms, expected ${n}`);
}

/** Starts the suite's shared server and hands its address over; see startServices. */
export async function startSharedVictoriaLogs(): Promise<{ url?: string; stop(): Promise<void> }> {
  if (process.env.CRAWL_DIAG_TEST_VLOGS_URL) return { url: process.env.CRAWL_DIAG_TEST_VLOGS_URL, stop: async () => {} };
  if (!victoriaLogsBin()) {
    const msg = 'VictoriaLogs is not built (no Go toolchain?); the victorialogs:// tests cannot run.';
    if (process.env.CI) throw new Error(msg);
    console.warn(`[test services] ${msg} They will be skipped.`);
    return { stop: async () => {} };
  }
  const server = await startVictoriaLogs();
  process.env.CRAWL_DIAG_TEST_VLOGS_URL = server.url;
  return { url: server.url, stop: () => server.dispose() };
}

/**
 * A logs@1 report without what names its inputs (the files, or the server's address): what must be identical
 * between a report from log files and one from VictoriaLogs holding the same records.
 */
export function withoutInputs<R extends { files: unknown; groups?: Record<string, { files: string[] }> }>(report: R): Omit<R, 'files'> {
  const { files: _files, ...rest } = report;
  const groups = rest.groups ? Object.fromEntries(Object.entries(rest.groups).map(([g, span]) => [g, { ...span, files: [] }])) : undefined;
  return { ...rest, ...(groups ? { groups } : {}) };
}
