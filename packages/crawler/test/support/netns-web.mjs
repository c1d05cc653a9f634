// The simulated web as a process of its own on a test host (a network namespace): the multi-host crawl test starts
// it there with `ip netns exec`, since a test's own process cannot enter a namespace.
// Argument: simweb options as JSON (listenHost and port included). Prints one JSON line once it listens
// ({ port, seeds, hosts, expected }: the ground truth for robots.txt respected, depth ≤ maxDepth), then answers
// commands on stdin, one a line, with one JSON line each:
//   served          → { served }     page requests answered 200 so far
//   hits            → { hits }       requests per expected URL
//   down <ms>       → { up: true }   once it serves again after <ms> of refusing connections
import { createInterface } from 'node:readline';
import { startSimWeb } from '../../../simweb/dist/index.js';

const { maxDepth, ...options } = JSON.parse(process.argv[2] ?? '{}');
const web = await startSimWeb(options);
const expected = [...web.expectedReachable({ respectRobots: true, maxDepth: maxDepth ?? 10 })];
const say = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
say({ port: web.port, seeds: web.seeds, hosts: web.hosts, expected });

for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'served') say({ served: web.requestLog.filter((r) => r.status === 200 && !r.url.endsWith('/robots.txt')).length });
  else if (command === 'hits') say({ hits: Object.fromEntries(expected.map((u) => [u, web.hits(u)])) });
  else if (command === 'down') {
    await web.down(Number(arg));
    say({ up: true });
  } else say({ error: `unknown command '${line}'` });
}
await web.close();
