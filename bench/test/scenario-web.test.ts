// Each scenario's simulated web: the bench defaults, with politeness-blind's own sparse shape on top, and the
// command line's web options winning over both.
import { describe, expect, it } from 'vitest';
import { BENCH_WEB_DEFAULTS } from '../src/common/bench-web.js';
import { scenarioNamed, scenarioWebDefaults } from '../src/common/scenarios.js';
import { webShape } from '../src/nodes/main.js';

describe('scenario webs', () => {
  it('gives politeness-blind (and its alias domain-order) a sparse web and every other scenario the default one', () => {
    for (const name of ['politeness-blind', 'domain-order']) {
      const web = scenarioWebDefaults(scenarioNamed(name));
      expect(web.linksPerPage).toBeLessThan(BENCH_WEB_DEFAULTS.linksPerPage);
      expect(web.fanout).toBeLessThan(BENCH_WEB_DEFAULTS.fanout);
      expect(web.sites).toBe(BENCH_WEB_DEFAULTS.sites);
    }
    for (const name of ['healthy', 'unindexed-frontier', 'dedup-scan', 'robots-no-cache']) {
      expect(scenarioWebDefaults(scenarioNamed(name))).toEqual(BENCH_WEB_DEFAULTS);
    }
  });

  it('lets the command line override the scenario web', () => {
    const flags: Record<string, string> = { 'links-per-page': '7' };
    const shape = webShape((k) => flags[k], scenarioWebDefaults(scenarioNamed('politeness-blind')));
    expect(shape.linksPerPage).toBe(7);
    expect(shape.fanout).toBe(scenarioWebDefaults(scenarioNamed('politeness-blind')).fanout);
  });
});
