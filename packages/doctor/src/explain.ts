// Explain: the ranked findings as the `crawl-diag/doctor@1` document and as terminal lines.
import { findCauses } from './analyze.js';
import { crawlerOf, type Evidence } from './collect/evidence.js';
import { fmtP, pct } from './rules/evidence-text.js';
import type { Finding } from './rules/finding.js';

export interface DoctorResult {
  schema: 'crawl-diag/doctor@1';
  generatedAt: string;
  /** What was looked at. */
  inputs: { logs: boolean; processes: number; profiles: 'recording' | 'live' | 'files' | null; windowMs: number | null };
  /** Which crawler the logs are from (`crawl-diag`, `python`, `scrapy`, `crawlee`, `access-log`, `unknown`), and how that was decided. */
  crawler: { kind: string; from: 'given' | 'detected' | 'none'; reason: string };
  /** The crawl rate's verdict over the judged window; null without logs. */
  rate: { verdict: string; relativeChange: number | null; pValue: number | null; perSecEarly: number; perSecLate: number; series: string; judgedBucketMs?: number } | null;
  /** True when logs were read and the rate was judged not to decay (not when there was too little to judge it). */
  noDecay: boolean;
  /** One line for people: the top finding, or "no decay detected". */
  headline: string;
  findings: Finding[];
  warnings: string[];
}

export function diagnose(e: Evidence): DoctorResult {
  const findings = findCauses(e);
  const r = e.logs?.signals.rate;
  // Too little data is no verdict: saying "no decay" there would clear a crawl nobody could judge.
  const noDecay = r !== undefined && (r.verdict === 'steady' || r.verdict === 'growth');
  const rateText = r
    ? r.verdict === 'insufficient-data'
      ? `too little data to judge the crawl rate (${tooLittle(e)})`
      : `crawl rate ${r.verdict}${r.relativeChange !== null ? ` (${r.relativeChange >= 0 ? '+' : ''}${pct(r.relativeChange)}, ${fmtP(r.pValue)})` : ''}`
    : undefined;
  const headline = r?.verdict === 'insufficient-data' && findings.length === 0
    ? rateText!
    : noDecay
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
    crawler: e.logs ? { kind: e.logs.signals.crawler, from: e.logs.signals.crawlerFrom, reason: e.logs.signals.crawlerReason } : { kind: crawlerOf(e).kind, from: 'none', reason: 'no logs' },
    rate: r
      ? { verdict: r.verdict, relativeChange: r.relativeChange, pValue: r.pValue, perSecEarly: r.perSecEarly, perSecLate: r.perSecLate, series: r.series, ...(r.judgedBucketMs ? { judgedBucketMs: r.judgedBucketMs } : {}) }
      : null,
    noDecay,
    headline,
    findings,
    warnings: e.warnings,
  };
}

/** Why the rate could not be judged: what the judged window held, and what would give more. */
function tooLittle(e: Evidence): string {
  const s = e.logs!.signals;
  const buckets = s.window.to - s.window.from;
  const sec = Math.round((buckets * s.bucketMs) / 1000);
  const readings = s.rate.kind === 'counter' ? `; '${s.rate.series}' is a running total logged every so often, not a line per page` : '';
  const hint = s.rate.kind === 'counter' && !s.domains ? crawlerOf(e).urlHint : undefined;
  return `${Math.round(s.rate.pages)} pages in a judged window of ${sec} s${readings}; give a longer log${hint ? `, or the page lines (${hint})` : ''}`;
}

/** The ranked list for a terminal: each finding with its evidence numbers in one or two lines. */
export function formatDoctor(result: DoctorResult): string {
  const lines: string[] = [];
  if (result.rate) {
    const r = result.rate;
    lines.push(`crawl rate (${r.series}): ${r.perSecEarly.toFixed(2)}/s early → ${r.perSecLate.toFixed(2)}/s late, verdict ${r.verdict}${r.pValue !== null ? ` (${fmtP(r.pValue)})` : ''}`);
  }
  if (result.noDecay) lines.push('no decay detected');
  else if (result.rate?.verdict === 'insufficient-data') lines.push(`no verdict: ${result.headline.startsWith('too little') ? result.headline : 'too little data to judge the crawl rate'}`);
  if (result.findings.length === 0) lines.push(result.noDecay ? 'no findings: nothing in the evidence points at a problem' : 'no findings');
  result.findings.forEach((f, i) => {
    lines.push(`${i + 1}. [${pct(f.confidence)}] ${f.title}`);
    lines.push(`   ${f.summary}`);
  });
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
