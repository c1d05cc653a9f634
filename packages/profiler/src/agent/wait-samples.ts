// Writes the waits of one window into its wall-time pprof profile: each wait becomes a sample whose stack is the
// program's own awaiting stack with a `(wait) WHAT` function on top (file and line: the awaiting call), and whose
// values are its time (wall nanoseconds; the sample count at the profiler's period). The waits' wall time overlaps
// the JS that ran while they were in flight, so it is scaled to fit the part of the window the CPU samples leave
// uncovered: running stays CPU, and waits and CPU together never exceed the window. Readers of the recording
// (inputs/pprof.ts) turn the top function into a wait frame.
import { createRequire } from 'node:module';
import type pprof from '@datadog/pprof';
import { WAIT_PREFIX } from '../outputs/frame-label.js';
import type { WaitFrame, WaitTotal } from './waits.js';

type PprofProfile = ReturnType<typeof pprof.time.stop>;
// The CommonJS build of pprof-format, the one @datadog/pprof builds its profiles from: its classes must be the ones
// the profile's encoder knows (the ESM build's StringTable is a different class).
const { Function: PprofFunction, Line, Location, Sample } = createRequire(import.meta.url)('pprof-format') as typeof import('pprof-format');

export function addWaitSamples(profile: PprofProfile, waits: WaitTotal[], intervalUs: number, windowUs: number): void {
  if (waits.length === 0) return;
  const strings = profile.stringTable;
  const units = profile.sampleType.map((t) => ({ type: strings.strings[Number(t.type)], unit: strings.strings[Number(t.unit)] }));
  const wallIndex = units.findIndex((u) => u.type === 'wall');
  const toUs = units[wallIndex]?.unit === 'nanoseconds' ? 1e-3 : 1;
  const coveredUs = wallIndex < 0 ? 0 : profile.sample.reduce((sum, s) => sum + Number(s.value[wallIndex] ?? 0) * toUs, 0);
  const waitedUs = waits.reduce((sum, w) => sum + w.us, 0);
  const scale = waitedUs > 0 ? Math.min(1, Math.max(0, windowUs - coveredUs) / waitedUs) : 0;
  let nextFunction = profile.function.reduce((m, f) => Math.max(m, Number(f.id)), 0) + 1;
  let nextLocation = profile.location.reduce((m, l) => Math.max(m, Number(l.id)), 0) + 1;
  const locations = new Map<string, number>();
  const locationOf = (name: string, frame: Pick<WaitFrame, 'file' | 'line'>): number => {
    const key = `${name}\u0000${frame.file}\u0000${frame.line}`;
    let id = locations.get(key);
    if (id === undefined) {
      const functionId = nextFunction++;
      profile.function.push(new PprofFunction({ id: functionId, name: strings.dedup(name), systemName: strings.dedup(name), filename: strings.dedup(frame.file), startLine: frame.line }));
      id = nextLocation++;
      profile.location.push(new Location({ id, line: [new Line({ functionId, line: frame.line })] }));
      locations.set(key, id);
    }
    return id;
  };
  for (const wait of waits) {
    const w = { ...wait, us: wait.us * scale };
    if (!(w.us > 0)) continue;
    // pprof stacks are leaf first.
    const ids = [locationOf(`${WAIT_PREFIX}${w.what}`, w.site), ...[...w.stack].reverse().map((f) => locationOf(f.name, f))];
    const value = units.map(({ type, unit }) => {
      if (unit === 'count') return Math.max(1, Math.round(w.us / intervalUs));
      if (type === 'wall' && unit === 'nanoseconds') return Math.round(w.us * 1000);
      if (type === 'wall' && unit === 'microseconds') return Math.round(w.us);
      return 0; // cpu time: a wait uses none
    });
    profile.sample.push(new Sample({ locationId: ids, value }));
  }
}
