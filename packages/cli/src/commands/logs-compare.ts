// `crawl-diag logs compare RUN_DIR RUN_DIR... [--nodes 2,4,8]`: one run per directory; throughput of the main
// series over the same time window of each run, per-node throughput, decay per run, scaling efficiency, and a
// Universal Scalability Law fit with three or more node counts. Argument parsing and output choice only.
import type { Argv, CommandModule } from 'yargs';
import {
  analyzeCrawl,
  analyzeLogs,
  CRAWLER_KINDS,
  compareRuns,
  fullBuckets,
  parseBucket,
  parseNamedArgument,
  rateTrend,
  renderComparison,
  type Comparison,
  type LogsReport,
  type RunInput,
  type SeriesPattern,
} from '@crawl-diag/log-analyzer';
import { UsageError } from '../errors.js';

interface CompareArgs {
  runs: string[];
  nodes?: string;
  series?: string;
  line?: string;
  bucket?: string;
  window?: string;
  'group-by'?: string;
  'time-format'?: string;
  tz?: string;
  crawler?: string;
  json?: boolean;
  color?: boolean;
  width?: number;
}

/** Fewest full buckets a run needs for its throughput to mean anything. */
const MIN_RUN_BUCKETS = 5;


const compareModule: CommandModule<object, CompareArgs> = {
  command: 'compare <runs..>',
  describe: 'Compare runs (e.g. 2 nodes vs 4 nodes): throughput, per-node rate, decay, scaling efficiency, USL fit',
  builder: (y: Argv) =>
    y
      .usage(
        [
          '$0 logs compare RUN_DIR RUN_DIR... [options]',
          'Each RUN_DIR holds the logs of one run (one file per node or process). Throughput is lines of the main series per second over the same time window of every run (by default the first third of the shortest run, from each run\'s first full bucket), so decay later within a run does not bias the comparison. Efficiency is throughput per node relative to the run with the fewest nodes. With three or more node counts, the Universal Scalability Law is fitted (sigma: contention, kappa: coherency) and the node count where throughput peaks is given.',
        ].join('\n\n'),
      )
      .positional('runs', { type: 'string', array: true, describe: 'one directory (or file, or glob, or victorialogs://HOST:PORT?query=…) per run' })
      .option('nodes', { type: 'string', describe: 'node count of each run, in order: 2,4,8 (default: the number of groups that logged)' })
      .option('series', { type: 'string', describe: "which series is throughput (default: the crawler's page lines: 'crawling' for ours, 'crawled (scrapy)', Crawlee's statistics…)" })
      .option('crawler', { type: 'string', choices: [...CRAWLER_KINDS], describe: 'which crawler wrote the logs (default: detected from them)' })
      .option('line', { type: 'string', describe: 'count lines containing TEXT as the throughput series instead (NAME=TEXT names it)' })
      .option('bucket', { type: 'string', describe: 'bucket size for every run: 10s, 1m, … (default: chosen per run)' })
      .option('window', { type: 'string', describe: 'throughput window from each run\'s start: 10m, 1h … (default: the first third of the shortest run)' })
      .option('group-by', { type: 'string', describe: 'what a node is: a JSON field or a regex on the path (as in `logs`)' })
      .option('time-format', { type: 'string', describe: 'stamp layout for other formats (as in `logs`)' })
      .option('tz', { type: 'string', describe: 'zone of stamps without one (as in `logs`)' })
      .option('json', { type: 'boolean', describe: 'print the crawl-diag/compare@1 JSON report' })
      .option('color', { type: 'boolean', describe: 'force colour on or off (default: on a TTY unless NO_COLOR)' })
      .option('width', { type: 'number', describe: 'chart width in columns (default: the terminal width)' })
      .conflicts('series', 'line')
      .example([
        ['$0 logs compare runs/2-nodes runs/4-nodes runs/8-nodes --nodes 2,4,8', 'three runs, USL fit'],
        ['$0 logs compare run-a run-b --json', 'node counts from the number of log files, JSON'],
        ['$0 logs compare "victorialogs://10.0.0.9:9428?query=run:a" "victorialogs://10.0.0.9:9428?query=run:b" --group-by node', 'two runs kept in a log engine'],
      ]) as unknown as Argv<CompareArgs>,
  handler: async (args) => {
    const nodes = parseNodes(args.nodes, args.runs.length);
    const bucketMs: number | 'auto' = args.bucket ? parseBucket(args.bucket) : 'auto';
    const windowMs = args.window ? parseBucket(args.window) : undefined;
    const custom: SeriesPattern[] | undefined = args.line ? [lineSeries(args.line)] : undefined;
    const inputs: RunInput[] = [];
    let seriesName = '';
    for (const [i, dir] of args.runs.entries()) {
      const common = {
        paths: [dir],
        bucketMs,
        groupBy: args['group-by'],
        timeFormat: args['time-format'],
        tz: args.tz,
        onWarning: (message: string) => process.stderr.write(`crawl-diag: ${message}\n`),
      };
      // The main series: a --line of the operator's, else the crawl signals' rate (the crawler's own page lines).
      let report: LogsReport;
      let series: { name: string; counts: number[]; groups: Record<string, number[]>; trend?: RunInput['trend'] };
      if (custom) {
        report = await analyzeLogs({ ...common, series: custom });
        const s = report.series[0];
        series = { name: s.name, counts: s.counts, groups: Object.fromEntries(Object.entries(s.groups).map(([g, x]) => [g, x.counts])) };
      } else {
        const crawl = await analyzeCrawl({ ...common, crawler: args.crawler, rateSeries: args.series });
        report = crawl.report;
        const rate = crawl.signals.rate;
        if (args.series !== undefined && rate.series !== args.series) {
          const names = [...report.series.map((x) => x.name), ...(report.values ?? []).filter((v) => v.kind === 'counter').map((v) => v.name)];
          throw new UsageError(`--series ${args.series}: no such series; the series are ${names.map((n) => `'${n}'`).join(', ')}.`);
        }
        if (rate.pages === 0 && !rate.perBucket.some((c) => c > 0)) {
          throw new UsageError(`${dir}: no crawler page lines ('crawling', 'will be crawled', Scrapy's, Crawlee's); say which series is throughput with --series or --line.`);
        }
        series = { name: rate.series, counts: rate.perBucket, groups: rate.groups, trend: rateTrend(rate) };
      }
      if (seriesName && series.name !== seriesName) {
        throw new UsageError(`${dir}: its main series is '${series.name}', the runs before use '${seriesName}'; choose one with --series.`);
      }
      seriesName = series.name;
      const full = fullBuckets({ counts: series.counts, bucketMs: report.bucketMs, firstBucketCoverage: report.firstBucketCoverage, lastBucketCoverage: report.lastBucketCoverage });
      if (full.counts.length < MIN_RUN_BUCKETS) {
        throw new UsageError(
          `${dir}: the run spans only ${full.counts.length} full bucket(s) of ${report.bucketMs / 1000} s; a run needs ${MIN_RUN_BUCKETS} or more to measure its throughput (is it the right directory?).`,
        );
      }
      inputs.push({
        label: dir,
        nodes: nodes?.[i],
        startMs: Date.parse(report.start),
        bucketMs: report.bucketMs,
        counts: series.counts,
        groups: series.groups,
        trend: series.trend,
        firstBucketCoverage: report.firstBucketCoverage,
        lastBucketCoverage: report.lastBucketCoverage,
      });
    }
    const comparison = compareRuns(inputs, { windowMs });
    if (args.json) process.stdout.write(JSON.stringify(toJson(comparison, seriesName), null, 2) + '\n');
    else {
      const color = args.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
      process.stdout.write(renderComparison(comparison, seriesName, { width: args.width ?? process.stdout.columns ?? 100, color }));
    }
  },
};

export const logsCompareCommand = compareModule as unknown as CommandModule;

function parseNodes(text: string | undefined, runs: number): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((p) => p.trim());
  const nodes = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || nodes.some((n) => n < 1)) {
    throw new UsageError(`--nodes ${text}: give whole node counts of 1 or more, one per run, like 2,4,8.`);
  }
  if (nodes.length !== runs) throw new UsageError(`--nodes ${text}: ${nodes.length} node count(s) for ${runs} run(s); give one per run, in order.`);
  return nodes;
}

function lineSeries(arg: string): SeriesPattern {
  const { name, value } = parseNamedArgument(arg);
  if (!value) throw new UsageError('--line needs a text to look for.');
  return { name, substring: value };
}

/** The `crawl-diag/compare@1` report (schema in docs/contracts.md). */
export function toJson(c: Comparison, series: string): object {
  return {
    schema: 'crawl-diag/compare@1',
    series,
    windowMs: c.windowMs,
    runs: c.runs.map((r) => ({
      dir: r.label,
      nodes: r.nodes,
      nodesFrom: r.nodesFrom,
      start: r.start,
      bucketMs: r.bucketMs,
      windowBuckets: r.windowBuckets,
      windowLines: r.windowLines,
      throughput: r.throughput,
      throughputPerNode: r.throughputPerNode,
      efficiency: r.efficiency,
      perNode: r.perNode,
      trend: r.trend,
      stopped: r.stopped.map((s) => ({ group: s.group, lastEventBucket: s.lastEventBucket, lastEventAt: s.lastEventAt })),
    })),
    scaling: c.scaling,
    usl: c.usl && {
      sigma: c.usl.sigma,
      kappa: c.usl.kappa,
      lambda: c.usl.lambda,
      peakNodes: c.usl.peakNodes,
      peakThroughput: c.usl.peakThroughput,
      rSquared: c.usl.rSquared,
      intervals: c.usl.intervals ?? null,
    },
    ...(c.uslSkipped ? { uslSkipped: c.uslSkipped } : {}),
  };
}
