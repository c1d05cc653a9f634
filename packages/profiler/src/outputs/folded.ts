// Folded stacks (Brendan Gregg's format, the contract in DESIGN.md): one line per distinct stack, root first,
// frames joined by `;`, a space, and the number of samples. Lines are sorted so equal profiles give equal files.
import type { Profile } from '../model.js';
import { frameLabel } from './frame-label.js';

/** `;` and newlines inside a label would break the format; they are replaced, spaces are allowed. */
function safeLabel(label: string): string {
  return label.replace(/[;\r\n]/g, '_');
}

export function toFolded(profile: Profile): string {
  const labels = profile.frames.map((f) => safeLabel(frameLabel(f)));
  const counts = new Map<string, number>();
  for (const s of profile.samples) {
    if (s.stack.length === 0) continue;
    const key = s.stack.map((i) => labels[i]).join(';');
    counts.set(key, (counts.get(key) ?? 0) + (s.count ?? 1));
  }
  return [...counts.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([stack, n]) => `${stack} ${n}\n`)
    .join('');
}
