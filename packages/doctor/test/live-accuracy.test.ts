// The accuracy check, LIVE: for each bench scenario, a real 30 s distributed crawl (dispatcher, 2 supervisors
// × 4 workers, SQLite) of the simulated web on loopback with the scenario's fault switched on, observed by the real
// `crawl-diag doctor --crawl-local=… --json` (the built binary: the crawl's logs and the profiling agent's recording).
// The doctor's first finding must name the injected fault. On healthy no finding may name a fault, and it must report
// no decay — unless the rate really fell, which a healthy crawl on this 2-core machine does when the machine's load
// jumps mid-run (seen once at load ~20 with the whole suite beside it: −38%); the doctor must then say the decay is
// unexplained by the crawler (it has no /proc samples of the machine in --crawl-local), never blame a fault.
//
// The web and the crawl are built explicitly in scripts/live-run.mjs (shared with scripts/live-accuracy.mjs, the
// independent validation): why those parameters is written there. The doctor's thresholds were set on recorded
// runs (test/fixtures) and are not tuned to these runs.
// Scenarios run one after another (each is a dozen processes on a 2-core machine): about 3 minutes in all.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module shared with a node script (no type declarations)
import { liveDoctor, SCENARIOS } from '../scripts/live-run.mjs';

interface DoctorJson {
  schema: string;
  noDecay: boolean;
  headline: string;
  inputs: { logs: boolean; profiles: string | null };
  rate: { verdict: string; perSecEarly: number; perSecLate: number } | null;
  findings: Array<{ cause: string; fault?: string; confidence: number; summary: string }>;
}

const run = liveDoctor as (scenario: string) => Promise<{ doctor: DoctorJson; dir: string; stderr: string }>;
const describeLines = (d: DoctorJson) => [d.headline, ...d.findings.map((f) => `[${f.confidence.toFixed(2)}] ${f.cause}: ${f.summary}`)].join('\n');

describe('doctor on live short crawls of every bench scenario', () => {
  for (const scenario of SCENARIOS as string[]) {
    it(`${scenario}: ${scenario === 'healthy' ? 'no decay, and no finding names a fault' : 'the first finding names the fault'}`, async () => {
      let { doctor } = await run(scenario);
      // On an overloaded machine (load average 25+ on 2 cores) the crawl's 11 processes take most of the 30 s to
      // start, and the doctor says the rate is "too little data to judge": that run is no verdict, so it is run
      // once more. A second unjudgeable run fails the test below (no finding, or the wrong one).
      if (doctor.rate?.verdict === 'insufficient-data') ({ doctor } = await run(scenario));
      expect(doctor.schema).toBe('crawl-diag/doctor@1');
      // It judged a real crawl: logs with pages in them, and the agent's recording of every process kind.
      expect(doctor.inputs).toMatchObject({ logs: true, profiles: 'recording' });
      expect(doctor.rate?.perSecEarly).toBeGreaterThan(0);
      if (scenario === 'healthy') {
        expect(doctor.findings.filter((f) => f.fault !== undefined), describeLines(doctor)).toEqual([]);
        if (doctor.noDecay) expect(doctor.findings, describeLines(doctor)).toEqual([]);
        else expect(doctor.findings.map((f) => f.cause), describeLines(doctor)).toEqual(['decay-unexplained']);
      } else {
        expect(doctor.findings.length, describeLines(doctor)).toBeGreaterThan(0);
        expect(doctor.findings[0].fault, describeLines(doctor)).toBe(scenario);
        // With a recording, the slow-query findings say how long the event loop was held up (0 when never).
        if (scenario === 'unindexed-frontier') expect(doctor.findings[0].numbers.dispatcherLoopStallMaxMs).toBeGreaterThanOrEqual(0);
        if (scenario === 'dedup-scan') expect(doctor.findings[0].numbers.workerLoopStallMaxMs).toBeGreaterThanOrEqual(0);
      }
    }, 400_000);
  }
});
