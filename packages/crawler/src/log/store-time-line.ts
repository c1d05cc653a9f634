// The "Store time" log line: one per process and window, the store calls that ended in it per method, slowest
// total first. The message carries every figure (the Python format keeps only the message); the JSON form has them
// as fields too. Written and read back (parseStoreTimeMessage, which `bench diagnose` uses) in this one file.
//
// `Store time: 5.0 s window, leaseUrls 12 calls 1403.2 ms (max 310.4 ms), addUrls 4 calls 20.0 ms (max 8.1 ms).`
// A method whose calls threw says so inside the brackets: `(max 310.4 ms, 2 failed)`.
import type { MethodTime, StoreTimeSnapshot } from '../store/timed-store.js';

/** The structured fields of the line in the JSON log: `{ storeTime: { windowMs, methods: { name: MethodTime } } }`. */
export interface StoreTimeFields {
  storeTime: {
    windowMs: number;
    methods: Record<string, MethodTime>;
  };
}

const oneDecimal = (ms: number) => Math.round(ms * 10) / 10;

/** Methods of a window, slowest total first (the line reads from the call that cost most). */
function byTotal(methods: Record<string, MethodTime>): Array<[string, MethodTime]> {
  return Object.entries(methods).sort((a, b) => b[1].totalMs - a[1].totalMs);
}

export function storeTimeFields(s: StoreTimeSnapshot): StoreTimeFields {
  const methods: Record<string, MethodTime> = {};
  for (const [name, m] of byTotal(s.methods)) {
    methods[name] = { calls: m.calls, totalMs: oneDecimal(m.totalMs), maxMs: oneDecimal(m.maxMs), failed: m.failed };
  }
  return { storeTime: { windowMs: Math.round(s.toMs - s.fromMs), methods } };
}

export function storeTimeMessage(s: StoreTimeSnapshot): string {
  const parts = byTotal(s.methods).map(([name, m]) => {
    const failed = m.failed > 0 ? `, ${m.failed} failed` : '';
    return `${name} ${m.calls} calls ${oneDecimal(m.totalMs).toFixed(1)} ms (max ${oneDecimal(m.maxMs).toFixed(1)} ms${failed})`;
  });
  return `Store time: ${((s.toMs - s.fromMs) / 1000).toFixed(1)} s window, ${parts.join(', ')}.`;
}

const HEAD = /^Store time: (\d+(?:\.\d+)?) s window, /;
const METHOD = /(\w+) (\d+) calls (\d+(?:\.\d+)?) ms \(max (\d+(?:\.\d+)?) ms(?:, (\d+) failed)?\)/g;

/** The window (ms) and methods of a line's message from `Store time: ` on; undefined when it is not one. */
export function parseStoreTimeMessage(text: string): { windowMs: number; methods: Record<string, MethodTime> } | undefined {
  const head = HEAD.exec(text);
  if (!head) return undefined;
  const methods: Record<string, MethodTime> = {};
  for (const m of text.slice(head[0].length).matchAll(METHOD)) {
    methods[m[1]!] = { calls: Number(m[2]), totalMs: Number(m[3]), maxMs: Number(m[4]), failed: m[5] ? Number(m[5]) : 0 };
  }
  if (Object.keys(methods).length === 0) return undefined;
  return { windowMs: Math.round(Number(head[1]) * 1000), methods };
}
