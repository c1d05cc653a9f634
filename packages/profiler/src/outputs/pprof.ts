// pprof (profile.proto), gzipped as `go tool pprof` and most viewers expect, encoded with pprof-format (the
// encoder @datadog/pprof uses). Two values per sample: the raw sample count and time in nanoseconds; a `state`
// label says whether the sample was waiting (its leaf is a wait frame) or running.
import { gzipSync } from 'node:zlib';
import { Function as PprofFunction, Label, Location, Profile as PprofProfile, Sample as PprofSample, StringTable, ValueType } from 'pprof-format';
import type { Profile } from '../model.js';
import { frameName } from './frame-label.js';

export interface PprofOptions {
  /** Gzip the encoded protobuf. Default true. */
  gzip?: boolean;
}

export function toPprof(profile: Profile, opts: PprofOptions = {}): Uint8Array {
  const strings = new StringTable();
  // Wait frames keep their prefix in the name, so readers (ours, pprof's UI) tell waiting from running.
  const names = profile.frames.map(frameName);
  const functions = profile.frames.map(
    (f, i) =>
      new PprofFunction({
        id: i + 1,
        name: strings.dedup(names[i]),
        systemName: strings.dedup(names[i]),
        filename: strings.dedup(f.file ?? ''),
        startLine: f.line ?? 0,
      }),
  );
  const locations = profile.frames.map((f, i) => new Location({ id: i + 1, line: [{ functionId: i + 1, line: f.line ?? 0 }] }));
  const merged = new Map<string, { stack: number[]; count: number; ns: number }>();
  for (const s of profile.samples) {
    if (s.stack.length === 0) continue;
    const key = s.stack.join(',');
    const entry = merged.get(key) ?? { stack: s.stack, count: 0, ns: 0 };
    entry.count += s.count ?? 1;
    entry.ns += Math.round(s.weightUs * 1000);
    merged.set(key, entry);
  }
  // A `state` label on every sample, so pprof's tools can split the profile: `-tagfocus=state=waiting`.
  const stateKey = strings.dedup('state');
  const state = { waiting: strings.dedup('waiting'), running: strings.dedup('running') };
  const samples = [...merged.values()].map(
    // pprof stacks are leaf first.
    (e) =>
      new PprofSample({
        locationId: [...e.stack].reverse().map((i) => i + 1),
        value: [e.count, e.ns],
        label: [new Label({ key: stateKey, str: profile.frames[e.stack[e.stack.length - 1]].kind === 'wait' ? state.waiting : state.running })],
      }),
  );
  const cpu = new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') });
  const pprof = new PprofProfile({
    sampleType: [new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') }), cpu],
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: BigInt(Math.round(profile.startTimeMs)) * 1_000_000n,
    durationNanos: BigInt(Math.round(profile.durationMs)) * 1_000_000n,
    periodType: new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') }),
    period: profile.intervalUs * 1000,
  });
  const bytes = pprof.encode();
  return opts.gzip === false ? bytes : gzipSync(bytes);
}
