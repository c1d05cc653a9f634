#!/usr/bin/env node
// `npm run bench -- crawler [--rounds 2] [--supervisors 2] [--workers 4] [--delay 50] [--sites 50]
// [--max-pages-per-site 200] [--out bench/results/crawler.json]`: crawl-diag against Crawlee's HttpCrawler on the
// simulated web (pages/s, CPU per page). The bench itself is TypeScript in bench/src/crawler; build first.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/crawler/run-crawler-bench.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('bench crawler: bench/dist/crawler/run-crawler-bench.js not found; build first: npx tsc -b bench packages/cli\n');
  process.exit(2);
}
await import(pathToFileURL(built).href);
