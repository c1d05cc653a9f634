// Paths inside the repository the bench runs from (bench/dist/common → repository root).
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
/** The built `crawl-diag` launcher: crawls run as real child processes through the real command line. */
export const CRAWL_DIAG_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'crawl-diag.js');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
