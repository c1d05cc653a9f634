// Which library a Python source line calls into, read from the program's source: for a thread blocked in a C
// extension (sqlite3's `execute` waiting for the write lock), py-spy's stack ends at the program's own line with no
// frame of the library below it, so the line itself must say. A small reading of the file, not a parser: names
// bound by `import X` / `from X import …`, then names assigned from an expression that uses a bound name
// (`self.db = sqlite3.connect(…)`, `cur = self.db.cursor()`), then the first call on the line through such a name.
// Scopes are ignored (a method's `self.db` is the one `__init__` assigned), which is what hand-written crawlers need;
// when nothing matches, the caller names the wait `blocked`.
import { readFileSync } from 'node:fs';

export interface LibraryCall {
  library: string;
  /** The method called on the line (`execute`, `commit`), when there is one. */
  method?: string;
}

interface SourceBindings {
  lines: string[];
  /** Name (`sqlite3`, `self.db`, `conn`) → library. */
  bound: Map<string, string>;
}

const cache = new Map<string, SourceBindings | null>();

function bindings(file: string): SourceBindings | null {
  if (cache.has(file)) return cache.get(file)!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    cache.set(file, null);
    return null;
  }
  const lines = text.split('\n');
  const bound = new Map<string, string>();
  for (const line of lines) {
    const imp = /^\s*import\s+([\w.]+)(?:\s+as\s+(\w+))?/.exec(line);
    if (imp) bound.set(imp[2] ?? imp[1].split('.')[0], imp[1].split('.')[0]);
    const from = /^\s*from\s+([\w.]+)\s+import\s+(.+)$/.exec(line);
    if (from && !from[1].startsWith('.')) {
      for (const part of from[2].replace(/[()]/g, '').split(',')) {
        const m = /^\s*(\w+)(?:\s+as\s+(\w+))?/.exec(part);
        if (m) bound.set(m[2] ?? m[1], from[1].split('.')[0]);
      }
    }
  }
  // Assignments until nothing new is bound (a chain `conn = sqlite3.connect(); cur = conn.cursor()` takes two passes).
  const assign = /^\s*((?:self\.)?\w+)\s*=\s*(.+)$/;
  for (let pass = 0; pass < 4; pass++) {
    let added = false;
    for (const line of lines) {
      const m = assign.exec(line);
      if (!m || bound.has(m[1])) continue;
      const lib = libraryOf(m[2], bound);
      if (lib) {
        bound.set(m[1], lib);
        added = true;
      }
    }
    if (!added) break;
  }
  const result = { lines, bound };
  cache.set(file, result);
  return result;
}

/** The library of the first bound name an expression uses (`self.db.execute(…)` → the library of `self.db`). */
function libraryOf(expr: string, bound: Map<string, string>): string | undefined {
  for (const m of expr.matchAll(/\b((?:self\.)?\w+)\b/g)) {
    const lib = bound.get(m[1]);
    if (lib) return lib;
  }
  return undefined;
}

export function libraryCalledAt(file: string, line: number): LibraryCall | undefined {
  const src = bindings(file);
  const text = src?.lines[line - 1];
  if (!src || text === undefined) return undefined;
  for (const m of text.matchAll(/\b((?:self\.)?\w+)((?:\.\w+)*)\.(\w+)\s*\(/g)) {
    const lib = src.bound.get(m[1]);
    if (lib) return { library: lib, method: m[3] };
  }
  const lib = libraryOf(text, src.bound);
  return lib ? { library: lib } : undefined;
}
