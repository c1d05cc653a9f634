// The V8 `.cpuprofile` format (Chrome DevTools, VS Code, speedscope open it): a node tree, samples in time
// order and the time deltas between them, rebuilt from the model so that re-reading it gives the same weights.
import type { Profile, Sample } from '../model.js';
import { frameName } from './frame-label.js';
import type { V8CpuProfile, V8ProfileNode } from '../v8-cpuprofile.js';

function urlOf(file: string | undefined): string {
  if (!file) return '';
  return file.startsWith('/') ? `file://${encodeURI(file)}` : file;
}

export function toCpuProfile(profile: Profile): V8CpuProfile {
  const nodes: V8ProfileNode[] = [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [] }];
  const childIndex = new Map<string, number>();
  const nodeFor = (stack: number[]): number => {
    let id = 1;
    for (const f of stack) {
      const key = `${id}:${f}`;
      let child = childIndex.get(key);
      if (child === undefined) {
        const frame = profile.frames[f];
        child = nodes.length + 1;
        nodes.push({
          id: child,
          callFrame: {
            functionName: frameName(frame),
            scriptId: '0',
            url: urlOf(frame.file),
            lineNumber: frame.line !== undefined ? frame.line - 1 : -1,
            columnNumber: frame.column !== undefined ? frame.column - 1 : -1,
          },
          hitCount: 0,
          children: [],
        });
        nodes[id - 1].children!.push(child);
        childIndex.set(key, child);
      }
      id = child;
    }
    return id;
  };
  let ordered: Sample[] = profile.samples.filter((s) => s.stack.length > 0);
  if (ordered.every((s) => s.timestampUs !== undefined)) ordered = [...ordered].sort((a, b) => a.timestampUs! - b.timestampUs!);
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let previousWeight = 0;
  for (const s of ordered) {
    // A folded-style entry standing for several samples becomes that many samples sharing its weight.
    const n = Math.max(1, s.count ?? 1);
    const id = nodeFor(s.stack);
    for (let k = 0; k < n; k++) {
      samples.push(id);
      timeDeltas.push(Math.round(previousWeight));
      previousWeight = s.weightUs / n;
      nodes[id - 1].hitCount! += 1;
    }
  }
  const startTime = ordered[0]?.timestampUs !== undefined ? Math.round(ordered[0].timestampUs!) : Math.round(profile.startTimeMs * 1000);
  const endTime = startTime + timeDeltas.reduce((a, b) => a + b, 0) + Math.round(previousWeight);
  return { nodes, startTime, endTime, samples, timeDeltas };
}
