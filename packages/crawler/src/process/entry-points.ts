// Paths of the process entry points that supervisors and `crawl local` spawn with `process.execPath`.
// They always point into dist/ (the built JavaScript), also when the caller runs from TypeScript sources
// under vitest, since node cannot run the .ts files itself.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** `.../packages/crawler/dist` whether this module runs from dist/process or src/process. */
const distRoot = join(here, '..', '..', 'dist');

export type ProcessKind = 'dispatcher' | 'supervisor' | 'worker';

export function entryPoint(kind: ProcessKind): string {
  return join(distRoot, kind, 'main.js');
}
