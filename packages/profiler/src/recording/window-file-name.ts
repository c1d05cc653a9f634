// Names of the agent's window files: `<kind>-<pid>-<UTC window start>.pb.gz`, e.g. `worker-12345-20261127T001500.250Z.pb.gz`.
// One module for writing and parsing them, so the agent and the recording reader cannot drift apart.

export interface WindowFileName {
  /** Process kind: `CRAWL_DIAG_PROCESS_KIND`, or the entry script's base name (`worker`, `dispatcher`). */
  kind: string;
  pid: number;
  /** Window start, milliseconds since the Unix epoch. */
  startMs: number;
  /** `wall` for time profiles, `heap` for the optional heap profiles. */
  profileType: 'wall' | 'heap';
}

const NAME_RE = /^(.+)-(\d+)-(\d{8})T(\d{6})(?:\.(\d{3}))?Z(\.heap)?\.pb\.gz$/;

/** Keeps kinds safe as file-name parts: letters, digits, `_` and `.`; anything else becomes `_`. */
export function sanitizeKind(kind: string): string {
  const cleaned = kind.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[.-]+/, '');
  return cleaned || 'node';
}

/** `20261127T001500.250Z`: compact UTC, milliseconds kept because windows can be shorter than a second apart. */
export function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}

export function formatWindowFileName(name: WindowFileName): string {
  const heap = name.profileType === 'heap' ? '.heap' : '';
  return `${sanitizeKind(name.kind)}-${name.pid}-${compactUtc(name.startMs)}${heap}.pb.gz`;
}

/** The parts of a window file name, or undefined for any other file (temp files, notes, foreign profiles). */
export function parseWindowFileName(fileName: string): WindowFileName | undefined {
  const m = NAME_RE.exec(fileName);
  if (!m) return undefined;
  const [, kind, pid, ymd, hms, millis, heap] = m;
  const iso = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}T${hms.slice(0, 2)}:${hms.slice(2, 4)}:${hms.slice(4, 6)}.${millis ?? '000'}Z`;
  const startMs = Date.parse(iso);
  if (Number.isNaN(startMs)) return undefined;
  return { kind, pid: Number(pid), startMs, profileType: heap ? 'heap' : 'wall' };
}
