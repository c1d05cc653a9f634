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

// Debian's packages, all in one apt-get run: headless Chromium (the HTML outputs' browser tests); PostgreSQL
// (FerretDB's PostgreSQL backend, started by tools/ferretdb) and iproute2 (`ip netns`: the multi-host crawl test's
// hosts); linux perf and sudo (`flame --engine 0x` runs perf through sudo, as 0x does, for native frames).
const hasInitdb = () =>
  existsSync('/usr/lib/postgresql') &&
  readdirSync('/usr/lib/postgresql').some((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb')));
const debian = [
  ['chromium', () => existsSync('/usr/bin/chromium')],
  ['postgresql', hasInitdb],
  ['iproute2', () => has('ip')],
  ['linux-perf', () => has('perf')],
  ['sudo', () => has('sudo')],
]
  .filter(([, present]) => !present())
  .map(([pkg]) => pkg);
if (debian.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    try {
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['install', '-y', '-qq', ...debian]);
    } catch {
      missing.push(`${debian.join(', ')} (apt-get install ${debian.join(' ')} failed)`);
    }
  } else {
    missing.push(`${debian.join(', ')} (install Debian's ${debian.join(' ')} as root)`);
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
