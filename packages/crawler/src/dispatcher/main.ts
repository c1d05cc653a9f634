// Entry point of a dispatcher process spawned by `crawl local` (options in the environment, see child-config.ts).
// It reports its bound endpoint and progress to the parent over IPC, and exits 0 when the crawl is over.
import type { DispatcherOptions } from '../options.js';
import { readChildConfig } from '../process/child-config.js';
import { exitOnParentLoss, reportFatal, sendThenExit, sendToParent } from '../process/child-lifecycle.js';
import { runDispatcher } from './run-dispatcher.js';

const opts = readChildConfig<DispatcherOptions>();
exitOnParentLoss(() => process.kill(process.pid, 'SIGTERM'));
runDispatcher(opts, {
  onBound: (endpoint) => sendToParent({ type: 'bound', endpoint }),
  onProgress: (progress) => sendToParent({ type: 'progress', progress }),
})
  .then((reason) => sendThenExit({ type: 'finished', reason }, 0))
  .catch(reportFatal);
