// Worker-thread entry: scans the units the pool posts, one at a time, and posts back results and progress.
import { parentPort } from 'node:worker_threads';
import { scanUnit, type ScanUnit } from './scan-unit.js';

/** Progress is posted in steps of this many bytes, not per chunk. */
const PROGRESS_STEP = 8 << 20;

if (!parentPort) throw new Error('scan-worker.js runs only as a worker thread');
const port = parentPort;
port.on('message', async (unit: ScanUnit) => {
  let pending = 0;
  const onBytes = (n: number): void => {
    pending += n;
    if (pending >= PROGRESS_STEP) {
      port.postMessage({ type: 'progress', bytes: pending });
      pending = 0;
    }
  };
  try {
    const result = await scanUnit(unit, onBytes);
    if (pending) port.postMessage({ type: 'progress', bytes: pending });
    port.postMessage({ type: 'result', result });
  } catch (err) {
    port.postMessage({ type: 'error', message: (err as Error).message ?? String(err) });
  }
});
