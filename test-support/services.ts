// Test services: FerretDB over SQLite on a free loopback port, built from tools/ferretdb.
//
// `CRAWL_DIAG_TEST_MONGO_URL` set by the caller wins (point the Mongo suite at a real MongoDB that way).
// Otherwise FerretDB is started from `.test-services/bin/ferretdb`, built with `go build` when Go is present.
// Under CI (CI=true) a missing service is an error, never a silent skip.
// startFerret() gives a test a FerretDB of its own that it can stop and restart (database outage tests).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

export interface Services {
  mongoUrl?: string;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, '..');
const ferretBin = join(root, '.test-services', 'bin', 'ferretdb');

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number, child: ChildProcess, name = 'ferretdb'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); res(true); });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export function buildFerretDb(): string | undefined {
  // Rebuilt when the wrapper's source is newer than the binary (its flags or FerretDB's version changed).
  const sourceDir = join(root, 'tools', 'ferretdb');
  // Every .go file counts, not only main.go: the wrapper grew more files (idindex.go).
  const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum');
  const newestSource = Math.max(...sources.map((f) => statSync(join(sourceDir, f)).mtimeMs));
  if (existsSync(ferretBin) && statSync(ferretBin).mtimeMs >= newestSource) return ferretBin;
  try {
    execFileSync('go', ['build', '-o', ferretBin, '.'], { cwd: join(root, 'tools', 'ferretdb'), stdio: 'inherit' });
    return ferretBin;
  } catch {
    return existsSync(ferretBin) ? ferretBin : undefined;
  }
}

/** A server process of a test's own (FerretDB, VictoriaLogs), which the test may stop and restart (outage tests). */
export interface ServerInstance {
  /** Its address, in the form its clients take (mongodb://127.0.0.1:PORT/, http://127.0.0.1:PORT). */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s); the data stays in `dataDir`. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data (stops it first if it runs). */
  restart(): Promise<void>;
  /** Stops it and removes `dataDir` if it was created here. */
  dispose(): Promise<void>;
}

export type FerretInstance = ServerInstance;

interface RunningServer {
  child: ChildProcess;
  exited: Promise<void>;
}

export interface ServerSpec {
  /** Name in error messages and the temp dir's. */
  name: string;
  bin: string;
  /** Its command-line arguments for a loopback port and a data directory. */
  args(port: number, dataDir: string): string[];
  url(port: number): string;
}

async function spawnServer(spec: ServerSpec, port: number, dataDir: string): Promise<RunningServer> {
  const child = spawn(spec.bin, spec.args(port, dataDir), { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  try {
    // Generous: a first start of FerretDB on PostgreSQL runs initdb, slow on a loaded machine.
    await waitForPort(port, 60_000, child, spec.name);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { child, exited };
}

async function stopServer(running: RunningServer): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGTERM');
  const killer = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
  await running.exited;
  clearTimeout(killer);
}

/** Starts `spec` on `port` (default: a free one) with its data in `dataDir` (default: a new temp dir). */
export async function startServer(spec: ServerSpec, opts: { port?: number; dataDir?: string } = {}): Promise<ServerInstance> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), `crawl-diag-${spec.name}-own-`));
  mkdirSync(dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  let running: RunningServer | undefined = await spawnServer(spec, port, dataDir);
  const stop = async () => {
    if (running) await stopServer(running);
    running = undefined;
  };
  return {
    url: spec.url(port),
    port,
    dataDir,
    stop,
    async restart() {
      await stop();
      running = await spawnServer(spec, port, dataDir);
    },
    async dispose() {
      await stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Why FerretDB's PostgreSQL backend cannot run here (no PostgreSQL server binaries), or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  if (process.env.PG_BINDIR && existsSync(join(process.env.PG_BINDIR, 'initdb'))) return undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian) && readdirSync(debian).some((v) => existsSync(join(debian, v, 'bin', 'initdb')))) return undefined;
  return 'PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BINDIR)';
}

/**
 * Starts a separate FerretDB (not the suite's shared one) on `port` (default: a free one) with its data in `dataDir`
 * (default: a new temp dir). Backend `postgresql`: FerretDB starts a PostgreSQL server of its own with its cluster in
 * `dataDir/pg` (tools/ferretdb/postgres.go). Throws when FerretDB cannot be built (no Go toolchain); callers decide
 * to skip or fail.
 */
export async function startFerret(opts: { port?: number; dataDir?: string; backend?: 'sqlite' | 'postgresql' } = {}): Promise<FerretInstance> {
  const bin = process.env.CRAWL_DIAG_FERRETDB_BIN ?? buildFerretDb();
  if (!bin) throw new Error('FerretDB is not available (no Go toolchain to build tools/ferretdb)');
  const backend = (dataDir: string) => (opts.backend === 'postgresql' ? ['--postgresql-data', join(dataDir, 'pg')] : ['--sqlite-dir', dataDir]);
  return startServer(
    {
      name: opts.backend === 'postgresql' ? 'ferretdb-postgresql' : 'ferretdb',
      bin,
      args: (port, dataDir) => ['--listen-addr', `127.0.0.1:${port}`, ...backend(dataDir)],
      url: (port) => `mongodb://127.0.0.1:${port}/`,
    },
    opts,
  );
}

export async function startServices(): Promise<Services> {
  if (process.env.CRAWL_DIAG_TEST_MONGO_URL) {
    return { mongoUrl: process.env.CRAWL_DIAG_TEST_MONGO_URL, stop: async () => {} };
  }
  const bin = buildFerretDb();
  if (!bin) {
    const msg = 'FerretDB is not available (no Go toolchain to build tools/ferretdb); the Mongo store suite cannot run.';
    if (process.env.CI) throw new Error(msg);
    console.warn(`[test services] ${msg} Mongo tests will be skipped.`);
    return { stop: async () => {} };
  }
  const ferret = await startFerret();
  process.env.CRAWL_DIAG_TEST_MONGO_URL = ferret.url;
  process.env.CRAWL_DIAG_FERRETDB_BIN = bin;
  return { mongoUrl: ferret.url, stop: () => ferret.dispose() };
}
