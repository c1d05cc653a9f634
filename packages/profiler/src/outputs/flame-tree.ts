// The call tree a flame graph draws: stacks merged by frame label from the root down, each node with its total
// and self time. Shared by the HTML and SVG flame graphs.
import type { FrameKind, Profile } from '../model.js';
import { frameLabel } from './frame-label.js';

export interface FlameNode {
  label: string;
  kind: FrameKind | 'root';
  /** Microseconds with this node on the stack. */
  totalUs: number;
  /** Microseconds with this node on top of the stack. */
  selfUs: number;
  /** Raw sample count under this node. */
  samples: number;
  children: FlameNode[];
}

export function buildFlameTree(profile: Profile, rootLabel = 'all'): FlameNode {
  const root: FlameNode = { label: rootLabel, kind: 'root', totalUs: 0, selfUs: 0, samples: 0, children: [] };
  const labels = profile.frames.map(frameLabel);
  const childMaps = new Map<FlameNode, Map<string, FlameNode>>();
  for (const s of profile.samples) {
    if (s.stack.length === 0) continue;
    const n = s.count ?? 1;
    let node = root;
    node.totalUs += s.weightUs;
    node.samples += n;
    for (const i of s.stack) {
      let map = childMaps.get(node);
      if (!map) childMaps.set(node, (map = new Map()));
      const key = labels[i];
      let child = map.get(key);
      if (!child) {
        child = { label: key, kind: profile.frames[i].kind, totalUs: 0, selfUs: 0, samples: 0, children: [] };
        map.set(key, child);
        node.children.push(child);
      }
      child.totalUs += s.weightUs;
      child.samples += n;
      node = child;
    }
    node.selfUs += s.weightUs;
  }
  // Alphabetical order, as flamegraph.pl: the same stacks always sit in the same place.
  const sort = (node: FlameNode): void => {
    node.children.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    node.children.forEach(sort);
  };
  sort(root);
  return root;
}

/** Warm colours for JS frames (hashed from the name so a function keeps its colour), fixed ones for the rest. */
export function frameColor(label: string, kind: FlameNode['kind']): string {
  switch (kind) {
    case 'idle':
      return '#d8d8d8';
    case 'wait':
      // Blue-green, away from the warm CPU colours: time blocked in a call reads apart from time running.
      return '#4fa3a5';
    case 'gc':
      return '#e06666';
    case 'program':
      return '#b4a7d6';
    case 'native':
      return '#c9c08f';
    case 'process':
    case 'thread':
    case 'root':
      return '#9fc5e8';
    default: {
      let h = 0;
      const name = label.replace(/ \(.*$/, '');
      for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
      const r = 205 + (h % 50);
      const g = 80 + ((h >>> 8) % 130);
      const b = 40 + ((h >>> 16) % 50);
      return `rgb(${r},${g},${b})`;
    }
  }
}
