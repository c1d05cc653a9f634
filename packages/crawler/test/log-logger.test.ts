// Process logs: the Python format matches the original crawler's lines (the analyzer's shape), JSON lines carry
// epoch-ms `time`, and lines reach the file on exit of a real child process.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeProcessLogger, createProcessLogger, flushProcessLoggerSync, processLogFile } from '../src/log/logger.js';
import { pythonAsctime, pythonLogLine } from '../src/log/python-format.js';
import * as strategic from '../src/log/strategic.js';

/** The shape of the original crawler's lines (shared/samples/original-crawler-excerpt.log). */
const PYTHON_LINE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3}) - ([\w.]+) - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - (.*)$/;
const SAMPLE = `2016-12-20 14:29:20,135 - crawlers.web.multi_worker_web_crawler - DEBUG - The URL 'http://www.perdu.com/' will be crawled.`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-diag-log-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('strategic messages', () => {
  it('are word for word those of DESIGN.md', () => {
    const u = 'http://www.perdu.com/';
    expect(strategic.willBeCrawled(u)).toBe("The URL 'http://www.perdu.com/' will be crawled.");
    expect(strategic.crawling(u)).toBe("Crawling URL 'http://www.perdu.com/'.");
    expect(strategic.postponed(u)).toBe("The URL 'http://www.perdu.com/' was postponed.");
    expect(strategic.ignored(u)).toBe("The URL 'http://www.perdu.com/' was ignored.");
    expect(strategic.robotsUndetermined(u)).toBe("Unable to determine if the URL 'http://www.perdu.com/' is allowed to be crawled.");
    expect(strategic.couldNotRetrieve(u)).toBe("Could not retrieve content for URL 'http://www.perdu.com/'.");
  });
});

describe('python format', () => {
  it('formats a line exactly like the original sample', () => {
    // The sample's local time, rebuilt in this machine's time zone so the check holds in any TZ.
    const t = new Date(2016, 11, 20, 14, 29, 20, 135).getTime();
    expect(pythonLogLine(t, 'crawlers.web.multi_worker_web_crawler', 20, strategic.willBeCrawled('http://www.perdu.com/'))).toBe(`${SAMPLE}\n`);
    expect(pythonAsctime(new Date(2016, 0, 2, 3, 4, 5, 6).getTime())).toBe('2016-01-02 03:04:05,006');
    expect(pythonAsctime(new Date(2016, 0, 2, 3, 4, 5, 999).getTime())).toBe('2016-01-02 03:04:05,999');
  });

  it('writes one file per process with Python lines the analyzer shape accepts', async () => {
    const logger = createProcessLogger({ dir, processName: 'worker-1-2', name: 'crawl_diag.worker', format: 'python' });
    const before = Date.now();
    logger.debug(strategic.willBeCrawled('http://a.test/'));
    logger.info('multi\nline');
    logger.warn('careful');
    logger.error({ err: new TypeError('boom') }, strategic.couldNotRetrieve('http://a.test/x'));
    logger.child({ name: 'crawl_diag.worker.robots' }).error(strategic.robotsUndetermined('http://b.test/'));
    logger.trace('not written at debug level');
    await closeProcessLogger(logger);
    const lines = (await readFile(processLogFile(dir, 'worker-1-2'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(PYTHON_LINE);
    const parsed = lines.map((l) => PYTHON_LINE.exec(l)!);
    expect(parsed.map((m) => [m[8], m[9], m[10]])).toEqual([
      ['crawl_diag.worker', 'DEBUG', "The URL 'http://a.test/' will be crawled."],
      ['crawl_diag.worker', 'INFO', 'multi\\nline'],
      ['crawl_diag.worker', 'WARNING', 'careful'],
      ['crawl_diag.worker', 'ERROR', "Could not retrieve content for URL 'http://a.test/x'.: TypeError: boom"],
      ['crawl_diag.worker.robots', 'ERROR', "Unable to determine if the URL 'http://b.test/' is allowed to be crawled."],
    ]);
    const m = parsed[0];
    const stamped = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]).getTime();
    expect(stamped).toBeGreaterThanOrEqual(before - 1);
    expect(stamped).toBeLessThanOrEqual(Date.now());
  });
});

describe('json format', () => {
  it('writes pino NDJSON with time in epoch ms, hostname, pid and name', async () => {
    const logger = createProcessLogger({ dir, processName: 'dispatcher', name: 'crawl_diag.dispatcher', format: 'json', level: 'info' });
    const before = Date.now();
    logger.info(strategic.postponed('http://a.test/'));
    logger.debug('below level');
    await closeProcessLogger(logger);
    const lines = (await readFile(join(dir, 'dispatcher.log'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(rec).toMatchObject({ level: 30, pid: process.pid, name: 'crawl_diag.dispatcher', msg: "The URL 'http://a.test/' was postponed." });
    expect(typeof rec.hostname).toBe('string');
    expect(rec.time).toBeGreaterThanOrEqual(before);
    expect(rec.time).toBeLessThanOrEqual(Date.now());
  });
});

describe('flushing', () => {
  it('flushSync makes buffered lines readable at once', async () => {
    const logger = createProcessLogger({ dir, processName: 'supervisor-1', format: 'python' });
    for (let i = 0; i < 100; i++) logger.debug(strategic.crawling(`http://a.test/${i}`));
    flushProcessLoggerSync(logger);
    const text = await readFile(join(dir, 'supervisor-1.log'), 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(100);
    await closeProcessLogger(logger);
  });

  it('writes every line of a process that exits right after logging', async () => {
    const script = `
      import { createProcessLogger } from ${JSON.stringify(new URL('../dist/log/logger.js', import.meta.url).href)};
      const logger = createProcessLogger({ dir: process.argv[1], processName: 'worker-9-9', format: 'python' });
      for (let i = 0; i < 5000; i++) logger.debug('The URL \\'http://a.test/' + i + '\\' will be crawled.');
      process.exit(0);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, dir], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const lines = (await readFile(join(dir, 'worker-9-9.log'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(5000);
    expect(lines[4999]).toMatch(/ - crawl_diag - DEBUG - The URL 'http:\/\/a\.test\/4999' will be crawled\.$/);
  });
});
