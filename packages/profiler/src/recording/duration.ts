// Parses the short durations people type for windows and offsets: `500ms`, `10s`, `5m`, `1h30m`, `2.5s`.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds for `500ms`, `10s`, `1m`, `1h30m`, `1.5h`; undefined when the text is not such a duration. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT_MS[m[2]];
  return total;
}

/** `12m30s`, `500ms`, `1h05m`: the compact form used in messages and tables. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 100) / 10;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Math.round((totalSeconds % 60) * 10) / 10;
  const parts: string[] = [];
  if (h) parts.push(`${h}h`);
  if (m || (h && s)) parts.push(`${h ? String(m).padStart(2, '0') : m}m`);
  if (s || parts.length === 0) parts.push(`${parts.length ? String(s).padStart(2, '0') : s}s`);
  return parts.join('');
}
