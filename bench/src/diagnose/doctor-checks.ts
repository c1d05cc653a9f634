// What `bench diagnose` checks: the doctor's own verdict on the run (the same rules and thresholds `crawl-diag
// doctor` uses), against the fault the scenario switched on. The bench keeps no rule set of its own.
import type { DoctorResult } from '@crawl-diag/doctor';
import type { Scenario } from '../common/scenarios.js';

export interface DoctorCheck {
  expectation: string;
  met: boolean;
  observed: string;
}

export function doctorChecks(scenario: Scenario, doctor: DoctorResult): DoctorCheck[] {
  const first = doctor.findings[0];
  const observed = first ? `first finding [${first.cause}${first.fault ? `, fault ${first.fault}` : ''}]: ${first.summary}` : doctor.headline;
  if (!scenario.fault) {
    return [{ expectation: 'the doctor reports no decay and no finding', met: doctor.noDecay && doctor.findings.length === 0, observed }];
  }
  return [{ expectation: `the doctor's first finding names the fault (${scenario.fault})`, met: first?.fault === scenario.fault, observed }];
}
