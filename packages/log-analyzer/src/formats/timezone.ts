// Turns naive wall-clock timestamps (no zone in the log line) into UTC, for local time, `UTC`, a fixed offset or
// an IANA zone (`--tz`). The offset is looked up once per wall-clock hour, so the per-line cost is one comparison.
import { LogInputError } from '../errors.js';

const HOUR_MS = 3_600_000;

/** `local` (the default: the machine's zone), `UTC`, `+02:00`, or an IANA name such as `Europe/Paris`. */
export type ZoneName = string;

export class NaiveTimeConverter {
  private lastHourKey = NaN;
  private lastOffsetMs = 0;
  private readonly offsetAt: (naiveHourMs: number) => number;
  readonly zone: ZoneName;

  constructor(zone: ZoneName = 'local') {
    this.zone = zone;
    this.offsetAt = offsetFunction(zone);
  }

  /** UTC epoch ms of a wall-clock time given as naive ms (the fields read as if they were UTC). */
  toUtc(naive: number): number {
    const key = Math.floor(naive / HOUR_MS);
    if (key !== this.lastHourKey) {
      this.lastHourKey = key;
      this.lastOffsetMs = this.offsetAt(key * HOUR_MS);
    }
    return naive - this.lastOffsetMs;
  }
}

/** Offset (ms, east positive) that applies to a naive wall-clock hour in the zone. */
function offsetFunction(zone: ZoneName): (naiveHourMs: number) => number {
  if (zone === 'local') {
    return (naive) => {
      const d = new Date(naive);
      const local = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()).getTime();
      return naive - local;
    };
  }
  const fixed = parseFixedOffset(zone);
  if (fixed !== null) return () => fixed;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new LogInputError(
      `--tz ${zone}: unknown time zone. Use local, UTC, an offset such as +02:00, or an IANA name such as Europe/Paris.`,
    );
  }
  const offsetOfInstant = (utc: number): number => {
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(new Date(utc))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return wall - Math.floor(utc / 1000) * 1000;
  };
  return (naive) => {
    const guess = naive - offsetOfInstant(naive);
    return offsetOfInstant(guess);
  };
}

/** `UTC`, `Z`, `+02:00`, `-0530`, `+2` as ms; null when the name is not a fixed offset. */
export function parseFixedOffset(zone: string): number | null {
  if (/^(utc|gmt|z)$/i.test(zone)) return 0;
  const m = /^(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return (m[1] === '-' ? -1 : 1) * minutes * 60_000;
}
