// The doctor: evidence in, ranked findings out, as the `crawl-diag/doctor@1` document and as terminal lines.
import type { Evidence } from './evidence.js';
import { findCauses, fmtP, pct, type Finding } from './findings.js';

export interface DoctorResult {
  schema: 'crawl-diag/doctor@1';
  generatedAt: string;
  /** What was looked at. */
  inputs: { logs: boolean; processes: number; profiles: 'recording' | 'live' | null; windowMs: number | null };
  /** The crawl rate's verdict over the judged window; null without logs. */
  rate: { verdict: string; relativeChange: number | null; pValue: number | null; perSecEarly: number; perSecLate: number; series: string } | null;
  /** True when logs were read and the rate does not decay. */
  noDecay: boolean;
  /** One line for people: the top finding, or "no decay detected". */
  headline: string;
  findings: Finding[];
  warnings: string[];
}

export function diagnose(e: Evidence): DoctorResult {
  const findings = findCauses(e);
  const r = e.logs?.rate;
  const noDecay = r !== undefined && r.verdict !== 'decay';
  const rateText = r
    ? r.verdict === 'insufficient-data'
      ? 'too little data to judge the crawl rate'
      : `crawl rate ${r.verdict}${r.relativeChange !== null ? ` (${r.relativeChange >= 0 ? '+' : ''}${pct(r.relativeChange)}, ${fmtP(r.pValue)})` : ''}`
    : undefined;
  const headline = noDecay
    ? `no decay detected: ${rateText}${findings.length ? `; ${findings.length} finding(s) below` : ''}`
    : findings.length
      ? findings[0].summary
      : r
        ? rateText!
        : 'nothing found in the evidence given';
  const samples = e.proc?.samples;
  return {
    schema: 'crawl-diag/doctor@1',
    generatedAt: new Date().toISOString(),
    inputs: {
      logs: e.logs !== undefined,
      processes: samples?.processes.length ?? 0,
      profiles: e.profiles?.source ?? null,
      windowMs: samples && samples.at.length ? samples.at[samples.at.length - 1] - samples.at[0] + samples.intervalMs : null,
    },
    rate: r ? { verdict: r.verdict, relativeChange: r.relativeChange, pValue: r.pValue, perSecEarly: r.perSecEarly, perSecLate: r.perSecLate, series: e.logs!.rateSeries } : null,
    noDecay,
    headline,
    findings,
    warnings: e.warnings,
  };
}

/** The ranked list for a terminal: each finding with its evidence numbers in one or two lines. */
export function formatDoctor(result: DoctorResult): string {
  const lines: string[] = [];
  if (result.rate) {
    const r = result.rate;
    lines.push(`crawl rate (${r.series}): ${r.perSecEarly.toFixed(2)}/s early → ${r.perSecLate.toFixed(2)}/s late, verdict ${r.verdict}${r.pValue !== null ? ` (${fmtP(r.pValue)})` : ''}`);
  }
  if (result.noDecay) lines.push('no decay detected');
  if (result.findings.length === 0) lines.push(result.noDecay ? 'no findings: nothing in the evidence points at a problem' : 'no findings');
  result.findings.forEach((f, i) => {
    lines.push(`${i + 1}. [${pct(f.confidence)}] ${f.title}`);
    lines.push(`   ${f.summary}`);
  });
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
