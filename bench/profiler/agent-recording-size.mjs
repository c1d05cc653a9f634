// Recording size per process-hour of any agent recording: mean bytes of full windows (each process's last,
// partial window left out) times windows per hour, per process kind. For the README's figure on a real crawl:
//
//   CRAWL_DIAG_PROFILE_DIR=… (or crawl-diag crawl local --profile-dir DIR …), then
//   node bench/profiler/agent-recording-size.mjs DIR [--out bench/results/profiler-agent-size.json]
//
// Needs the profiler built (npx tsc -b packages/profiler).
import { stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { listRecording } = await import(join(root, 'packages', 'profiler', 'dist', 'recording', 'list-windows.js'));

const dir = process.argv[2];
if (!dir || dir.startsWith('--')) {
  process.stderr.write('usage: node bench/profiler/agent-recording-size.mjs DIR [--out FILE]\n');
  process.exit(2);
}
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : undefined;

const recording = await listRecording(dir);
const byProcess = new Map();
for (const w of recording.windows) {
  const key = `${w.kind}/${w.pid}`;
  if (!byProcess.has(key)) byProcess.set(key, []);
  byProcess.get(key).push(w);
}
const byKind = new Map();
for (const windows of byProcess.values()) {
  const full = windows.slice(0, -1);
  for (let i = 0; i < full.length; i++) {
    const bytes = (await stat(full[i].path)).size;
    const lengthMs = windows[i + 1].startMs - full[i].startMs;
    const k = byKind.get(full[i].kind) ?? { windows: 0, bytes: 0, ms: 0, processes: new Set() };
    k.windows++;
    k.bytes += bytes;
    k.ms += lengthMs;
    k.processes.add(full[i].pid);
    byKind.set(full[i].kind, k);
  }
}
const kinds = [...byKind.entries()].map(([kind, k]) => ({
  kind,
  processes: k.processes.size,
  fullWindows: k.windows,
  meanWindowSeconds: Number((k.ms / k.windows / 1000).toFixed(2)),
  bytesPerWindow: Math.round(k.bytes / k.windows),
  // Bytes per second of recorded time, scaled to an hour: the same whatever the window length was.
  bytesPerProcessHour: Math.round((k.bytes / k.ms) * 3_600_000),
}));
const result = { schema: 'crawl-diag/bench-profiler-agent-size@1', recording: resolve(dir), kinds, measuredAt: new Date().toISOString() };
for (const k of kinds) {
  process.stdout.write(`${k.kind.padEnd(12)} ${k.processes} process(es), ${k.fullWindows} full windows of ${k.meanWindowSeconds}s: ${k.bytesPerWindow} bytes per window, ${(k.bytesPerProcessHour / 1024).toFixed(0)} KiB per process-hour\n`);
}
if (out) {
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
}
