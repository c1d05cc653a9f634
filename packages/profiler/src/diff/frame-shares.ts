// Per-frame time of one profile, as shares of all its time: self (the frame is the leaf) and total (the frame is
// anywhere on the stack, counted once per sample even under recursion). Normalising by the profile's total is
// what makes a 10-minute range comparable with a 1-minute one.
import type { Frame, Profile } from '../model.js';
import { diffFrameKey, diffFrameLabel } from './frame-key.js';

export interface FrameTime {
  key: string;
  label: string;
  kind: Frame['kind'];
  selfUs: number;
  totalUs: number;
}

export interface FrameTimes {
  totalUs: number;
  frames: Map<string, FrameTime>;
}

export function frameTimes(profile: Profile): FrameTimes {
  const keys = profile.frames.map(diffFrameKey);
  const frames = new Map<string, FrameTime>();
  const entry = (i: number): FrameTime => {
    const key = keys[i];
    let t = frames.get(key);
    if (!t) {
      t = { key, label: diffFrameLabel(profile.frames[i]), kind: profile.frames[i].kind, selfUs: 0, totalUs: 0 };
      frames.set(key, t);
    }
    return t;
  };
  let totalUs = 0;
  const seen = new Set<string>();
  for (const s of profile.samples) {
    if (s.stack.length === 0 || !(s.weightUs > 0)) continue;
    totalUs += s.weightUs;
    seen.clear();
    for (const i of s.stack) {
      if (seen.has(keys[i])) continue;
      seen.add(keys[i]);
      entry(i).totalUs += s.weightUs;
    }
    entry(s.stack[s.stack.length - 1]).selfUs += s.weightUs;
  }
  return { totalUs, frames };
}
