// Memory grows steadily: a process's RSS from /proc up ≥ 20% with a significant upward trend (Mann-Kendall, as for
// rates), or Scrapy's own memusage lines (`Peak memory usage is N MiB`) rising the same way.
import { fmtP, isDecay, mb, pct } from './evidence-text.js';
import type { Rule } from './finding.js';

const RSS_GROWTH = 0.2;

interface Detection {
  label: string;
  startBytes: number;
  endBytes: number;
  relativeChange: number;
  pValue: number | null;
  source: 'proc' | 'logs';
}

export const memoryGrowth: Rule<Detection> = {
  cause: 'memory-growth',
  detect(e) {
    const out: Detection[] = (e.proc?.rss ?? [])
      .filter((r) => r.trend.verdict === 'growth' && r.relativeChange >= RSS_GROWTH)
      .map((r) => ({ label: r.label, startBytes: r.startBytes, endBytes: r.endBytes, relativeChange: r.relativeChange, pValue: r.trend.pValue, source: 'proc' as const }));
    const m = e.logs?.signals.memory;
    if (m && m.trend.verdict === 'growth' && m.relativeChange >= RSS_GROWTH) {
      out.push({ label: "the crawler (Scrapy's memusage)", startBytes: m.earlyMiB * 1048576, endBytes: m.lateMiB * 1048576, relativeChange: m.relativeChange, pValue: m.trend.pValue, source: 'logs' });
    }
    return out;
  },
  confidence: (r, e) => 0.35 + Math.min(0.3, r.relativeChange / 2) + (isDecay(e) ? 0.1 : 0),
  explain: (r) => ({
    title: `Memory grows steadily in ${r.label}`,
    summary: `Memory growth: ${r.label} went from ${mb(r.startBytes)} to ${mb(r.endBytes)} ${r.source === 'proc' ? 'RSS' : 'of memory'} (+${pct(r.relativeChange)}, ${fmtP(r.pValue)})`,
    evidence: [{ what: `memory of ${r.label}, start → end`, value: `${mb(r.startBytes)} → ${mb(r.endBytes)}`, source: r.source }],
    numbers: { rssStartBytes: r.startBytes, rssEndBytes: r.endBytes, rssChange: r.relativeChange, rssP: r.pValue },
  }),
};
