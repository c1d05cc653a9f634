// Share of a process kind's wall time spent in database client calls, early and late, and the program's lines that
// make those calls. A sample is a store call when any frame of its stack is a database client's (its library as
// the profiler named it, its file in the client's package, its native code, or a wait frame on the client): the
// time of the whole call (the client's own code and the wait for the server) counts, as a wall-clock profile
// measures it. The calling line is the innermost frame of the program's own code below the client: the line an
// operator would open ("pipelines.py:31, in process_item"); for a wait frame, the call site it carries.
import type { Frame, Profile } from '@crawl-diag/profiler';
import type { DbClient } from '../crawlers/db-clients.js';

export interface StoreSite {
  /** `function (file:line)` of the calling line, or the client's own frame when no program frame is below it. */
  site: string;
  /** The client library. */
  library: string;
  early: number;
  late: number;
}

export interface StoreShare {
  /** Share of wall time (every sample, idle included) with a database client call on the stack. */
  early: number;
  late: number;
  /** The same as a share of the time the process was not idle (busy or waiting on something it asked for). */
  earlyOfActive: number;
  lateOfActive: number;
  /** Calling lines by their late share, largest first (at most 5). */
  sites: StoreSite[];
}

const basename = (file: string) => file.replace(/^.*[/\\]/, '');

/** A store hook of the crawler's (Scrapy's item pipelines): the program's function where items are stored. */
export interface StoreHook {
  frame: RegExp;
  label: string;
}

function clientOf(f: Frame, clients: readonly DbClient[], hook?: StoreHook): Pick<DbClient, 'library'> | undefined {
  if (f.kind === 'process' || f.kind === 'thread' || f.kind === 'idle') return undefined;
  if (hook && ownCode(f) && f.kind !== 'wait' && hook.frame.test(f.name)) return { library: hook.label };
  for (const c of clients) {
    if (f.library && (f.library === c.library || f.library.startsWith(`${c.library}.`))) return c;
    if (f.kind === 'wait' && (f.name === c.library || f.name.startsWith(`${c.library} `))) return c;
    if (f.file && c.file.test(f.file)) return c;
    if (c.native && f.kind === 'native' && !f.file && c.native.test(f.name)) return c;
  }
  return undefined;
}

const ownCode = (f: Frame) => (f.kind === 'js' || f.kind === 'wait') && !!f.file && !/node_modules|site-packages|dist-packages|^node:|[/\\]lib[/\\]python\d/.test(f.file);

function siteLabel(f: Frame): string {
  const where = f.file ? `${basename(f.file)}${f.line !== undefined ? `:${f.line}` : ''}` : '';
  if (f.kind === 'wait') return where ? `${where} (waiting on ${f.name})` : f.name;
  return where ? `${f.name} (${where})` : f.name;
}

interface Tally {
  totalUs: number;
  activeUs: number;
  storeUs: number;
  sites: Map<string, { library: string; us: number }>;
}

function tally(profile: Profile, clients: readonly DbClient[], hook?: StoreHook): Tally {
  const client = profile.frames.map((f) => clientOf(f, clients, hook));
  const out: Tally = { totalUs: 0, activeUs: 0, storeUs: 0, sites: new Map() };
  for (const s of profile.samples) {
    if (s.stack.length === 0 || !(s.weightUs > 0)) continue;
    out.totalUs += s.weightUs;
    const leaf = profile.frames[s.stack[s.stack.length - 1]];
    if (leaf.kind !== 'idle') out.activeUs += s.weightUs;
    const at = s.stack.findIndex((i) => client[i] !== undefined);
    if (at < 0) continue;
    out.storeUs += s.weightUs;
    const c = client[s.stack[at]]!;
    // A wait frame on the client carries its call site; a store hook is its own site (the innermost hook frame:
    // its line); otherwise the innermost own-code frame below the client.
    let site = profile.frames[s.stack[at]];
    if (c.library === hook?.label) {
      const last = s.stack.findLastIndex((i) => client[i] === c);
      site = profile.frames[s.stack[last]];
    } else if (!(site.kind === 'wait' && site.file)) {
      for (let j = at - 1; j >= 0; j--) {
        const f = profile.frames[s.stack[j]];
        if (ownCode(f)) {
          site = f;
          break;
        }
      }
    }
    const label = siteLabel(site);
    const t = out.sites.get(label) ?? { library: c.library, us: 0 };
    t.us += s.weightUs;
    out.sites.set(label, t);
  }
  return out;
}

export function storeShare(early: Profile, late: Profile, clients: readonly DbClient[], hook?: StoreHook): StoreShare {
  const [a, b] = [tally(early, clients, hook), tally(late, clients, hook)];
  const share = (us: number, of: number) => (of > 0 ? us / of : 0);
  const labels = new Set([...a.sites.keys(), ...b.sites.keys()]);
  const sites: StoreSite[] = [...labels]
    .map((site) => ({
      site,
      library: (b.sites.get(site) ?? a.sites.get(site))!.library,
      early: share(a.sites.get(site)?.us ?? 0, a.totalUs),
      late: share(b.sites.get(site)?.us ?? 0, b.totalUs),
    }))
    .sort((x, y) => y.late - x.late)
    .slice(0, 5);
  return {
    early: share(a.storeUs, a.totalUs),
    late: share(b.storeUs, b.totalUs),
    earlyOfActive: share(a.storeUs, a.activeUs),
    lateOfActive: share(b.storeUs, b.activeUs),
    sites,
  };
}
