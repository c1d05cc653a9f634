// Writes a big Python-logging-format crawler log for the analyzer benchmark: the original crawler's line mix
// (urllib3 connection and robots.txt lines around each "will be crawled" / "Crawling URL" pair, postponed and
// error lines, a traceback now and then), one process, the crawl rate halving over the run. Deterministic.
//
//   node bench/analyzer/make-log.mjs OUT_FILE SIZE_BYTES
import { closeSync, openSync, writeSync } from 'node:fs';

const [out, sizeArg] = process.argv.slice(2);
if (!out || !sizeArg) {
  console.error('usage: make-log.mjs OUT_FILE SIZE_BYTES');
  process.exit(2);
}
const target = Number(sizeArg);

let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const HOSTS = ['www.perdu.com', 'www.theansweris42.com', 'maddox.xmission.com', 'wikipedia.org', 'example.org', 'lemonde.fr', 'python.org'];
const pad = (n, w = 2) => String(n).padStart(w, '0');

// About 130 bytes a line and 5.5 lines an event: the run's length follows from the size, at a rate that halves.
const bytesPerEvent = 700;
const events = target / bytesPerEvent;
const startMs = Date.UTC(2016, 11, 20, 0, 0, 0);
const spanMs = 24 * 3_600_000;
const rateAt = (f) => 1 - 0.5 * f; // relative rate over the run
// Mean gap at relative rate r: spanMs / events scaled so the integral over the run fills the span.
const meanGapMs = (spanMs * 0.75) / events;

const fd = openSync(out, 'w');
let written = 0;
let t = startMs;
let lastSecond = -1;
let secondPrefix = '';
let parts = [];
let partBytes = 0;
const stamp = (ms) => {
  const sec = Math.floor(ms / 1000);
  if (sec !== lastSecond) {
    lastSecond = sec;
    const d = new Date(sec * 1000);
    secondPrefix = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},`;
  }
  return secondPrefix + pad(ms % 1000, 3);
};
const line = (ms, text) => {
  const l = `${stamp(ms)} - ${text}\n`;
  parts.push(l);
  partBytes += l.length;
};
let n = 0;
while (written + partBytes < target) {
  const f = Math.min(1, (t - startMs) / spanMs);
  t += Math.max(1, Math.round((-Math.log(1 - rand()) * meanGapMs) / rateAt(f)));
  const host = HOSTS[n % HOSTS.length];
  const url = `http://${host}/${(n * 7919).toString(36)}`;
  line(t, `requests.packages.urllib3.connectionpool - INFO - Starting new HTTP connection (1): ${host}`);
  line(t, `requests.packages.urllib3.connectionpool - DEBUG - "GET /robots.txt HTTP/1.1" 200 None`);
  line(t, `crawlers.web.multi_worker_web_crawler - DEBUG - The URL '${url}' will be crawled.`);
  line(t, `crawlers.web.standalone_web_crawler - DEBUG - Crawling URL '${url}'.`);
  const r = rand();
  if (r < 0.15) line(t, `crawlers.web.multi_worker_web_crawler - DEBUG - The URL '${url}' was postponed.`);
  else if (r < 0.17) {
    line(t, `crawlers.web.standalone_web_crawler - ERROR - Could not retrieve content for URL '${url}'.`);
    parts.push('Traceback (most recent call last):\n  File "/opt/crawler/crawlers/web/standalone_web_crawler.py", line 88, in crawl\n    response = self.session.get(url, timeout=10)\nrequests.exceptions.ConnectionError: Connection refused\n');
    partBytes += 180;
  }
  n++;
  if (partBytes > 8 << 20) {
    const buf = Buffer.from(parts.join(''));
    writeSync(fd, buf);
    written += buf.length;
    parts = [];
    partBytes = 0;
  }
}
const buf = Buffer.from(parts.join(''));
writeSync(fd, buf);
written += buf.length;
closeSync(fd);
console.log(JSON.stringify({ file: out, bytes: written, events: n }));
