// robots.txt could not be read for many URLs: "Unable to determine if the URL … is allowed" for ≥ 10% of the
// accepted URLs.
import { pct } from './evidence-text.js';
import type { Rule } from './finding.js';

export const robotsUndetermined: Rule<number> = {
  cause: 'robots-undetermined',
  detect(e) {
    const s = e.logs?.signals.robotsUndeterminedShare;
    return s === null || s === undefined || s < 0.1 ? [] : [s];
  },
  confidence: (s) => 0.3 + s * 0.5,
  explain: (s) => ({
    title: 'robots.txt could not be read for many URLs',
    summary: `robots.txt was undetermined for ${pct(s)} of the accepted URLs ("Unable to determine if the URL … is allowed"): those URLs are skipped or retried`,
    evidence: [{ what: 'robots undetermined per accepted URL', value: s, unit: 'share', source: 'logs' }],
    numbers: { robotsUndeterminedShare: s },
  }),
};
