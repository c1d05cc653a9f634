// Runs scan units on worker threads (one per core, the main thread counting as one) when there is more than one
// core's worth of input, else in the main thread. The worker script is the built `dist/scanner/scan-worker.js`; when it cannot be found (source
// run under vitest without a build) scanning stays in the main thread, which gives the same results.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { scanUnit, type ScanUnit, type UnitResult } from './scan-unit.js';

export interface PoolOptions {
  /** Worker threads to use; 0 or 1 scans in the main thread. */
  threads: number;
  onBytes?: (n: number) => void;
}

export function workerScriptPath(): string | null {
  const candidates = [
    new URL('./scan-worker.js', import.meta.url),
    // Running from src/ (vitest): the built copy beside it in dist/.
    new URL('../../dist/scanner/scan-worker.js', import.meta.url),
  ];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  return null;
}

export async function runScanUnits(units: ScanUnit[], options: PoolOptions): Promise<UnitResult[]> {
  const script = options.threads > 1 ? workerScriptPath() : null;
  if (!script || units.length < 2) {
    const results: UnitResult[] = [];
    for (const unit of units) results.push(await scanUnit(unit, options.onBytes));
    return results;
  }
  const results: UnitResult[] = new Array(units.length);
  let next = 0;
  const threads = Math.min(options.threads, units.length);
  const workers: Worker[] = [];
  // The main thread is one of the threads: it scans units too (between its reads it still hears the workers),
  // so N threads cost N - 1 worker start-ups.
  const mainThread = async (): Promise<void> => {
    while (next < units.length) {
      const index = next++;
      results[index] = await scanUnit(units[index], options.onBytes);
    }
  };
  try {
    await Promise.all([
      mainThread(),
      ...Array.from({ length: threads - 1 }, () => {
        const worker = new Worker(script);
        workers.push(worker);
        return new Promise<void>((resolveAll, rejectAll) => {
          let current = -1;
          const feed = (): void => {
            if (next >= units.length) return resolveAll();
            current = next++;
            worker.postMessage(units[current]);
          };
          worker.on('message', (msg: { type: string; bytes?: number; result?: UnitResult; message?: string }) => {
            if (msg.type === 'progress') options.onBytes?.(msg.bytes ?? 0);
            else if (msg.type === 'result') {
              results[current] = msg.result as UnitResult;
              feed();
            } else rejectAll(new Error(msg.message));
          });
          worker.on('error', rejectAll);
          feed();
        });
      }),
    ]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
