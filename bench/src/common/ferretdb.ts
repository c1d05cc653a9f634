// FerretDB (the MongoDB wire protocol over SQLite, or over PostgreSQL with --backend postgresql) for `--store mongo` when no `--mongo URI` is given: the binary
// the test services use (`.test-services/bin/ferretdb`, built from tools/ferretdb with `go build` when missing),
// started on a free loopback port with its own data directory, stopped with the bench.
// test-support/services.ts does the same for vitest, but it lives outside the bench's TypeScript project.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { onCleanup, spawnGroup } from './child-processes.js';
import { processCpuMs, processTreeCpuMs } from './cpu.js';
import { BenchRunError } from './errors.js';
import { REPO_ROOT } from './repo-paths.js';

const FERRET_BIN = join(REPO_ROOT, '.test-services', 'bin', 'ferretdb');

export interface RunningMongo {
  uri: string;
  /** CPU time the server has used so far (ms), when the bench started it and /proc can tell. */
  cpuMs?(): number | undefined;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const FERRET_SRC = join(REPO_ROOT, 'tools', 'ferretdb');

/** Whether the binary is older than any of the wrapper's sources (its flags or FerretDB's version changed). */
function binaryIsStale(): boolean {
  const sources = readdirSync(FERRET_SRC).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum');
  const newest = Math.max(...sources.map((f) => statSync(join(FERRET_SRC, f)).mtimeMs));
  return statSync(FERRET_BIN).mtimeMs < newest;
}

function ferretBinary(): string {
  if (existsSync(FERRET_BIN) && !binaryIsStale()) return FERRET_BIN;
  try {
    execFileSync('go', ['build', '-o', FERRET_BIN, '.'], { cwd: FERRET_SRC, stdio: 'inherit' });
    return FERRET_BIN;
  } catch (err) {
    if (existsSync(FERRET_BIN)) return FERRET_BIN; // stale but usable (no Go here)
    throw new BenchRunError(`cannot build FerretDB from tools/ferretdb (${(err as Error).message}); install Go or pass --mongo URI`);
  }
}

/** FerretDB's storage: SQLite files, or a PostgreSQL cluster the wrapper starts (tools/ferretdb/postgres.go). */
export type FerretBackend = 'sqlite' | 'postgresql';

export async function startFerretDb(backend: FerretBackend = 'sqlite'): Promise<RunningMongo> {
  const bin = ferretBinary();
  const dataDir = await mkdtemp(join(tmpdir(), 'crawl-diag-bench-ferretdb-'));
  const port = await freePort();
  // Its log goes to a file: FerretDB warns on every command it does not implement (e.g. the driver's endSessions).
  const logFile = join(dataDir, '..', `${basename(dataDir)}.log`);
  const logFd = openSync(logFile, 'a');
  // CRAWL_DIAG_FERRETDB_PPROF=127.0.0.1:PORT serves Go's pprof from FerretDB (diagnosis; the wrapper refuses
  // anything but a loopback address).
  const pprof = process.env.CRAWL_DIAG_FERRETDB_PPROF;
  // CRAWL_DIAG_FERRETDB_PG_STATEMENTS=1 loads pg_stat_statements into the PostgreSQL server (which statements a crawl
  // costs; read it with psql on the URL in FerretDB's log, see bench/MONGO.md).
  const statements = backend === 'postgresql' && process.env.CRAWL_DIAG_FERRETDB_PG_STATEMENTS === '1' ? ['--postgresql-statements'] : [];
  const storage = backend === 'postgresql' ? ['--postgresql-data', join(dataDir, 'pg'), ...statements] : ['--sqlite-dir', dataDir];
  const args = ['--listen-addr', `127.0.0.1:${port}`, ...storage, ...(pprof ? ['--pprof-addr', pprof] : [])];
  const proc = spawnGroup(bin, args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const removeData = onCleanup(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(logFile, { force: true });
  });
  // A first start on PostgreSQL runs initdb: slow on a loaded machine.
  const deadline = Date.now() + 60_000;
  while (!(await portOpen(port))) {
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      await proc.stop(1000);
      await rm(dataDir, { recursive: true, force: true });
      throw new BenchRunError(`FerretDB did not start listening on 127.0.0.1:${port} (its log: ${logFile}); pass --mongo URI of a running server`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    // On PostgreSQL the server is the wrapper and the cluster it started: their CPU together.
    cpuMs: () => (proc.child.pid === undefined ? undefined : backend === 'postgresql' ? processTreeCpuMs(proc.child.pid) : processCpuMs(proc.child.pid)),
    async stop() {
      await proc.stop(5000);
      await removeData();
    },
  };
}

/** The URI with its database set to `db` (each run gets a fresh database, as each SQLite run gets a fresh file). */
export function withDatabase(uri: string, db: string): string {
  const u = new URL(uri);
  u.pathname = `/${db}`;
  return u.toString();
}
