// Writes N pino-style NDJSON crawler records for the VictoriaLogs benchmark: 8 nodes with 2 worker processes each,
// the original crawler's line mix (connection and robots.txt lines around each "will be crawled" / "Crawling URL"
// pair, postponed and error lines), over 24 hours with the crawl rate halving. Deterministic.
//
//   node bench/vlogs/make-records.mjs OUT_FILE RECORDS
import { closeSync, openSync, writeSync } from 'node:fs';
import { seededRandom } from '@crawl-diag/simweb';

const [out, countArg] = process.argv.slice(2);
if (!out || !countArg) {
  console.error('usage: make-records.mjs OUT_FILE RECORDS');
  process.exit(2);
}
const target = Number(countArg);

const rand = seededRandom(42);
const HOSTS = ['www.perdu.com', 'www.theansweris42.com', 'maddox.xmission.com', 'wikipedia.org', 'example.org', 'lemonde.fr', 'python.org'];
const PROCESSES = Array.from({ length: 16 }, (_, i) => ({ node: `node-${(i >> 1) + 1}`, pid: 4000 + i * 17 }));

// About 4.7 records an event; the events fill 24 hours at a rate that halves.
const events = target / 4.7;
const startMs = Date.UTC(2016, 11, 20, 0, 0, 0);
const spanMs = 24 * 3_600_000;
const meanGapMs = (spanMs * 0.75) / events;

const fd = openSync(out, 'w');
let parts = [];
let partBytes = 0;
let records = 0;
let t = startMs;
const rec = (p, ms, level, msg) => {
  const l = `{"level":${level},"time":${ms},"pid":${p.pid},"node":"${p.node}","msg":${JSON.stringify(msg)}}\n`;
  parts.push(l);
  partBytes += l.length;
  records++;
};
let n = 0;
while (records < target) {
  const f = Math.min(1, (t - startMs) / spanMs);
  t += Math.max(1, Math.round((-Math.log(1 - rand()) * meanGapMs) / (1 - 0.5 * f)));
  const p = PROCESSES[Math.floor(rand() * PROCESSES.length)];
  const host = HOSTS[n % HOSTS.length];
  const url = `http://${host}/${(n * 7919).toString(36)}`;
  rec(p, t, 30, `Starting new HTTP connection (1): ${host}`);
  rec(p, t, 20, `"GET /robots.txt HTTP/1.1" 200 None`);
  rec(p, t, 20, `The URL '${url}' will be crawled.`);
  rec(p, t, 20, `Crawling URL '${url}'.`);
  const r = rand();
  if (r < 0.6) rec(p, t, 20, `"GET /${(n * 7919).toString(36)} HTTP/1.1" 200 ${1000 + Math.floor(rand() * 50000)}`);
  if (r < 0.15) rec(p, t, 20, `The URL '${url}' was postponed.`);
  else if (r < 0.17) rec(p, t, 50, `Could not retrieve content for URL '${url}'.`);
  n++;
  if (partBytes > 8 << 20) {
    writeSync(fd, parts.join(''));
    parts = [];
    partBytes = 0;
  }
}
writeSync(fd, parts.join(''));
closeSync(fd);
console.log(JSON.stringify({ file: out, records, events: n }));
