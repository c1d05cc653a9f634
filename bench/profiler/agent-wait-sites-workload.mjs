// Waits of one kind from several call sites with different durations, for agent-wait-sampling-error.mjs: the case
// where sampling the awaiting stacks could misplace time (a short and a slower wait of the same kind, from two
// lines). Each operation: two fast loopback GETs and a slower one (node:http), one fetch, a zero and a 4 ms timer.
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const httpGet = (u) => new Promise((resolve, reject) => get(u, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject));

async function fastPage(base) {
  await httpGet(`${base}/fast`);
}

async function slowPage(base) {
  await httpGet(`${base}/slow`);
}

/** One operation; `base` is the loopback server (`/fast` answers at once, `/slow` after 3 ms). */
export async function operation(base) {
  await fastPage(base);
  await fastPage(base);
  await slowPage(base);
  await (await fetch(`${base}/fast`)).text();
  await sleep(0);
  await sleep(4);
}
