// The "Store time" log line: one per process and window, the store calls that ended in it per method, slowest
// total first. The message carries every figure (the Python format keeps only the message); the JSON form has them
// as fields too. Read back by `bench diagnose` (bench/src/diagnose/store-time.ts); keep the two in step.
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
