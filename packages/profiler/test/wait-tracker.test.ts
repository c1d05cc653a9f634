// The wait tracker's accounting on a clock the test drives: every wait's time is exact, the awaiting stacks are
// captured as a wall-clock sampler would hit the waits (every slow one, a share of the short ones), and a kind's
// time is split among its call sites by their captured waits, so a short and a slow wait of one kind from two
// lines each keep their own time.
import { describe, expect, it } from 'vitest';
import { WaitTracker, type WaitTotal } from '../src/agent/waits.js';

const HERE = import.meta.filename;

/** A deterministic [0, 1) sequence (a 32-bit LCG), so which waits are captured is the same on every run. */
function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function harness(opts: { periodUs: number; hideFiles?: string[] }) {
  let nowMs = 0;
  // No CPU budget here: the test's clock does not move while a stack is captured (the budget has a test of its own).
  const tracker = new WaitTracker({ captureBudget: 0, ...opts, clockMs: () => nowMs, random: seeded(7) });
  return {
    tracker,
    /** One wait of `ms`, started from the calling line. */
    wait(what: string, ms: number, startFrom: (fn: () => void) => void) {
      const token = {};
      startFrom(() => tracker.start(token, what));
      nowMs += ms;
      tracker.end(token);
    },
    idle(ms: number) {
      nowMs += ms;
    },
  };
}

function shortQuery(start: () => void): void {
  start();
}

function slowQuery(start: () => void): void {
  start();
}

/** By the query function the wait was started from (the frame below the arrow that starts it). */
const byCaller = (waits: WaitTotal[]) => new Map(waits.map((w) => [w.stack.map((f) => f.name).find((n) => n.endsWith('Query')) ?? '?', w.us]));

describe('WaitTracker', () => {
  it('with every stack captured, gives each call site exactly its waits\' time', () => {
    const h = harness({ periodUs: 0 });
    for (let i = 0; i < 50; i++) {
      h.wait('mongodb find crawl.frontier', 1, shortQuery);
      h.wait('mongodb find crawl.frontier', 3, slowQuery);
      h.idle(1);
    }
    const waits = h.tracker.takeWindow();
    expect(h.tracker.captures).toBe(100);
    expect(byCaller(waits)).toEqual(new Map([['shortQuery', 50_000], ['slowQuery', 150_000]]));
    expect(waits.every((w) => w.site.file === HERE && w.what === 'mongodb find crawl.frontier')).toBe(true);
  });

  it('captures a share of the short waits and every slow one, and keeps the kind\'s time exact and split by site', () => {
    const h = harness({ periodUs: 10_000 });
    for (let i = 0; i < 2000; i++) {
      h.wait('http GET 127.0.0.1', 0.5, shortQuery);
      h.wait('http GET 127.0.0.1', 2, slowQuery);
      h.wait('timer setTimeout', 30, slowQuery);
    }
    const waits = h.tracker.takeWindow();
    // The timer waits last longer than the period: each one captured. The GETs (1.25 ms on average): about 1 in 8.
    const captured = h.tracker.captures - 2000;
    expect(captured).toBeGreaterThan(300);
    expect(captured).toBeLessThan(700);
    const http = waits.filter((w) => w.what === 'http GET 127.0.0.1');
    expect(http.reduce((a, w) => a + w.us, 0)).toBeCloseTo(2000 * 2500, -1);
    const split = byCaller(http);
    // Exact: 1 000 000 µs and 4 000 000 µs; with ~500 captures the split is within a few percent.
    expect(split.get('shortQuery')! / 1_000_000).toBeGreaterThan(0.85);
    expect(split.get('shortQuery')! / 1_000_000).toBeLessThan(1.15);
    expect(split.get('slowQuery')! / 4_000_000).toBeGreaterThan(0.96);
    expect(split.get('slowQuery')! / 4_000_000).toBeLessThan(1.04);
    expect(byCaller(waits.filter((w) => w.what === 'timer setTimeout'))).toEqual(new Map([['slowQuery', 60_000_000]]));
  });

  it('shares time between waits in flight together, and a window with no capture of a kind keeps its last split', () => {
    let nowMs = 0;
    const tracker = new WaitTracker({ periodUs: 10_000, captureBudget: 0, clockMs: () => nowMs, random: () => 0.999 });
    const a = {};
    const b = {};
    slowQuery(() => tracker.start(a, 'undici GET sim-1.test'));
    shortQuery(() => tracker.start(b, 'undici GET sim-1.test'));
    nowMs += 0.2;
    tracker.end(a);
    tracker.end(b);
    const first = byCaller(tracker.takeWindow());
    expect(first.get('slowQuery')).toBeCloseTo(100, 6);
    expect(first.get('shortQuery')).toBeCloseTo(100, 6);
    // Next window: one short wait, not captured (its expected share is under the period and the draw says no).
    const c = {};
    slowQuery(() => tracker.start(c, 'undici GET sim-1.test'));
    nowMs += 0.1;
    tracker.end(c);
    expect(tracker.captures).toBe(2);
    const kept = byCaller(tracker.takeWindow());
    expect([...kept.keys()].sort()).toEqual(['shortQuery', 'slowQuery']);
    expect(kept.get('slowQuery')).toBeCloseTo(50, 6);
    expect(kept.get('shortQuery')).toBeCloseTo(50, 6);
  });

  it('stretches the period while the captures cost more than their share of the CPU, and relaxes it after', () => {
    let nowMs = 0;
    let cpuUs = 0;
    // Every clock read moves 0.1 ms on, so a capture (two reads) takes time; the process's CPU is the test's to set.
    const tracker = new WaitTracker({ periodUs: 10_000, captureBudget: 0.01, clockMs: () => (nowMs += 0.1), cpuUs: () => cpuUs, random: seeded(3) });
    const waitOf = (ms: number) => {
      const token = {};
      slowQuery(() => tracker.start(token, 'http GET 127.0.0.1'));
      nowMs += ms;
      tracker.end(token);
    };
    for (let i = 0; i < 600; i++) waitOf(5); // 3 s of waits, the process using no CPU: any capture is over budget
    expect(tracker.periodStretch).toBe(64);
    const before = tracker.captures;
    for (let i = 0; i < 200; i++) waitOf(5);
    expect(tracker.captures - before).toBeLessThan(20); // p = 5 ms / 640 ms: about 1.6 of 200
    const total = tracker.takeWindow().reduce((a, w) => a + w.us, 0);
    expect(total).toBeGreaterThan(0); // the kind's time is still all there
    for (let i = 0; i < 1500; i++) {
      cpuUs += 100_000; // now plenty of CPU to spend: back down, half a step a second at most
      waitOf(5);
    }
    expect(tracker.periodStretch).toBe(1);
  });

  it('leaves out waits none of the program\'s own code started', () => {
    const h = harness({ periodUs: 0, hideFiles: [HERE] });
    h.wait('mongodb hello admin', 5, slowQuery);
    expect(h.tracker.takeWindow()).toEqual([]);
  });
});
