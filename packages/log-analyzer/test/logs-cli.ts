// Runs `crawl-diag logs` through the real binary with deterministic settings (UTC, no colour) and parses --json.
import { runCli, type CliResult } from '../../../test-support/run-cli.js';
import type { LogsReport } from '../src/report.js';
import { REPO } from './independent-count.js';

export function logs(args: string[], opts: { input?: string | Buffer; cwd?: string } = {}): Promise<CliResult> {
  return runCli(['logs', ...args], { cwd: opts.cwd ?? REPO, input: opts.input, env: { TZ: 'UTC' } });
}

export async function logsJson(args: string[], opts: { input?: string | Buffer; cwd?: string } = {}): Promise<LogsReport> {
  const r = await logs([...args, '--json'], opts);
  if (r.code !== 0) throw new Error(`crawl-diag logs ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as LogsReport;
}

export function series(report: LogsReport, name: string): LogsReport['series'][number] {
  const s = report.series.find((x) => x.name === name);
  if (!s) throw new Error(`no series ${name} in ${report.series.map((x) => x.name).join(', ')}`);
  return s;
}
