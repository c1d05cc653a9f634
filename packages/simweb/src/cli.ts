#!/usr/bin/env node
// Runs the simulated web for manual crawls and the bench:
//   node packages/simweb/dist/cli.js --port 0 --sites 50 [--seed 1] [--latency-ms 20] [--seeds-file FILE]
// Prints the port, the --resolve hint and the seed URLs, then serves until SIGINT/SIGTERM.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSimWeb, type SimWebOptions } from './index.js';

const USAGE = 'usage: simweb [--port N] [--sites N] [--seed N] [--max-pages N] [--latency-ms MS] [--jitter-ms MS] [--seed-sites N] [--seeds-file FILE]';

function intArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`simweb: --${name} must be a non-negative integer, got '${value}'\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        sites: { type: 'string' },
        seed: { type: 'string' },
        'max-pages': { type: 'string' },
        'latency-ms': { type: 'string' },
        'jitter-ms': { type: 'string' },
        'seed-sites': { type: 'string' },
        'seeds-file': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`simweb: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const str = (k: string) => values[k] as string | undefined;
  const latencyMs = intArg('latency-ms', str('latency-ms'));
  const jitterMs = intArg('jitter-ms', str('jitter-ms'));
  const latency =
    latencyMs === undefined && jitterMs === undefined
      ? undefined
      : { large: { fixedMs: latencyMs ?? 5, jitterMs: jitterMs ?? 0 }, small: { fixedMs: latencyMs ?? 20, jitterMs: jitterMs ?? 0 } };
  const opts: SimWebOptions = {
    port: intArg('port', str('port')),
    sites: intArg('sites', str('sites')),
    seed: intArg('seed', str('seed')),
    maxPagesPerSite: intArg('max-pages', str('max-pages')),
    seedSites: intArg('seed-sites', str('seed-sites')),
    latency,
  };
  let web: Awaited<ReturnType<typeof startSimWeb>>;
  try {
    web = await startSimWeb(opts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? `port ${opts.port} is in use; pick another or use --port 0` : e.message;
    process.stderr.write(`simweb: ${why}\n`);
    process.exit(e instanceof RangeError ? 2 : 1);
  }
  const reachable = web.expectedReachable({ respectRobots: true }).size;
  const reachableAll = web.expectedReachable({ respectRobots: false }).size;
  if (str('seeds-file')) writeFileSync(str('seeds-file')!, `${web.seeds.join('\n')}\n`);
  process.stdout.write(
    `simweb listening on ${web.address}:${web.port}\n` +
      `port: ${web.port}\n` +
      `sites: ${web.hosts.length}, pages reachable: ${reachable} respecting robots.txt, ${reachableAll} ignoring it\n` +
      `seeds: ${web.seeds.join(' ')}\n` +
      `crawl with: --resolve '${web.resolveRule}'\n`,
  );
  const stop = () => {
    void web.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
