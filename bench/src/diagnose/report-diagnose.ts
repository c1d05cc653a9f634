// The terminal evidence of `bench diagnose`: rate and its verdict, the postponed/crawled ratio over time, per
// process kind the frames that grew most and the idle share, the store calls' client-side time per process kind,
// then the doctor's findings and whether the first names the scenario's fault.
import { renderTerminalChart } from '../common/terminal-chart.js';
import type { DiagnoseResult } from './run-diagnose.js';
import type { StoreTimeEvidence } from './store-time-evidence.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

/** Long frame labels carry absolute paths: keep the function and the file's last two parts. */
export function shortLabel(label: string): string {
  return label.replace(/\((?:file:\/\/)?[^()]*\/([^/()]+\/[^/()]+:\d+)\)$/, '($1)');
}

export function renderDiagnose(r: DiagnoseResult, color: boolean): string {
  const out: string[] = [];
  out.push(`diagnose ${r.scenario} on ${r.store}: ${r.nodes} node(s) × ${r.workersPerNode} workers, ${r.durationSec} s`);
  out.push(`crawl rate: ${r.rate.pagesPerSec.toFixed(1)} pages/s, trend ${r.rate.verdict} (${pct(r.rate.relativeChange)} start → end)`);
  out.push(
    `postponed per crawled page: ${r.postponedRatio.early?.toFixed(2) ?? '—'} early → ${r.postponedRatio.late?.toFixed(2) ?? '—'} late (trend ${r.postponedRatio.verdict})`,
  );
  out.push(
    `robots.txt requests: ${pct(r.requests.robotsShareEarly)} of all requests early → ${pct(r.requests.robotsShareLate)} late, ${r.requests.robotsPerPage.toFixed(2)} per page request`,
  );
  out.push('');
  const sec = r.bucketMs / 1000;
  out.push(
    renderTerminalChart(
      [
        { name: 'pages/s', points: r.ratePerSec.map((v, i): [number, number] => [i * sec, v]) },
      ],
      { xLabel: 's since first page', yLabel: 'crawl rate', color, height: 8 },
    ),
  );
  const ratio = r.postponedRatio.series.map((v, i): [number, number] => [i * sec, v ?? 0]);
  if (ratio.some((p) => p[1] > 0)) {
    out.push(renderTerminalChart([{ name: 'postponed / crawled', points: ratio }], { xLabel: 's since first page', yLabel: 'postponed per crawled page', color, height: 6 }));
  }
  out.push(`profiles: early ${r.profiles.early.from} .. ${r.profiles.early.to}, late ${r.profiles.late.from} .. ${r.profiles.late.to}`);
  for (const k of r.profiles.kinds) {
    out.push('');
    out.push(`${k.kind}: idle ${pct(k.idleEarly)} early → ${pct(k.idleLate)} late (${k.samplesEarly} / ${k.samplesLate} samples)`);
    out.push('  frames that grew most (self share early → late, total share early → late):');
    if (k.grown.length === 0) out.push('    (none)');
    for (const f of k.grown) {
      out.push(`    ${pct(f.before.self).padStart(6)} → ${pct(f.after.self).padStart(6)}   ${pct(f.before.total).padStart(6)} → ${pct(f.after.total).padStart(6)}   ${shortLabel(f.label)}${f.within && !f.label.startsWith(`${f.within} `) ? `  in ${f.within}` : ''}`);
    }
    const watched = Object.entries(k.watched).filter(([, v]) => v.early > 0 || v.late > 0);
    if (watched.length) out.push(`  on the stack: ${watched.map(([n, v]) => `${n} ${pct(v.early)} → ${pct(v.late)}`).join('; ')}`);
    // From the window lengths alone: a loop held up by synchronous work cannot rotate the agent's window.
    const st = k.loopStalls;
    if (st && st.stretched > 0) {
      out.push(`  event loop held up: ${st.stretched} of ${st.windows} windows stretched, up to ${(st.maxMs / 1000).toFixed(1)} s at a time (${(st.totalMs / 1000).toFixed(1)} s in all)`);
    }
  }
  out.push('');
  out.push(...renderStoreTime(r.storeTime));
  out.push('');
  out.push('the doctor on this run:');
  out.push(`  ${r.doctor.headline}`);
  r.doctor.findings.forEach((f, i) => out.push(`  ${i + 1}. [${(f.confidence * 100).toFixed(0)}%] ${f.cause}${f.fault ? ` (fault ${f.fault})` : ''}: ${f.summary}`));
  for (const c of r.checks) out.push(`  [${c.met ? 'yes' : 'NO '}] ${c.expectation}`);
  if (r.runDir) out.push(`\nlogs and profiles kept in ${r.runDir} (try: crawl-diag flame diff ${r.runDir}/profiles@… )`);
  return out.join('\n') + '\n';
}

const ms = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`);

/** Methods shown per process kind: the ones with the largest share late or early. */
const STORE_METHODS_SHOWN = 6;

/** Per process kind: the store's share of wall time, and per method the time per call and share, early → late. */
export function renderStoreTime(st: StoreTimeEvidence): string[] {
  const out = [
    `store time (client side, from ${st.lines} "Store time" lines of the processes; first and last third of the crawl, warm-up included):`,
    `  early ${st.early.from} .. ${st.early.to}, late ${st.late.from} .. ${st.late.to}`,
  ];
  if (st.kinds.length === 0) out.push('  (no Store time lines in the logs)');
  for (const k of st.kinds) {
    const n = Math.max(k.early.processes, k.late.processes);
    out.push(`  ${k.kind} (${n} process${n === 1 ? '' : 'es'}): store calls ${pct(k.early.storeShare)} → ${pct(k.late.storeShare)} of wall time`);
    out.push(`    ${'method'.padEnd(16)} ${'per call early → late'.padEnd(23)} share of wall time early → late`);
    const shown = [...k.growth].sort((a, b) => Math.max(b.shareEarly, b.shareLate) - Math.max(a.shareEarly, a.shareLate)).slice(0, STORE_METHODS_SHOWN);
    for (const g of shown) {
      const perCall = `${ms(g.perCallEarlyMs)} → ${ms(g.perCallLateMs)}`;
      const mark = k.grownMost?.method === g.method ? '   (grew most)' : '';
      out.push(`    ${g.method.padEnd(16)} ${perCall.padEnd(23)} ${pct(g.shareEarly).padStart(6)} → ${pct(g.shareLate).padStart(6)}${mark}`);
    }
  }
  return out;
}
