// Profiles given as files rather than a recording: a directory holding, per process kind, one profile taken early
// in the crawl and one taken late (`worker-early.folded` and `worker-late.folded`, `early.txt` and `late.txt` for a
// single process), in any format the profiler reads (py-spy's raw folded output, folded stacks, .cpuprofile, pprof).
// This is how a crawler that is not ours is profiled: `py-spy record --format raw --idle` twice, or `crawl-diag
// flame --pid` twice.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadProfileInput, type Profile } from '@crawl-diag/profiler';

export interface ProfileFilePair {
  kind: string;
  early: string;
  late: string;
}

const PHASE = /(?:^|[-_.])(early|late)(?=[-_.]|$)/i;

/** Pairs of early/late files in a directory, by process kind (the file name without the phase and the extension). */
export async function profileFilePairs(dir: string): Promise<ProfileFilePair[]> {
  const names = await readdir(dir);
  const byKind = new Map<string, { early?: string; late?: string }>();
  for (const name of names) {
    const m = PHASE.exec(name);
    if (!m) continue;
    // The kind before the phase (`worker-early.pprof`), else after it (`early-worker.txt`; `.txt` alone is the extension).
    const after = name.slice(m.index + m[0].length);
    const named = name.slice(0, m.index).replace(/[-_.]+$/, '') || (/^[-_]/.test(after) ? after.slice(1).replace(/\..*$/, '') : '');
    // `profile-early.pprof`, `early.txt`: one process, the crawler.
    const kind = !named || /^(?:profile|process)$/i.test(named) ? 'crawler' : named;
    const entry = byKind.get(kind) ?? {};
    entry[m[1].toLowerCase() as 'early' | 'late'] = join(dir, name);
    byKind.set(kind, entry);
  }
  return [...byKind]
    .filter((e): e is [string, { early: string; late: string }] => e[1].early !== undefined && e[1].late !== undefined)
    .map(([kind, f]) => ({ kind, early: f.early, late: f.late }))
    .sort((a, b) => a.kind.localeCompare(b.kind));
}

/** The early and late profiles of each pair. */
export async function loadProfileFiles(pairs: ProfileFilePair[]): Promise<{ early: Array<{ kind: string; profile: Profile }>; late: Array<{ kind: string; profile: Profile }> }> {
  const early: Array<{ kind: string; profile: Profile }> = [];
  const late: Array<{ kind: string; profile: Profile }> = [];
  for (const p of pairs) {
    early.push({ kind: p.kind, profile: await loadProfileInput(p.early) });
    late.push({ kind: p.kind, profile: await loadProfileInput(p.late) });
  }
  return { early, late };
}
