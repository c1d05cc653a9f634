// One analyzer run split into its phases, for the benchmark's breakdown: loading the library, scanning (until the
// last byte is read), and the rest (merging, trend and change-point analysis). Prints one JSON line.
//   node bench/analyzer/phases.mjs [--threads N] [--core line] FILE PATTERN...
// --threads: worker threads (default: the library's choice); --core line: the JavaScript line scanner instead of
// the kernel's whole-record scan (the figures before it).
const t0 = performance.now();
const { analyzeLogs } = await import('../../packages/log-analyzer/dist/index.js');
const loaded = performance.now();
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const threads = option('threads');
const core = option('core');
const [file, ...patterns] = args;
let scanned = 0;
const report = await analyzeLogs({
  paths: [file],
  series: patterns.map((p) => ({ name: p, substring: p })),
  bucketMs: 60_000,
  ...(threads !== undefined ? { threads: Number(threads) } : {}),
  ...(core === 'line' ? { scanCore: 'line' } : {}),
  onProgress: (done, total) => {
    if (done >= total) scanned = performance.now();
  },
});
const end = performance.now();
const cpu = process.cpuUsage();
console.log(JSON.stringify({ loadMs: loaded - t0, scanMs: scanned - loaded, analysisMs: end - scanned, wallMs: end - t0, cpuMs: (cpu.user + cpu.system) / 1000, buckets: report.buckets, totals: report.series.map((x) => x.total) }));
