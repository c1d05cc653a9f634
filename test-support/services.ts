// Test services: FerretDB over SQLite on a free loopback port, built from tools/ferretdb.
//
// `CRAWL_DIAG_TEST_MONGO_URL` set by the caller wins (point the Mongo suite at a real MongoDB that way).
// Otherwise FerretDB is started from `.test-services/bin/ferretdb`, built with `go build` when Go is present.
// Under CI (CI=true) a missing service is an error, never a silent skip.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

export interface Services {
  mongoUrl?: string;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, '..');
const ferretBin = join(root, '.test-services', 'bin', 'ferretdb');

function freePort(): Promise<number> {
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

async function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ferretdb exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); res(true); });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ferretdb did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export function buildFerretDb(): string | undefined {
  if (existsSync(ferretBin)) return ferretBin;
  try {
    execFileSync('go', ['build', '-o', ferretBin, '.'], { cwd: join(root, 'tools', 'ferretdb'), stdio: 'inherit' });
    return ferretBin;
  } catch {
    return undefined;
  }
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
  const dataDir = mkdtempSync(join(tmpdir(), 'crawl-diag-ferretdb-'));
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const child = spawn(bin, ['--listen-addr', `127.0.0.1:${port}`, '--sqlite-dir', dataDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port, 20_000, child);
  const mongoUrl = `mongodb://127.0.0.1:${port}/`;
  process.env.CRAWL_DIAG_TEST_MONGO_URL = mongoUrl;
  process.env.CRAWL_DIAG_FERRETDB_BIN = bin;
  return {
    mongoUrl,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
