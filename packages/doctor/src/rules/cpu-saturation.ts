// The machine is CPU-saturated: system CPU ≥ 90% over the last third of the /proc window. A saturated machine slows
// everything on it; it explains a decay only when there is one.
import type { ProcEvidence } from '../collect/proc-evidence.js';
import { isDecay, num, pct } from './evidence-text.js';
import type { Rule } from './finding.js';

const SATURATED_CPU = 0.9;

export const cpuSaturation: Rule<ProcEvidence> = {
  cause: 'cpu-saturation',
  detect(e) {
    const p = e.proc;
    return p && p.samples.at.length >= 3 && p.systemCpuLate >= SATURATED_CPU ? [p] : [];
  },
  confidence: (p, e) => 0.3 + Math.min(0.1, (p.systemCpuLate - SATURATED_CPU) * 2) + (isDecay(e) ? 0.2 : 0),
  explain: (p) => ({
    title: 'The machine is CPU-saturated',
    summary: `CPU saturation: all ${p.cores} cores ${pct(p.systemCpuLate)} busy late in the window (mean ${pct(p.systemCpuMean)}), load average up to ${num(p.load1Max, 1)}`,
    evidence: [
      { what: 'system CPU busy, late', value: p.systemCpuLate, unit: 'share', source: 'proc' },
      { what: 'load average (1 min), max', value: p.load1Max, source: 'proc' },
    ],
    numbers: { systemCpuLate: p.systemCpuLate, systemCpuMean: p.systemCpuMean, load1Max: p.load1Max, cores: p.cores },
  }),
};
