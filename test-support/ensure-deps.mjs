// Installs what the test suite needs beyond npm, so that `npm test` alone sets up a fresh machine:
// headless Chromium (Debian's package) for the HTML outputs' browser tests, py-spy (PyPI) for Python profiles, Scrapy (PyPI) for
// the real-crawler bench test.
// FerretDB is built from tools/ferretdb by the suite's global setup. Nothing here runs when the tools are present.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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

if (!has('py-spy')) {
  const python = has('python3') ? 'python3' : undefined;
  try {
    if (!python) throw new Error('no python3');
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'py-spy']);
  } catch {
    missing.push('py-spy (pip install py-spy)');
  }
}

// Scrapy (PyPI): the bench's real-crawler test runs the real Scrapy against the simulated web.
if (spawnSync('python3', ['-c', 'import scrapy'], { stdio: 'ignore' }).status !== 0) {
  try {
    if (!has('python3')) throw new Error('no python3');
    run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'scrapy']);
  } catch {
    missing.push('scrapy (pip install scrapy)');
  }
}

if (missing.length > 0) {
  say(`not available: ${missing.join('; ')}. Tests that need them are skipped on a developer machine and fail under CI.`);
}
