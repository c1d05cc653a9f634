// What a worker process is started with: the crawl options plus its name (log file) and its supervisor's id.
import type { WorkerOptions } from '../options.js';

export interface WorkerProcessConfig extends WorkerOptions {
  /** `<supervisor name>-worker-<i>`: names its log file. */
  name: string;
  /** The supervisor id: the lease owner of every URL this worker is given. */
  owner: string;
}
