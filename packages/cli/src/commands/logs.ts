// `crawl-diag logs PATH...`: the log-rate analyzer (counts strategic lines per time bucket across files and nodes,
// charts them, gives a trend verdict), and `crawl-diag logs compare RUN...` (in logs-compare.ts).
// Argument parsing and output choice only: the work is @crawl-diag/log-analyzer's.
import type { Argv, CommandModule } from 'yargs';
import {
  bucketWarnings,
  CRAWLER_KINDS,
  DEFAULT_SERIES,
  analyzeLogs,
  followLogs,
  isVictoriaLogsPath,
  type LogsReport,
  parseBucket,
  parseNamedArgument,
  progressBar,
  renderCsv,
  renderTerminal,
  type SeriesPattern,
  type Trend,
} from '@crawl-diag/log-analyzer';
import { UsageError } from '../errors.js';
import { logsCompareCommand } from './logs-compare.js';

/** A progress bar is drawn for inputs bigger than this, when stderr is a terminal. */
const PROGRESS_ABOVE_BYTES = 50e6;

interface LogsArgs {
  paths: string[];
  line?: string[];
  regex?: string[];
  level?: string[];
  value?: string[];
  counter?: string[];
  ratio?: string[];
  bucket?: string;
  'group-by'?: string;
  'time-format'?: string;
  tz?: string;
  since?: string;
  until?: string;
  json?: boolean;
  csv?: boolean;
  follow?: boolean;
  crawler?: string;
  color?: boolean;
  width?: number;
}

const EXAMPLES: Array<[string, string]> = [
  ['$0 logs fixtures/logs/python-4-workers-decay --line "will be crawled"', 'one series over 4 worker logs'],
  ['$0 logs /var/log/crawler/', 'the default strategic series over every log in a directory'],
  ['$0 logs "logs/**/*.log*" --bucket 5m --json > report.json', 'a glob (rotated .gz included), 5-minute buckets, JSON'],
  ['$0 logs crawl.ndjson --group-by hostname --level error', 'NDJSON (pino), one group per host, error records'],
  ['$0 logs "nodes/*/crawler.log" --group-by "nodes/([^/]+)/"', 'group by the directory name (the node)'],
  ['zcat old.log.gz | $0 logs - --regex "fetch=took \\d{4,}ms"', 'read stdin, count a regex, name the series fetch'],
  ['$0 logs app.log --time-format "DD/MM/YYYY HH:mm:ss" --tz Europe/Paris', 'an unknown stamp layout in local Paris time'],
  ['$0 logs logs/ --ratio "waste=postponed/will be crawled"', 'the share of URLs postponed, per bucket, with its trend'],
  ['$0 logs scrapy.log --counter "pages=Crawled (\\d+) pages"', 'a running total differenced into a rate'],
  ['$0 logs victorialogs://10.0.0.9:9428 --group-by node', 'counts from a VictoriaLogs server, one group per node'],
  ['$0 logs "victorialogs://10.0.0.9:9428?query=job:crawler" --since 2h', 'its crawler records of the last two hours'],
];

const analyzeCommand: CommandModule<object, LogsArgs> = {
  command: '$0 <paths..>',
  describe: 'Count strategic log lines per time bucket across many files and nodes, chart them, detect decay',
  builder: (y: Argv) =>
    y
      .usage(
        [
          '$0 logs PATH... [options]',
          'Counts matching log lines per time bucket across files, draws a chart per series and gives a trend verdict (decay, steady, growth) per series and per group. Each file is a group (a node or a process; rotated files of one log are one group) unless --group-by says otherwise.',
          'PATH is a file, a directory (walked recursively), a glob, or - for stdin; .gz files are read as they are. PATH victorialogs://HOST:PORT reads the counts from a VictoriaLogs server instead (?query=LOGSQL narrows the records; each series is matched on the message; groups are log streams unless --group-by names a field such as node or pid; --since/--until choose the time range, by default all of it). Formats are detected per file: Python logging, pino/bunyan NDJSON, Scrapy, ISO 8601 prefixed lines, syslog, nginx/Apache access logs. A line without a timestamp (a traceback) belongs to the record above it; garbled lines are counted as unparsed.',
          "With no --line, --regex or --level, the series are the crawler's strategic lines: will be crawled, crawling, postponed, ignored, robots undetermined, could not retrieve.",
          "When the logs are a known crawler's (ours, the original Python crawler, Scrapy, Crawlee, or an access log), the crawl rate is judged too, as `logs compare` and `doctor` judge it: the crawler's pages per second (failed fetches taken off a fetch line), start-up and shutdown left out, with its one verdict (`crawlRate` in the JSON). With series of your own (--line, --regex, --level) only when --crawler names the crawler.",
        ].join('\n\n'),
      )
      .positional('paths', { type: 'string', array: true, describe: 'log files, directories, globs, or -' })
      .option('line', {
        type: 'string',
        array: true,
        describe: 'count lines containing TEXT (repeatable); NAME=TEXT names the series, =TEXT keeps an = in TEXT',
      })
      .option('regex', { type: 'string', array: true, describe: 'count lines matching RE (repeatable; NAME=RE names it)' })
      .option('level', { type: 'string', array: true, describe: 'count records of LEVEL: ERROR, WARNING, … (pino: error, 50)' })
      .option('value', {
        type: 'string',
        array: true,
        describe: 'a gauge: NAME=RE, the first capture group is a number, averaged per bucket (e.g. queue=queue size (\\d+))',
      })
      .option('counter', {
        type: 'string',
        array: true,
        describe: 'a running total: NAME=RE, its capture differenced into an increase per bucket and per group',
      })
      .option('ratio', {
        type: 'string',
        array: true,
        describe: 'NAME=A/B: series A over series B per bucket, with its own trend (e.g. "waste=postponed/will be crawled")',
      })
      .option('bucket', { type: 'string', describe: 'bucket size: 10s, 1m, 5m, 1h … (default: 30-120 buckets over the span)' })
      .option('group-by', {
        type: 'string',
        describe: 'a JSON field (hostname, pid) or a regex on the path whose capture group names the group',
      })
      .option('time-format', {
        type: 'string',
        describe: 'stamp layout for other formats: YYYY MM MMM DD HH mm ss SSS Z, X (epoch s), x (epoch ms)',
      })
      .option('tz', { type: 'string', describe: 'zone of stamps without one: local (default), UTC, +02:00, Europe/Paris' })
      .option('since', { type: 'string', describe: 'victorialogs:// only: records from this time (ISO 8601) or this long ago (30m, 2h, 1d)' })
      .option('until', { type: 'string', describe: 'victorialogs:// only: records up to this time (ISO 8601) or this long ago' })
      .option('follow', {
        type: 'boolean',
        describe: 'keep reading as the files grow (survives rotation and truncation; .gz siblings are read once), with every other option as without it: redraw on a terminal, else one line per verdict change; Ctrl-C prints the summary, the same report a plain run over the same bytes gives',
      })
      .option('crawler', { type: 'string', choices: [...CRAWLER_KINDS], describe: 'which crawler wrote the logs, for the crawl rate (default: detected from them)' })
      .option('json', { type: 'boolean', describe: 'print the crawl-diag/logs@1 JSON report' })
      .option('csv', { type: 'boolean', describe: 'print CSV: one row per bucket, a column per series and group' })
      .option('color', { type: 'boolean', describe: 'force colour on or off (default: on a TTY unless NO_COLOR)' })
      .option('width', { type: 'number', describe: 'chart width in columns (default: the terminal width)' })
      .conflicts('json', 'csv')
      .example(EXAMPLES) as unknown as Argv<LogsArgs>,
  handler: async (args) => {
    const series = seriesFromArgs(args);
    const ratios = (args.ratio ?? []).map(parseRatio);
    const bucketMs = args.bucket ? parseBucket(args.bucket) : 'auto';
    if (args.follow) return follow(args, series, ratios, bucketMs);
    const bar = process.stderr.isTTY ? progressBar(process.stderr) : null;
    if (process.stderr.isTTY && args.paths.some(isVictoriaLogsPath)) process.stderr.write(`crawl-diag: asking ${args.paths.join(' ')} for the counts…\n`);
    const report = await analyzeLogs({
      paths: pathsWithStdin(args.paths),
      series,
      ratios,
      bucketMs,
      groupBy: args['group-by'],
      timeFormat: args['time-format'],
      tz: args.tz,
      since: args.since,
      until: args.until,
      crawlRate: { crawler: args.crawler },
      onProgress: bar ? (done, total) => total > PROGRESS_ABOVE_BYTES && bar.update(done, total) : undefined,
      onWarning: (message) => process.stderr.write(`crawl-diag: ${message}\n`),
    });
    bar?.finish();
    for (const line of [...unmatchedPatternWarnings(args, report), ...bucketWarnings(report), ...crawlRateWarnings(args, report)]) process.stderr.write(`crawl-diag: ${line}\n`);
    printReport(report, args);
  },
};

/**
 * One warning per pattern the operator gave (--line, --regex, --value, --counter) that matched no line in any file:
 * an empty chart alone reads as "nothing happened". When the argument has an `=` but no name was taken from it (the
 * name must be a word), the whole argument was the pattern: that is said too, as it is the usual reason.
 */
function unmatchedPatternWarnings(args: LogsArgs, report: LogsReport): string[] {
  const out: string[] = [];
  const check = (option: string, arg: string, matched: (name: string) => boolean) => {
    const { name } = parseNamedArgument(arg);
    if (matched(name)) return;
    const unnamed = name === arg && arg.includes('=');
    const what = option === 'value' || option === 'counter' ? 'gave no value (no line matched it with a number in its first group)' : 'matched no line';
    out.push(
      `--${option} '${arg}' ${what}` +
        (unnamed ? `; the text before '=' is taken as a name only when it is one word (letters, digits, _ . -), so here the whole argument was the pattern` : ''),
    );
  };
  const counted = (name: string) => (report.series.find((s) => s.name === name)?.total ?? 0) > 0;
  const valued = (name: string) => (report.values ?? []).some((v) => v.name === name && v.values.some((x) => x !== null));
  for (const arg of args.line ?? []) check('line', arg, counted);
  for (const arg of args.regex ?? []) check('regex', arg, counted);
  for (const arg of args.value ?? []) check('value', arg, valued);
  for (const arg of args.counter ?? []) check('counter', arg, valued);
  return out;
}

/** A --crawler that gave no rate: the logs hold none of its page lines (without it, no rate means no known crawler). */
function crawlRateWarnings(args: LogsArgs, report: LogsReport): string[] {
  if (args.crawler === undefined || report.crawlRate) return [];
  return [`--crawler ${args.crawler}: no page lines of that crawler in these logs, so no crawl rate.`];
}

function printReport(report: LogsReport, args: LogsArgs): void {
  if (args.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (args.csv) process.stdout.write(renderCsv(report));
  else process.stdout.write(renderTerminal(report, { color: useColor(args), width: args.width ?? process.stdout.columns ?? 100 }));
}

function useColor(args: LogsArgs): boolean {
  return args.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
}

/**
 * --follow: on a terminal the chart is redrawn when a bucket is added; otherwise one line is printed whenever a
 * series' verdict changes (on stderr with --json or --csv). Ctrl-C (SIGINT) or SIGTERM stops and prints the summary.
 */
async function follow(args: LogsArgs, series: SeriesPattern[], ratios: Array<{ name: string; numerator: string; denominator: string }>, bucketMs: number | 'auto'): Promise<void> {
  if (args.paths.some(isVictoriaLogsPath)) throw new UsageError('--follow reads growing log files; for victorialogs:// run again with --since.');
  const verdicts = new Map<string, string>();
  let drawnBuckets = -1;
  // A failure while following (a file that turns out not to be a log) ends the wait; stop() then throws it.
  let failed: () => void = () => {};
  const failure = new Promise<void>((resolveFailure) => (failed = resolveFailure));
  const session = await followLogs({
    paths: pathsWithStdin(args.paths),
    series,
    ratios,
    bucketMs,
    groupBy: args['group-by'],
    timeFormat: args['time-format'],
    tz: args.tz,
    crawlRate: { crawler: args.crawler },
    onWarning: (message) => process.stderr.write(`crawl-diag: ${message}\n`),
    onError: () => failed(),
    onUpdate: (report) => {
      if (process.stdout.isTTY && !args.json && !args.csv) {
        if (report.buckets !== drawnBuckets) {
          drawnBuckets = report.buckets;
          process.stdout.write('\x1b[2J\x1b[H' + renderTerminal(report, { color: useColor(args), width: args.width ?? process.stdout.columns ?? 100 }));
        }
        return;
      }
      // The crawl rate's verdict changes are told as the series' are, under a name no series can take (`crawl rate`
      // plus its series, which names a difference of two series when failures are taken off).
      const judged = [
        ...report.series.map((s) => ({ name: s.name, trend: s.trend, amount: `${s.total} lines` })),
        ...(report.crawlRate ? [{ name: `crawl rate (${report.crawlRate.series})`, trend: report.crawlRate as Trend, amount: `${report.crawlRate.pages} pages judged` }] : []),
      ];
      for (const s of judged) {
        const before = verdicts.get(s.name);
        if (before !== undefined && before !== s.trend.verdict) {
          const change = s.trend.relativeChange === null ? '' : ` (${s.trend.relativeChange >= 0 ? '+' : ''}${Math.round(s.trend.relativeChange * 100)}%)`;
          // With --json or --csv, stdout is for the final report alone.
          const out = args.json || args.csv ? process.stderr : process.stdout;
          out.write(`${new Date().toISOString().slice(11, 19)} ${s.name}: ${before} -> ${s.trend.verdict}${change}, ${s.amount}\n`);
        }
        verdicts.set(s.name, s.trend.verdict);
      }
    },
  });
  process.stderr.write(`crawl-diag: following ${args.paths.join(' ')}; Ctrl-C prints the summary.\n`);
  await Promise.race([
    failure,
    new Promise<void>((resolveStop) => {
      process.once('SIGINT', resolveStop);
      process.once('SIGTERM', resolveStop);
    }),
  ]);
  const report = await session.stop();
  if (!report) {
    process.stderr.write('crawl-diag: no timestamped line was read before the end.\n');
    return;
  }
  printReport(report, args);
}

/**
 * yargs drops a lone `-` from positionals (it reads it as an empty option); put it back when it was typed, so
 * `crawl-diag logs -` reads stdin. A `-` given as an option's value (`--line -`) is not a path.
 */
function pathsWithStdin(paths: string[]): string[] {
  const argv = process.argv.slice(2);
  const dash = argv.findIndex((a, i) => a === '-' && !(i > 0 && /^--?[a-z]/i.test(argv[i - 1]) && !argv[i - 1].includes('=') && !BOOLEAN_FLAGS.has(argv[i - 1])));
  return dash >= 0 && !paths.includes('-') ? [...paths, '-'] : paths;
}

const BOOLEAN_FLAGS = new Set(['--json', '--csv', '--color', '--no-color', '--follow']);

function seriesFromArgs(args: LogsArgs): SeriesPattern[] {
  const series: SeriesPattern[] = [];
  for (const arg of args.line ?? []) {
    const { name, value } = parseNamedArgument(arg);
    if (!value) throw new UsageError('--line needs a text to look for.');
    series.push({ name, substring: value });
  }
  for (const arg of args.regex ?? []) {
    const { name, value } = parseNamedArgument(arg);
    series.push({ name, regex: value });
  }
  for (const level of args.level ?? []) series.push({ name: level, level });
  for (const [option, kind] of [['value', 'gauge'], ['counter', 'counter']] as const) {
    for (const arg of args[option] ?? []) {
      const { name, value } = parseNamedArgument(arg);
      series.push({ name, regex: value, kind });
    }
  }
  // A ratio of default series needs them counted: keep the defaults when only values or ratios were given.
  if (series.every((s) => s.kind && s.kind !== 'count') && series.length > 0) series.unshift(...DEFAULT_SERIES);
  return series;
}

function parseRatio(arg: string): { name: string; numerator: string; denominator: string } {
  const m = /^([^=]+)=(.+)\/(.+)$/.exec(arg);
  if (!m) throw new UsageError(`--ratio ${arg}: write NAME=A/B, where A and B are series names.`);
  return { name: m[1].trim(), numerator: m[2].trim(), denominator: m[3].trim() };
}

export const logsCommand: CommandModule = {
  command: 'logs',
  describe: 'Count strategic log lines per time bucket across many files and nodes, chart them, detect decay',
  builder: (y: Argv) => y.command(logsCompareCommand).command(analyzeCommand as unknown as CommandModule),
  handler: () => {
    throw new UsageError('logs: not reached');
  },
};
