// /proc sampling against real processes: a child that burns CPU and grows its memory, checked against the CPU time
// the child reports for itself; the parsers against hand-worked /proc text.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../src/explain.js';
import { procEvidence } from '../src/collect/proc-evidence.js';
import { readLoad1, readMemInfo, readProcTimes, readSystemTimes, sampleProcesses } from '../src/collect/proc-sampler.js';

// Spins for 60% of every 100 ms and keeps 4 MB more (touched, so resident) every 250 ms; answers 'cpu' with its
// own CPU seconds so far.
const GROWER = `
const keep = [];
setInterval(() => { const b = Buffer.alloc(4 << 20); b.fill(1); keep.push(b); }, 250);
setInterval(() => { const end = Date.now() + 60; while (Date.now() < end); }, 100);
process.on('message', () => { const u = process.cpuUsage(); process.send((u.user + u.system) / 1e6); });
process.send('ready');
`;

let dir: string;
let child: ChildProcess;

const cpuSeconds = () =>
  new Promise<number>((resolve) => {
    child.once('message', (m) => resolve(Number(m)));
    child.send('cpu');
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-proc-'));
  await writeFile(join(dir, 'grower.cjs'), GROWER);
  child = spawn(process.execPath, [join(dir, 'grower.cjs')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve));
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('proc sampler', () => {
  it('parses /proc/stat, /proc/meminfo and /proc/loadavg text', () => {
    // busy = user+nice+system+irq+softirq+steal = 100+5+50+3+2+1; total adds idle 800 and iowait 40
    expect(readSystemTimes('cpu  100 5 50 800 40 3 2 1 0 0\ncpu0 1 2 3 4\n')).toEqual({ busy: 161, total: 1001 });
    expect(readMemInfo('MemTotal:        2000 kB\nMemFree:   10 kB\nMemAvailable:    1500 kB\n')).toEqual({ totalBytes: 2000 * 1024, availableBytes: 1500 * 1024 });
    expect(readLoad1('3.25 2.00 1.00 4/500 1234\n')).toBe(3.25);
  });

  it('reads this process: its name and a resident size that matches process.memoryUsage', () => {
    const t = readProcTimes(process.pid)!;
    expect(t.comm.length).toBeGreaterThan(0);
    const rss = process.memoryUsage().rss;
    expect(Math.abs(t.rssBytes - rss) / rss).toBeLessThan(0.2);
    expect(readProcTimes(2 ** 22 + 12345)).toBeUndefined();
  });

  it("measures a real child's CPU (as the child itself counts it) and its growing memory", async () => {
    const before = await cpuSeconds();
    // 12 readings: the trend test behind the memory-growth rule needs at least 10.
    const samples = await sampleProcesses({ pids: [child.pid!], durationMs: 5000, intervalMs: 400 });
    const after = await cpuSeconds();
    const p = samples.processes[0];
    expect(samples.at.length).toBeGreaterThanOrEqual(10);
    const sampled = p.cpu.reduce<number>((s, c, i) => s + (c ?? 0) * ((samples.at[i] - (samples.at[i - 1] ?? samples.at[0] - samples.intervalMs)) / 1000), 0);
    const own = after - before;
    expect(own).toBeGreaterThan(0.05);
    // /proc counts in 10 ms ticks and the two readings bracket the window slightly differently.
    expect(Math.abs(sampled - own)).toBeLessThan(Math.max(0.15, own * 0.3));
    const rss = p.rssBytes.filter((x): x is number => x !== null);
    expect(rss[rss.length - 1] - rss[0]).toBeGreaterThan(20 << 20);
    expect(samples.systemCpu.every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(samples.memTotalBytes).toBeGreaterThan(0);

    const result = diagnose({ proc: procEvidence(samples), warnings: [] });
    const growth = result.findings.find((f) => f.cause === 'memory-growth');
    expect(growth, JSON.stringify(result.findings)).toBeDefined();
    expect(growth!.numbers.rssEndBytes!).toBeGreaterThan(growth!.numbers.rssStartBytes!);
  });
});
