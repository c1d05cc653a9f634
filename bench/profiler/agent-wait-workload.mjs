// I/O-bound, crawler-shaped work for the agent's wait-tracking overhead: as many requests as it can to a loopback
// server (node:http and fetch), each followed by an awaited zero-length timer, so every operation is three waits
// the agent records (its worst case: no work between waits to hide their cost). Prints one JSON line: ops/s, and
// the process's CPU time per operation (user + system), which a busy machine disturbs less than the throughput.
// argv: server URL, run time in ms, warm-up in ms.
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const [url, runMs = '4000', warmupMs = '500'] = process.argv.slice(2);
const httpGet = (u) => new Promise((resolve, reject) => get(u, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject));

async function op() {
  await httpGet(url);
  await (await fetch(url)).text();
  await sleep(0);
}

const warmEnd = Date.now() + Number(warmupMs);
while (Date.now() < warmEnd) await op();
let ops = 0;
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
const end = Date.now() + Number(runMs);
while (Date.now() < end) {
  await op();
  ops++;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ opsPerSec: ops / seconds, cpuUsPerOp: (cpu.user + cpu.system) / ops }));
