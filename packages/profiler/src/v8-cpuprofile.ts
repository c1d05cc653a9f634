// The V8 CPU profile format (`Profiler.stop` result, `.cpuprofile` files) and its conversion into the model.
// Samples are weighted by their real time deltas: a sample stands for the time until the next one.
import type { Frame } from './model.js';
import type { ProfileBuilder } from './profile-builder.js';
import { WAIT_PREFIX, waitFrame } from './outputs/frame-label.js';

export interface V8CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based. */
  lineNumber: number;
  /** 0-based. */
  columnNumber: number;
}

export interface V8ProfileNode {
  id: number;
  callFrame: V8CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface V8CpuProfile {
  nodes: V8ProfileNode[];
  /** Monotonic clock, microseconds. */
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const PSEUDO_FRAMES: Record<string, Frame['kind']> = {
  '(idle)': 'idle',
  '(garbage collector)': 'gc',
  '(program)': 'program',
};

/** A readable file name: `file:///srv/app.js` becomes `/srv/app.js`; other URLs (node:internal…) stay. */
export function displayFile(url: string): string {
  if (url.startsWith('file://')) {
    try {
      return decodeURIComponent(new URL(url).pathname);
    } catch {
      return url;
    }
  }
  return url;
}

export function frameFromCallFrame(cf: V8CallFrame): Frame | undefined {
  if (cf.functionName === '(root)') return undefined;
  const pseudo = PSEUDO_FRAMES[cf.functionName];
  if (pseudo) return { name: cf.functionName, kind: pseudo };
  const name = cf.functionName || '(anonymous)';
  if (name.startsWith(WAIT_PREFIX)) {
    return waitFrame(name.slice(WAIT_PREFIX.length), cf.url ? { file: displayFile(cf.url), line: cf.lineNumber + 1 } : {});
  }
  if (!cf.url) return { name, kind: 'native' };
  return { name, kind: 'js', file: displayFile(cf.url), line: cf.lineNumber + 1, column: cf.columnNumber + 1 };
}

export interface AddCpuProfileOptions {
  /** Frame indices (of the builder) put above every stack: process and thread roots. Default none. */
  prefix?: number[];
  /** Added to V8's monotonic timestamps to get Unix-epoch microseconds. Default 0 (timestamps left relative). */
  epochOffsetUs?: number;
}

/** Adds every sample of a V8 CPU profile to the builder; returns how many samples were added. */
export function addCpuProfile(builder: ProfileBuilder, profile: V8CpuProfile, opts: AddCpuProfileOptions = {}): number {
  const prefix = opts.prefix ?? [];
  const byId = new Map<number, V8ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const stacks = new Map<number, number[]>();
  const stackOf = (id: number): number[] => {
    const cached = stacks.get(id);
    if (cached) return cached;
    const node = byId.get(id);
    const up = parent.get(id);
    const base = up === undefined ? prefix : stackOf(up);
    const frame = node ? frameFromCallFrame(node.callFrame) : undefined;
    const stack = frame ? [...base, builder.frameId(frame)] : base;
    stacks.set(id, stack);
    return stack;
  };

  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const times: number[] = new Array(samples.length);
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    times[i] = t;
  }
  const offset = opts.epochOffsetUs ?? 0;
  let added = 0;
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < samples.length ? times[i + 1] : Math.max(profile.endTime, times[i]);
    // V8 can report slightly out-of-order ticks; a negative span stands for no time.
    const weightUs = Math.max(0, next - times[i]);
    const stack = stackOf(samples[i]);
    if (stack.length === prefix.length) continue; // only (root): nothing to attribute
    builder.addSample({ stack, weightUs, timestampUs: times[i] + offset, count: 1 });
    added++;
  }
  return added;
}
