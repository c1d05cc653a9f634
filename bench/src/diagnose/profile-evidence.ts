// Reads a crawl's continuous-profiling recording (the agent's window files) and compares an early and a late part
// of the run per process kind: which frames grew most (the profiler's diff), and how idle each kind was.
import {
  diffProfiles,
  frameLabel,
  listRecording,
  loadRecordingRange,
  summarizeProfile,
  topGrown,
  type FrameDelta,
  type Profile,
} from '@crawl-diag/profiler';

/** A grown frame, with the named function it ran inside (anonymous callbacks say little on their own). */
export interface GrownFrame extends FrameDelta {
  /** The nearest named JS function below it on the stack, weighted by time, late in the run; absent when none. */
  within?: string;
}

export interface KindEvidence {
  kind: string;
  /** Frames whose self share grew most from early to late (at most `top`). */
  grown: GrownFrame[];
  /** The frames with the largest total share early and late (what held the time). */
  earlyTop: Array<{ label: string; totalShare: number; selfShare: number }>;
  lateTop: Array<{ label: string; totalShare: number; selfShare: number }>;
  idleEarly: number;
  idleLate: number;
  samplesEarly: number;
  samplesLate: number;
  /** Per watched pattern: share of time with a matching frame anywhere on the stack, early and late. */
  watched: Record<string, { early: number; late: number }>;
}

export interface ProfileEvidence {
  early: { from: string; to: string };
  late: { from: string; to: string };
  kinds: KindEvidence[];
}

export interface ProfileEvidenceOptions {
  /** Start and end of the measured part of the run (after warm-up, before shutdown), ms since the epoch. */
  fromMs: number;
  toMs: number;
  /** Share of the measured part compared at each end. Default 1/3. */
  part?: number;
  /** Frames listed per kind. Default 5. */
  top?: number;
  /** Named frame patterns whose share is measured in every kind (e.g. `robots: /robots/i`). */
  watch?: Record<string, RegExp>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function profileEvidence(dir: string, o: ProfileEvidenceOptions): Promise<ProfileEvidence> {
  const recording = await listRecording(dir);
  const part = o.part ?? 1 / 3;
  const span = o.toMs - o.fromMs;
  // Windows are selected by their start time: widen each range by nothing, but make sure it holds one window.
  const windowMs = recording.windowMs ?? 5000;
  const early = { from: o.fromMs, to: Math.max(o.fromMs + span * part, o.fromMs + windowMs) };
  const late = { from: Math.min(o.toMs - span * part, o.toMs - windowMs), to: o.toMs };
  const kinds = [...new Set(recording.windows.map((w) => w.kind))].sort();
  const out: KindEvidence[] = [];
  for (const kind of kinds) {
    const load = (r: { from: number; to: number }) => loadRecordingRange(`${dir}@${iso(r.from)}..${iso(r.to)}`, { process: kind }).catch(() => null);
    const [before, after] = [await load(early), await load(late)];
    if (!before || !after) continue; // this kind has no window in one of the ranges (e.g. a short-lived process)
    const diff = diffProfiles(before, after, { before: 'early', after: 'late' });
    const sBefore = summarizeProfile(before, { top: 5 });
    const sAfter = summarizeProfile(after, { top: 5 });
    const top = (s: typeof sBefore) => s.topTotal.map((f) => ({ label: f.label, totalShare: f.totalShare, selfShare: f.selfShare }));
    out.push({
      kind,
      // Idle is not a cause: it is read separately as the idle share.
      grown: topGrown(diff, (o.top ?? 5) + 1)
        .filter((f) => f.kind !== 'idle')
        .slice(0, o.top ?? 5)
        .map((f) => ({ ...f, within: enclosingFunction(after, f.label) })),
      earlyTop: top(sBefore),
      lateTop: top(sAfter),
      idleEarly: sBefore.idleShare,
      idleLate: sAfter.idleShare,
      samplesEarly: sBefore.samples,
      samplesLate: sAfter.samples,
      watched: Object.fromEntries(
        Object.entries(o.watch ?? {}).map(([name, re]) => [name, { early: shareOnStack(before, re), late: shareOnStack(after, re) }]),
      ),
    });
  }
  return { early: { from: iso(early.from), to: iso(early.to) }, late: { from: iso(late.from), to: iso(late.to) }, kinds: out };
}

/** Share of the profile's time with a frame matching `re` anywhere on the stack. */
export function shareOnStack(profile: Profile, re: RegExp): number {
  const matches = profile.frames.map((f) => (f.kind === 'process' || f.kind === 'thread' ? false : re.test(frameLabel(f))));
  let hit = 0;
  let total = 0;
  for (const s of profile.samples) {
    if (s.stack.length === 0) continue;
    total += s.weightUs;
    if (s.stack.some((i) => matches[i])) hit += s.weightUs;
  }
  return total > 0 ? hit / total : 0;
}

/**
 * The named functions of the program (not libraries, not Node internals) that most of `label`'s time ran inside:
 * the nearest three below it on the stack, innermost first (`write ← leaseUrls ← pump`).
 */
export function enclosingFunction(profile: Profile, label: string): string | undefined {
  const labels = profile.frames.map(frameLabel);
  const ownCode = profile.frames.map(
    (f) => f.kind === 'js' && f.name !== '(anonymous)' && f.name !== '' && !!f.file && !f.file.includes('node_modules') && !f.file.startsWith('node:'),
  );
  const weight = new Map<string, number>();
  for (const s of profile.samples) {
    const i = s.stack.findLastIndex((x) => labels[x] === label);
    if (i < 0) continue;
    const chain: string[] = [];
    for (let j = i - 1; j >= 0 && chain.length < 3; j--) if (ownCode[s.stack[j]]) chain.push(profile.frames[s.stack[j]].name);
    if (chain.length === 0) continue;
    const key = chain.join(' ← ');
    weight.set(key, (weight.get(key) ?? 0) + s.weightUs);
  }
  let best: string | undefined;
  let bestWeight = 0;
  for (const [name, w] of weight) if (w > bestWeight) [best, bestWeight] = [name, w];
  return best;
}
