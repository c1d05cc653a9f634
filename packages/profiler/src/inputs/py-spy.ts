// py-spy's raw output (folded stacks, `function (file.py:line)` frames, `process N:"cmd"` and `thread (TID): name`
// roots) into the Profile model, and the CPU/waiting split of two recordings of the same threads: one with
// `--idle` (every thread, every sample: wall time) and one without (only threads the kernel reports running or
// runnable, state R in /proc/TID/stat, which is how py-spy tells idle from active). A leaf line's running share is
// its count without `--idle` over its count with it (see runningShares); the rest of its time it was blocked, and
// those samples get a wait frame as leaf, named after the call that blocks, at the program's own line that made it.
import type { Frame } from '../model.js';
import type { ProfileBuilder } from '../profile-builder.js';
import { waitFrame } from '../outputs/frame-label.js';
import { libraryCalledAt } from '../python/source-calls.js';

/** Folded stacks as py-spy writes them: stack text → sample count. */
export type FoldedCounts = Map<string, number>;

export function parseFoldedCounts(text: string): FoldedCounts {
  const counts: FoldedCounts = new Map();
  for (const line of text.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space <= 0) continue;
    const count = Number(line.slice(space + 1));
    if (!Number.isFinite(count) || count <= 0) continue;
    const stack = line.slice(0, space);
    counts.set(stack, (counts.get(stack) ?? 0) + count);
  }
  return counts;
}

const STDLIB_RE = /\/lib\/python\d+(?:\.\d+)?\/(?!site-packages\/|dist-packages\/)([^/]+?)(?:\.py)?(?:\/|$)/;
const PACKAGE_RE = /\/(?:site-packages|dist-packages)\/([^/]+?)(?:\.py)?(?:\/|$)/;

/** The library a Python source file belongs to: its top-level package (`pymongo`, `requests`, `socket`); undefined for the program's own files. */
export function pythonLibrary(file: string): string | undefined {
  const m = PACKAGE_RE.exec(file) ?? STDLIB_RE.exec(file);
  return m ? m[1] : undefined;
}

/** One py-spy frame as a model frame: code frames carry their library when they are not the program's own. */
export function parsePySpyFrame(text: string): Frame {
  if (/^process \d+:/.test(text)) return { name: text, kind: 'process' };
  if (/^thread \([^)]*\)(?::.*)?$/.test(text)) return { name: text, kind: 'thread' };
  const m = /^(.*) \((.+):(\d+)\)$/.exec(text);
  const noLine = m ? undefined : /^(.*) \((.+)\)$/.exec(text);
  const parts = m ? { name: m[1], file: m[2], line: Number(m[3]) } : noLine ? { name: noLine[1], file: noLine[2] } : undefined;
  if (!parts) return { name: text, kind: 'native' };
  const frame: Frame = { name: parts.name || '(anonymous)', file: parts.file, kind: 'js' };
  if (parts.line !== undefined) frame.line = parts.line;
  const library = pythonLibrary(parts.file);
  if (library) frame.library = library;
  return frame;
}

/**
 * The wait frame of a blocked stack: at the program's last own line (the call that blocks), named after the first
 * library below it (`pymongo Collection.find_one_and_update`), or, when the line calls a C extension directly (no
 * Python frame below: sqlite3), after what its source line calls (`sqlite3 execute`).
 */
export function blockedFrame(frames: Frame[]): Frame {
  let own = -1;
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i].kind === 'js' && !frames[i].library) {
      own = i;
      break;
    }
  }
  const site = own >= 0 ? frames[own] : [...frames].reverse().find((f) => f.kind === 'js');
  const below = own >= 0 ? frames[own + 1] : undefined;
  let what: string | undefined;
  if (below?.library) what = `${below.library} ${below.name}`;
  else if (site?.library) what = `${site.library} ${site.name}`;
  else if (site?.file && site.line !== undefined) {
    const called = libraryCalledAt(site.file, site.line);
    if (called) what = called.method ? `${called.library} ${called.method}` : called.library;
  }
  return waitFrame(what ?? 'blocked', site ? { file: site.file, line: site.line } : {});
}

export interface SplitResult {
  /** Samples added (wall sampler). */
  samples: number;
  /** Samples the running-only sampler took. */
  running: number;
  /** Running samples whose leaf line the wall sampler never saw, nor any line of the same function (left out). */
  unmatched: number;
}

const THREAD_RE = /^thread \([^)]*\)(?::.*)?$/;

/**
 * A library's own threads: none of the program's code on any of their stacks (pymongo's server monitors, a pool's
 * idle workers, a logging queue). `--idle` samples them as much as the thread doing the work, and a parked monitor
 * would otherwise hold half of a worker's "wall time". Both recordings carry thread roots (`--threads`). Returns
 * the recording without them and what was left out, with how much of each one's time was running; when no thread
 * runs any of the program's code (a program that is all library), nothing is left out.
 */
export function dropLibraryThreads(wall: FoldedCounts, running: FoldedCounts): { wall: FoldedCounts; dropped: string[] } {
  const threadOf = (stack: string): string | undefined => stack.split(';').find((f) => THREAD_RE.test(f));
  const count = (counts: FoldedCounts): Map<string | undefined, number> => {
    const byThread = new Map<string | undefined, number>();
    for (const [stack, n] of counts) byThread.set(threadOf(stack), (byThread.get(threadOf(stack)) ?? 0) + n);
    return byThread;
  };
  const ran = count(running);
  const sampled = count(wall);
  const ownCode = new Set<string | undefined>();
  for (const stack of wall.keys()) {
    if (stack.split(';').some((f) => { const p = parsePySpyFrame(f); return p.kind === 'js' && !p.library; })) ownCode.add(threadOf(stack));
  }
  if (ownCode.size === 0) return { wall, dropped: [] };
  const kept: FoldedCounts = new Map();
  const dropped = new Map<string, string>();
  for (const [stack, n] of wall) {
    const thread = threadOf(stack);
    if (thread !== undefined && !ownCode.has(thread)) {
      if (!dropped.has(thread)) {
        const leaf = parsePySpyFrame(leafOf(stack));
        const share = Math.min(1, (ran.get(thread) ?? 0) / Math.max(1, sampled.get(thread) ?? 0));
        dropped.set(thread, `${thread} in ${leaf.library ? `${leaf.library} ` : ''}${leaf.name} (running ${(100 * share).toFixed(0)}% of its samples)`);
      }
    } else kept.set(stack, n);
  }
  return { wall: kept, dropped: [...dropped.values()] };
}

/** The stacks without their thread roots (for a profile that was not asked for one root per thread). */
export function withoutThreadRoots(counts: FoldedCounts): FoldedCounts {
  const out: FoldedCounts = new Map();
  for (const [stack, n] of counts) {
    const key = stack.split(';').filter((f) => !THREAD_RE.test(f)).join(';');
    if (key) out.set(key, (out.get(key) ?? 0) + n);
  }
  return out;
}

/** `name (file:line)` → `name (file)`: the function a leaf line belongs to. */
const functionOf = (leaf: string): string => leaf.replace(/:\d+\)$/, ')');
const leafOf = (stack: string): string => stack.slice(stack.lastIndexOf(';') + 1);

/**
 * The share of each leaf line's wall samples that were running. The two samplers sample at different instants, so
 * a thread that moves between the lines of one function within a sample period lands on line 9 in one sampler and
 * line 10 in the other; counted line by line, that jitter reads as waiting. So the running count is first matched
 * line by line (min of the two), then whatever a function's lines have left over is given to the same function's
 * lines that still have wall samples not yet called running, in proportion to those. Lines of one function that
 * really differ (a scan on CPU, an UPDATE waiting for the lock) keep their own shares.
 */
export function runningShares(wall: FoldedCounts, running: FoldedCounts): { share: Map<string, number>; running: number; unmatched: number } {
  const wallByLeaf = new Map<string, number>();
  const runByLeaf = new Map<string, number>();
  for (const [stack, n] of wall) wallByLeaf.set(leafOf(stack), (wallByLeaf.get(leafOf(stack)) ?? 0) + n);
  let runningTotal = 0;
  for (const [stack, n] of running) {
    runByLeaf.set(leafOf(stack), (runByLeaf.get(leafOf(stack)) ?? 0) + n);
    runningTotal += n;
  }
  const cpu = new Map<string, number>();
  const leftover = new Map<string, number>();
  for (const leaf of new Set([...wallByLeaf.keys(), ...runByLeaf.keys()])) {
    const t = wallByLeaf.get(leaf) ?? 0;
    const a = runByLeaf.get(leaf) ?? 0;
    if (t > 0) cpu.set(leaf, Math.min(a, t));
    if (a > t) leftover.set(functionOf(leaf), (leftover.get(functionOf(leaf)) ?? 0) + a - t);
  }
  let unmatched = 0;
  for (const [fn, extra] of leftover) {
    const room = [...cpu.keys()].filter((leaf) => functionOf(leaf) === fn).map((leaf) => ({ leaf, room: wallByLeaf.get(leaf)! - cpu.get(leaf)! }));
    const totalRoom = room.reduce((s, r) => s + r.room, 0);
    const given = Math.min(extra, totalRoom);
    for (const r of room) if (totalRoom > 0) cpu.set(r.leaf, cpu.get(r.leaf)! + (given * r.room) / totalRoom);
    unmatched += extra - given;
  }
  const share = new Map<string, number>();
  for (const [leaf, c] of cpu) share.set(leaf, c / wallByLeaf.get(leaf)!);
  return { share, running: runningTotal, unmatched };
}

/**
 * Adds the wall-time stacks to the builder, each split by its leaf line's running share into a CPU part (the stack
 * as is) and a waiting part (the stack with a wait frame on top). Without running counts every sample is CPU.
 */
export function addPySpySplit(builder: ProfileBuilder, wall: FoldedCounts, running: FoldedCounts | undefined, intervalUs: number, prefix: number[] = []): SplitResult {
  const shares = running ? runningShares(wall, running) : undefined;
  let samples = 0;
  for (const [stackText, total] of wall) {
    const frames = stackText.split(';').map(parsePySpyFrame);
    const stack = [...prefix, ...frames.map((f) => builder.frameId(f))];
    const cpu = shares ? Math.round(total * (shares.share.get(leafOf(stackText)) ?? 0)) : total;
    if (cpu > 0) builder.addSample({ stack, weightUs: cpu * intervalUs, count: cpu });
    if (total - cpu > 0) {
      builder.addSample({ stack: [...stack, builder.frameId(blockedFrame(frames))], weightUs: (total - cpu) * intervalUs, count: total - cpu });
    }
    samples += total;
  }
  return { samples, running: shares?.running ?? 0, unmatched: shares?.unmatched ?? 0 };
}

/** Adds py-spy's raw output as it is (no split), each sample weighted by the nominal interval; returns the sample count. */
export function addPySpyFolded(builder: ProfileBuilder, folded: string, intervalUs: number, prefix: number[] = []): number {
  return addPySpySplit(builder, parseFoldedCounts(folded), undefined, intervalUs, prefix).samples;
}
