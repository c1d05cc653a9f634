// The merged call tree of two profiles for the differential flame graph: each node's time before and after as
// shares of its own profile's total, so a node is red when its share grew and blue when it shrank.
import type { Profile } from '../model.js';
import { diffFrameKey, diffFrameLabel } from './frame-key.js';

export interface DiffNode {
  label: string;
  kind: string;
  /** Shares (0..1) of each profile's total time: on this stack path, and with this node as leaf. */
  before: number;
  after: number;
  beforeSelf: number;
  afterSelf: number;
  children: DiffNode[];
}

interface MutableNode extends DiffNode {
  byKey: Map<string, MutableNode>;
}

const newNode = (label: string, kind: string): MutableNode => ({
  label,
  kind,
  before: 0,
  after: 0,
  beforeSelf: 0,
  afterSelf: 0,
  children: [],
  byKey: new Map(),
});

export function buildDiffTree(before: Profile, after: Profile): DiffNode {
  const root = newNode('all', 'root');
  // A recording has a root frame per process, a .cpuprofile or folded file usually none: compared with each other,
  // the process roots would put every stack of one side on a path the other side lacks.
  const dropProcessRoots = hasProcessRoots(before) !== hasProcessRoots(after);
  add(root, before, 'before', dropProcessRoots);
  add(root, after, 'after', dropProcessRoots);
  return finish(root);
}

function hasProcessRoots(profile: Profile): boolean {
  return profile.samples.some((s) => s.stack.length > 0 && profile.frames[s.stack[0]].kind === 'process');
}

function add(root: MutableNode, profile: Profile, side: 'before' | 'after', dropProcessRoots: boolean): void {
  const keys = profile.frames.map(diffFrameKey);
  const labels = profile.frames.map(diffFrameLabel);
  const total = profile.samples.reduce((sum, s) => sum + (s.weightUs > 0 ? s.weightUs : 0), 0);
  if (total <= 0) return;
  const selfSide = side === 'before' ? 'beforeSelf' : 'afterSelf';
  for (const s of profile.samples) {
    if (!(s.weightUs > 0)) continue;
    const share = s.weightUs / total;
    let node = root;
    node[side] += share;
    for (const i of s.stack) {
      if (dropProcessRoots && profile.frames[i].kind === 'process') continue;
      let child = node.byKey.get(keys[i]);
      if (!child) {
        child = newNode(labels[i], profile.frames[i].kind);
        node.byKey.set(keys[i], child);
        node.children.push(child);
      }
      child[side] += share;
      node = child;
    }
    node[selfSide] += share;
  }
}

function finish(node: MutableNode): DiffNode {
  const children = node.children
    .map((c) => finish(c as MutableNode))
    .sort((a, b) => b.after - a.after || b.before - a.before);
  return { label: node.label, kind: node.kind, before: node.before, after: node.after, beforeSelf: node.beforeSelf, afterSelf: node.afterSelf, children };
}
