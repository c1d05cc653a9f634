// I/O-bound, crawler-shaped work for the agent's wait-tracking overhead: as many requests as it can to a loopback
// server (node:http and fetch), each followed by an awaited zero-length timer, so every operation is three waits
// the agent records (its worst case: no work between waits to hide their cost). Prints one JSON line: ops/s, and
// the process's CPU time per operation (user + system), which a busy machine disturbs less than the throughput.
// argv: server URL, run time in ms, warm-up in ms.
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { measureOps } from './wait-workload-loop.mjs';

const [url, runMs = '4000', warmupMs = '500'] = process.argv.slice(2);
const httpGet = (u) => new Promise((resolve, reject) => get(u, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject));

async function op() {
  await httpGet(url);
  await (await fetch(url)).text();
  await sleep(0);
}

console.log(JSON.stringify(await measureOps(op, runMs, warmupMs)));
