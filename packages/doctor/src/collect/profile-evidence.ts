// Profile evidence per process kind (dispatcher, supervisor, worker, a Python crawler's script): idle share early
// and late, the frames whose share grew most, the share of watched frames (the crawler profile's frontier query,
// dedup check, robots.txt) on the stack, and the share of wall time in database client calls with the program's
// lines that make them. Sources: the continuous-profiling agent's recordings (`--profiles DIR`), a directory of
// profile files taken early and late, or two live profiles per process at the start and the end of the window.
// The bench reads recordings through this module too.
import {
  diffProfiles,
  frameLabel,
  listRecording,
  loadRecordingRange,
  loopStalls,
  mergeProfiles,
  summarizeProfile,
  topGrown,
  type FrameDelta,
  type Profile,
} from '@crawl-diag/profiler';
import { CRAWLER_PROFILES, type CrawlerProfile } from '../crawlers/profiles.js';
import { storeShare, type StoreShare } from './store-share.js';

/** Our crawler's watched frames (the bench's checks read them by these names). */
export const WATCH = CRAWLER_PROFILES['crawl-diag'].frames as Record<'frontier' | 'dedup' | 'robots', RegExp>;

export interface GrownFrame extends FrameDelta {
  /** The named program functions it ran inside, innermost first (`write ← leaseUrls ← pump`). */
  within?: string;
}

export interface KindEvidence {
  kind: string;
  grown: GrownFrame[];
  idleEarly: number;
  idleLate: number;
  samplesEarly: number;
  samplesLate: number;
  watched: Record<string, { early: number; late: number }>;
  /** Share of the kind's wall time in database client calls, early and late, and the calling lines (absent in evidence recorded before it was measured). */
  store?: StoreShare;
  /**
   * Recordings only: the processes' event loops held up, read from window lengths alone (a window stretched past
   * 1.5× the typical one is time the loop could not run its timers): how many windows, the longest and the total
   * stall in ms, over the judged span. Independent of what the samples say.
   */
  loopStalls?: { stretched: number; maxMs: number; totalMs: number; windows: number };
}

export interface ProfileEvidence {
  source: 'recording' | 'live' | 'files';
  early: { from: string; to: string };
  late: { from: string; to: string };
  kinds: KindEvidence[];
  /** Early and late profile per kind, for flame graphs in the report. */
  profiles?: Record<string, { early: Profile; late: Profile }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Compares an early and a late profile of one process kind, with what the crawler profile says to watch. */
export function compareKind(kind: string, before: Profile, after: Profile, crawler: CrawlerProfile = CRAWLER_PROFILES['crawl-diag'], top = 5): KindEvidence {
  const diff = diffProfiles(before, after, { before: 'early', after: 'late' });
  const sBefore = summarizeProfile(before, { top: 5 });
  const sAfter = summarizeProfile(after, { top: 5 });
  return {
    kind,
    // Idle is not a cause: it is read separately as the idle share.
    grown: topGrown(diff, top + 1)
      .filter((f) => f.kind !== 'idle' && f.kind !== 'process' && f.kind !== 'thread')
      .slice(0, top)
      .map((f) => ({ ...f, within: enclosingFunction(after, f.label) })),
    idleEarly: sBefore.idleShare,
    idleLate: sAfter.idleShare,
    samplesEarly: sBefore.samples,
    samplesLate: sAfter.samples,
    watched: Object.fromEntries(
      Object.entries(crawler.frames)
        .filter((e): e is [string, RegExp] => e[1] !== undefined)
        .map(([name, re]) => [name, { early: shareOnStack(before, re), late: shareOnStack(after, re) }]),
    ),
    store: storeShare(before, after, crawler.dbClients, crawler.storeHooks),
  };
}

/** Reads the agent's recording and compares the first and last `part` of [fromMs, toMs] per process kind. */
export async function recordingEvidence(dir: string, fromMs: number, toMs: number, crawler?: CrawlerProfile, part = 1 / 3): Promise<ProfileEvidence> {
  const recording = await listRecording(dir);
  const span = toMs - fromMs;
  const windowMs = recording.windowMs ?? 5000;
  const early = { from: fromMs, to: Math.max(fromMs + span * part, fromMs + windowMs) };
  const late = { from: Math.min(toMs - span * part, toMs - windowMs), to: toMs };
  const kinds = [...new Set(recording.windows.map((w) => w.kind))].sort();
  const stalls = new Map(loopStalls(recording, fromMs, toMs).map((s) => [s.kind, s]));
  const out: KindEvidence[] = [];
  const profiles: Record<string, { early: Profile; late: Profile }> = {};
  for (const kind of kinds) {
    const load = (r: { from: number; to: number }) => loadRecordingRange(`${dir}@${iso(r.from)}..${iso(r.to)}`, { process: kind }).catch(() => null);
    const [before, after] = [await load(early), await load(late)];
    if (!before || !after) continue; // this kind has no window in one of the ranges (a short-lived process)
    const stall = stalls.get(kind);
    out.push({
      ...compareKind(kind, before, after, crawler),
      ...(stall ? { loopStalls: { stretched: stall.stretched, maxMs: stall.maxMs, totalMs: stall.totalMs, windows: stall.windows } } : {}),
    });
    profiles[kind] = { early: before, late: after };
  }
  return { source: 'recording', early: { from: iso(early.from), to: iso(early.to) }, late: { from: iso(late.from), to: iso(late.to) }, kinds: out, profiles };
}

/** Live profiles taken at the start and end of the window, grouped by process kind. */
export function liveEvidence(early: Array<{ kind: string; profile: Profile }>, late: Array<{ kind: string; profile: Profile }>, crawler?: CrawlerProfile, source: 'live' | 'files' = 'live'): ProfileEvidence {
  const byKind = (list: Array<{ kind: string; profile: Profile }>) => {
    const m = new Map<string, Profile[]>();
    for (const { kind, profile } of list) m.set(kind, [...(m.get(kind) ?? []), profile]);
    return m;
  };
  const [a, b] = [byKind(early), byKind(late)];
  const kinds: KindEvidence[] = [];
  const profiles: Record<string, { early: Profile; late: Profile }> = {};
  for (const [kind, list] of a) {
    const after = b.get(kind);
    if (!after) continue;
    const [pe, pl] = [list.length === 1 ? list[0] : mergeProfiles(list), after.length === 1 ? after[0] : mergeProfiles(after)];
    kinds.push(compareKind(kind, pe, pl, crawler));
    profiles[kind] = { early: pe, late: pl };
  }
  const span = (l: Array<{ profile: Profile }>) => {
    const s = Math.min(...l.map((x) => x.profile.startTimeMs));
    const e = Math.max(...l.map((x) => x.profile.startTimeMs + x.profile.durationMs));
    return { from: iso(Number.isFinite(s) ? s : 0), to: iso(Number.isFinite(e) ? e : 0) };
  };
  return { source, early: span(early), late: span(late), kinds, profiles };
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

/** The named functions of the program (not libraries, not Node internals) that most of `label`'s time ran inside. */
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
