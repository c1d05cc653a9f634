// Installs what the test suite needs beyond npm, so that `npm test` alone sets up a fresh machine:
// headless Chromium (Debian's package) for the HTML outputs' browser tests, linux perf and sudo for
// `flame --engine 0x`, postgresql and iproute2 (Debian) for FerretDB's PostgreSQL backend and the multi-host crawl
// test's network namespaces, py-spy (PyPI) for Python profiles, requests and pymongo (PyPI) for the Python crawler, Scrapy (PyPI) for the
// real-crawler bench test.
// VictoriaLogs (the log engine of the victorialogs:// tests) is built from the Go module proxy into .test-services/bin.
// FerretDB is built from tools/ferretdb by the suite's global setup. Nothing here runs when the tools are present.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const say = (msg) => process.stderr.write(`[test deps] ${msg}\n`);

function run(cmd, args) {
  say(`${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

const missing = [];

if (!existsSync('/usr/bin/chromium')) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    try {
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['install', '-y', '-qq', 'chromium']);
    } catch {
      missing.push('chromium (apt-get install chromium failed)');
    }
  } else {
    missing.push('chromium (install Debian\'s chromium package as root)');
  }
}

// PostgreSQL (FerretDB's PostgreSQL backend, started by tools/ferretdb) and iproute2 (`ip netns`: the multi-host
// crawl test's hosts).
const pgMissing = [];
if (!(existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb'))))) pgMissing.push('postgresql');
if (!has('ip')) pgMissing.push('iproute2');
if (pgMissing.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    try {
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['install', '-y', '-qq', ...pgMissing]);
    } catch {
      missing.push(`${pgMissing.join(', ')} (apt-get install ${pgMissing.join(' ')} failed)`);
    }
  } else {
    missing.push(`${pgMissing.join(', ')} (install Debian's ${pgMissing.join(' ')} as root)`);
  }
}

// linux perf and sudo: `flame --engine 0x` runs perf through sudo (0x does), for native frames.
const perfMissing = [['perf', 'linux-perf'], ['sudo', 'sudo']].filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg);
if (perfMissing.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    try {
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['install', '-y', '-qq', ...perfMissing]);
    } catch {
      missing.push(`${perfMissing.join(', ')} (apt-get install ${perfMissing.join(' ')} failed)`);
    }
  } else {
    missing.push(`${perfMissing.join(', ')} (install Debian's ${perfMissing.join(' ')} as root)`);
  }
}

if (!has('py-spy')) {
  const python = has('python3') ? 'python3' : undefined;
  try {
    if (!python) throw new Error('no python3');
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'py-spy']);
  } catch {
    missing.push('py-spy (pip install py-spy)');
  }
}

// requests and pymongo: the hand-written Python crawler (bench/real-crawlers/python) the profiler tests run.
if (spawnSync('python3', ['-c', 'import requests, pymongo'], { stdio: 'ignore' }).status !== 0) {
  try {
    run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'requests', 'pymongo']);
  } catch {
    missing.push('requests, pymongo (pip install requests pymongo)');
  }
}

// Scrapy (PyPI): the bench's real-crawler test runs the real Scrapy against the simulated web.
if (spawnSync('python3', ['-c', 'import scrapy'], { stdio: 'ignore' }).status !== 0) {
  try {
    run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'scrapy']);
  } catch {
    missing.push('scrapy (pip install scrapy)');
  }
}

// Same version as VICTORIALOGS_VERSION in test-support/victorialogs.ts and .ci/run.
const victoriaLogs = join(import.meta.dirname, '..', '.test-services', 'bin', 'victoria-logs');
if (!process.env.CRAWL_DIAG_VICTORIALOGS_BIN && !existsSync(victoriaLogs)) {
  try {
    if (!has('go')) throw new Error('no go');
    say('building VictoriaLogs (about a minute, once)');
    execFileSync('go', ['install', 'github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v1.52.1'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, GOBIN: join(import.meta.dirname, '..', '.test-services', 'bin') },
    });
  } catch {
    missing.push('victoria-logs (go install github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v1.52.1 with GOBIN=.test-services/bin)');
  }
}

if (missing.length > 0) {
  say(`not available: ${missing.join('; ')}. Tests that need them are skipped on a developer machine and fail under CI.`);
}
