// Compares two profiles (early and late in a run): per frame, the share of time before and after, and the change.
import type { Profile } from '../model.js';
import { frameTimes } from '../frame-times.js';
import { buildDiffTree, type DiffNode } from './diff-tree.js';

export interface Shares {
  /** Share of the profile's time with the frame as leaf, 0..1. */
  self: number;
  /** Share of the profile's time with the frame anywhere on the stack, 0..1. */
  total: number;
  /** Share of the profile's time the frame spent waiting itself (a wait frame, or a line right under one), 0..1. */
  wait: number;
}

export interface FrameDelta {
  label: string;
  kind: string;
  before: Shares;
  after: Shares;
  /** after.self − before.self: positive when the frame itself takes a larger share. */
  selfDelta: number;
  /** after.total − before.total. */
  totalDelta: number;
}

export interface ProfileDiff {
  before: { totalUs: number; waitUs: number; samples: number; name: string };
  after: { totalUs: number; waitUs: number; samples: number; name: string };
  /** Every frame in either profile, most grown self share first (ties: most grown total share). */
  frames: FrameDelta[];
  /** The merged call tree: widths from AFTER, colours from the change in share. */
  tree: DiffNode;
}

export function diffProfiles(before: Profile, after: Profile, names: { before: string; after: string }): ProfileDiff {
  const b = frameTimes(before);
  const a = frameTimes(after);
  const share = (us: number, total: number): number => (total > 0 ? us / total : 0);
  const keys = new Set([...b.frames.keys(), ...a.frames.keys()]);
  const frames: FrameDelta[] = [];
  for (const key of keys) {
    const fb = b.frames.get(key);
    const fa = a.frames.get(key);
    const any = (fa ?? fb)!;
    const beforeShares = { self: share(fb?.selfUs ?? 0, b.totalUs), total: share(fb?.totalUs ?? 0, b.totalUs), wait: share(fb?.selfWaitUs ?? 0, b.totalUs) };
    const afterShares = { self: share(fa?.selfUs ?? 0, a.totalUs), total: share(fa?.totalUs ?? 0, a.totalUs), wait: share(fa?.selfWaitUs ?? 0, a.totalUs) };
    frames.push({
      label: any.label,
      kind: any.kind,
      before: beforeShares,
      after: afterShares,
      selfDelta: afterShares.self - beforeShares.self,
      totalDelta: afterShares.total - beforeShares.total,
    });
  }
  frames.sort((x, y) => y.selfDelta - x.selfDelta || y.totalDelta - x.totalDelta || x.label.localeCompare(y.label));
  return {
    before: { totalUs: b.totalUs, waitUs: b.waitUs, samples: before.samples.length, name: names.before },
    after: { totalUs: a.totalUs, waitUs: a.waitUs, samples: after.samples.length, name: names.after },
    frames,
    tree: buildDiffTree(before, after),
  };
}

/**
 * The frames whose share grew most (by self share, then total), at most `top`; only frames that did grow.
 * `(idle)` is left out of the ranking and reported on its own (`idleShares`): it is not code, and on a busy machine
 * it also holds the time a process waited for a CPU, which would otherwise crowd out what the code did.
 */
export function topGrown(diff: ProfileDiff, top: number): FrameDelta[] {
  return diff.frames.filter((f) => f.kind !== 'idle' && (f.selfDelta > 0 || (f.selfDelta === 0 && f.totalDelta > 0))).slice(0, top);
}

/** The frames whose share shrank most, at most `top`; `(idle)` left out as in topGrown. */
export function topShrunk(diff: ProfileDiff, top: number): FrameDelta[] {
  return diff.frames.filter((f) => f.kind !== 'idle' && f.selfDelta < 0).sort((x, y) => x.selfDelta - y.selfDelta).slice(0, top);
}

/** The share of `(idle)` before and after (0 when a side has none). */
export function idleShares(diff: ProfileDiff): { before: number; after: number } {
  const idle = diff.frames.find((f) => f.kind === 'idle');
  return { before: idle?.before.self ?? 0, after: idle?.after.self ?? 0 };
}
