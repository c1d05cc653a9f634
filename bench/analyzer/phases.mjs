// One analyzer run split into its phases, for the benchmark's breakdown: loading the library, scanning (until the
// last byte is read), and the rest (merging, trend and change-point analysis). Prints one JSON line.
//   node bench/analyzer/phases.mjs FILE PATTERN...
const t0 = performance.now();
const { analyzeLogs } = await import('../../packages/log-analyzer/dist/index.js');
const loaded = performance.now();
const [file, ...patterns] = process.argv.slice(2);
let scanned = 0;
const report = await analyzeLogs({
  paths: [file],
  series: patterns.map((p) => ({ name: p, substring: p })),
  bucketMs: 60_000,
  onProgress: (done, total) => {
    if (done >= total) scanned = performance.now();
  },
});
const end = performance.now();
console.log(JSON.stringify({ loadMs: loaded - t0, scanMs: scanned - loaded, analysisMs: end - scanned, buckets: report.buckets, cpu: process.cpuUsage() }));
