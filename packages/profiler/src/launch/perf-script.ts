// Reads the text of `perf script` (the stacks 0x's linux-perf mode writes, stacks.PID.out) into the Profile
// model. By hand because 0x's own reader (trace-stacks-to-ticks) keeps only each frame's name and a guessed type:
// it drops the shared object a native frame lives in, which is what tells `sqlite3VdbeExec` of better-sqlite3's
// addon from V8's builtins or libc. Format, one sample per block:
//
//   node 29770   830.325731:   10101010 cpu-clock:pppH:
//            141aec sqlite3VdbeExec+0x354c (/…/better_sqlite3.node)
//       7fac167d66fb JS:*scan /app/frontier.js:5:16+0x3fb (/tmp/perf-29770.map)
//
// leaf first; the header's number before the event is the sample's period (ns of CPU for cpu-clock). JS frames
// come from node's --perf-basic-prof map: `JS:` (or `LazyCompile:`, `Function:`, `Script:` on older Node) then a
// tier mark (`*` optimized, `~` interpreted, `^` baseline, `+` Maglev), the name, and `file:line:column`.
import { basename } from 'node:path';
import type { Frame } from '../model.js';
import type { ProfileBuilder } from '../profile-builder.js';

const HEADER = /^(\S.*?)\s+(\d+)(?:\/(\d+))?\s+(\d+\.\d+):\s+(\d+)\s+\S+:\s*$/;
const FRAME = /^\s+[0-9a-f]+\s+(.+?)\s+\(([^()]*)\)\s*$/;
const JS_NAME = /^(?:JS|LazyCompile|Function|Script):[*~^+]?(.*?) ?(\S+):(\d+):(\d+)$/;

export interface PerfSample {
  comm: string;
  tid: number;
  timeSec: number;
  periodNs: number;
  /** Leaf first, as perf prints them. */
  frames: Frame[];
}

export function perfFrame(symbol: string, dso: string): Frame | undefined {
  const sym = symbol.replace(/\+0x[0-9a-f]+$/, '');
  if (sym === '[unknown]' && dso === '[unknown]') return undefined;
  const js = /^(?:JS|LazyCompile|Function|Script):/.test(sym) ? JS_NAME.exec(sym) : null;
  if (js) {
    const file = js[2].replace(/^file:\/\//, '');
    return { name: js[1].trim() || '(anonymous)', file, line: Number(js[3]), column: Number(js[4]), kind: 'js' };
  }
  const library = dso === '[unknown]' ? undefined : basename(dso);
  return { name: sym === '[unknown]' ? `[unknown in ${library}]` : sym, kind: 'native', ...(library ? { library } : {}) };
}

export function parsePerfScript(text: string): { samples: PerfSample[]; garbled: number } {
  const samples: PerfSample[] = [];
  let current: PerfSample | undefined;
  let garbled = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    const h = HEADER.exec(line);
    if (h) {
      current = { comm: h[1], tid: Number(h[3] ?? h[2]), timeSec: Number(h[4]), periodNs: Number(h[5]), frames: [] };
      samples.push(current);
      continue;
    }
    const f = FRAME.exec(line);
    if (f && current) {
      const frame = perfFrame(f[1], f[2]);
      if (frame) current.frames.push(frame);
    } else {
      garbled++;
    }
  }
  return { samples, garbled };
}

/**
 * Adds perf samples to a profile. The process's main thread is the lowest thread id seen (it is created first);
 * when other threads were sampled too (libuv's pool, V8's GC helpers), every stack gets its thread as a root.
 * Timestamps: perf's clock is monotonic, so samples are placed from `startEpochMs` by their offset to the first.
 */
export function addPerfSamples(builder: ProfileBuilder, samples: PerfSample[], startEpochMs: number): { mainTid: number | undefined } {
  const withStack = samples.filter((s) => s.frames.length > 0);
  if (withStack.length === 0) return { mainTid: undefined };
  const mainTid = Math.min(...withStack.map((s) => s.tid));
  const threaded = withStack.some((s) => s.tid !== mainTid);
  const t0 = Math.min(...withStack.map((s) => s.timeSec));
  for (const s of withStack) {
    const root = threaded ? [builder.frameId({ name: s.tid === mainTid ? 'main thread' : `${s.comm} thread ${s.tid}`, kind: 'thread' })] : [];
    const stack = [...root, ...s.frames.slice().reverse().map((f) => builder.frameId(f))];
    builder.addSample({ stack, weightUs: s.periodNs / 1000, timestampUs: Math.round(startEpochMs * 1000 + (s.timeSec - t0) * 1e6) });
  }
  return { mainTid };
}
