// speedscope's JSON file format (sampled profiles): one profile per process or thread root, shared frames,
// samples in time order with their real weights in microseconds.
import type { Profile, Sample } from '../model.js';
import { frameName } from './frame-label.js';

interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
  col?: number;
}

interface SpeedscopeSampledProfile {
  type: 'sampled';
  name: string;
  unit: 'microseconds';
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}

export interface SpeedscopeFile {
  $schema: string;
  shared: { frames: SpeedscopeFrame[] };
  profiles: SpeedscopeSampledProfile[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

function byTime(samples: Sample[]): Sample[] {
  if (!samples.every((s) => s.timestampUs !== undefined)) return samples;
  return [...samples].sort((a, b) => a.timestampUs! - b.timestampUs!);
}

export function toSpeedscope(profile: Profile, name = 'crawl-diag flame'): SpeedscopeFile {
  // speedscope picks colours itself; the `(wait)` prefix is what sets waiting apart there.
  const frames: SpeedscopeFrame[] = profile.frames.map((f) => ({
    name: frameName(f),
    ...(f.file ? { file: f.file } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.column !== undefined ? { col: f.column } : {}),
  }));
  // Split on process roots, then thread roots: speedscope shows one timeline per profile.
  const groups = new Map<string, { name: string; samples: Sample[] }>();
  for (const s of profile.samples) {
    if (s.stack.length === 0) continue;
    let depth = 0;
    while (depth < s.stack.length - 1 && ['process', 'thread'].includes(profile.frames[s.stack[depth]].kind)) depth++;
    const key = s.stack.slice(0, depth).join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name: s.stack.slice(0, depth).map((i) => profile.frames[i].name).join(' / ') || name, samples: [] }));
    g.samples.push({ ...s, stack: s.stack.slice(depth) });
  }
  const profiles: SpeedscopeSampledProfile[] = [...groups.values()].map((g) => {
    const ordered = byTime(g.samples);
    const weights = ordered.map((s) => Math.round(s.weightUs));
    return {
      type: 'sampled',
      name: g.name,
      unit: 'microseconds',
      startValue: 0,
      endValue: weights.reduce((a, b) => a + b, 0),
      samples: ordered.map((s) => s.stack),
      weights,
    };
  });
  return {
    // The format's published schema id; a name, not something fetched.
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles,
    name,
    activeProfileIndex: 0,
    exporter: 'crawl-diag',
  };
}
