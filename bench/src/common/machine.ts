// What the results were measured on: cores and Node version (contract `machine`), plus load for the README.
import { availableParallelism, cpus, loadavg } from 'node:os';

export interface Machine {
  cores: number;
  node: string;
  /** Extra: CPU model and the 1-minute load average when the bench started. */
  cpu?: string;
  loadAtStart?: number;
}

export function describeMachine(): Machine {
  return {
    cores: availableParallelism(),
    node: process.version,
    cpu: cpus()[0]?.model.trim(),
    loadAtStart: Number(loadavg()[0].toFixed(2)),
  };
}
