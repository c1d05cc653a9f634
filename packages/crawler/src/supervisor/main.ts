// Entry point of a supervisor process spawned by `crawl local` (options in the environment, see child-config.ts).
import type { SupervisorOptions } from '../options.js';
import { readChildConfig } from '../process/child-config.js';
import { exitOnParentLoss, reportFatal, sendThenExit } from '../process/child-lifecycle.js';
import { runSupervisor } from './run-supervisor.js';

const { name, ...opts } = readChildConfig<SupervisorOptions & { name: string }>();
runSupervisor(opts, { name, onStopRequest: (stop) => exitOnParentLoss(stop) })
  .then(() => sendThenExit({ type: 'stopped' }, 0))
  .catch(reportFatal);
