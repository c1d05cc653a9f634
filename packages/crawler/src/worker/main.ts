// Entry point of a worker process, forked by its supervisor (options in the environment, see child-config.ts).
import { readChildConfig } from '../process/child-config.js';
import { reportFatal, sendToParent } from '../process/child-lifecycle.js';
import type { ToWorker } from './ipc.js';
import type { WorkerProcessConfig } from './worker-config.js';
import { runWorker } from './run-worker.js';

// The supervisor is gone (killed): abandon the current URL. Its lease belongs to the supervisor, which the
// dispatcher declares dead and whose leases it releases; a page already stored stays stored exactly once.
process.once('disconnect', () => process.exit(0));

runWorker(readChildConfig<WorkerProcessConfig>(), {
  send: sendToParent,
  onMessage: (handler) => process.on('message', (m) => handler(m as ToWorker)),
})
  .then(() => process.exit(0))
  .catch(reportFatal);
