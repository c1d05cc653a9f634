// CSV: one row per bucket; a column per series, then per series and group (`series [group]`).
import type { LogsReport } from '../report.js';

export function renderCsv(report: LogsReport): string {
  const header = ['bucket_start'];
  const columns: number[][] = [];
  for (const s of report.series) {
    header.push(s.name);
    columns.push(s.counts);
  }
  for (const s of report.series) {
    for (const [g, gs] of Object.entries(s.groups)) {
      header.push(`${s.name} [${g}]`);
      columns.push(gs.counts);
    }
  }
  const valueColumns: Array<Array<number | null>> = [];
  for (const v of report.values ?? []) {
    header.push(v.name);
    valueColumns.push(v.values);
    for (const [g, gv] of Object.entries(v.groups)) {
      header.push(`${v.name} [${g}]`);
      valueColumns.push(gv.values);
    }
  }
  const start = Date.parse(report.start);
  const lines = [header.map(csvField).join(',')];
  for (let b = 0; b < report.buckets; b++) {
    const cells = [new Date(start + b * report.bucketMs).toISOString()];
    for (const col of columns) cells.push(String(col[b]));
    for (const col of valueColumns) cells.push(col[b] === null ? '' : String(Number(col[b]!.toFixed(6))));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
