// Parsing helpers shared by the bench commands: whole numbers, lists of them, durations, with one-line errors.
import { BenchUsageError } from './errors.js';

export function positiveInt(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new BenchUsageError(`--${name} must be a whole number ≥ ${min}, got '${text}'`);
  return n;
}

/** `1,2,4,8` → [1, 2, 4, 8]; distinct, ascending. */
export function intList(name: string, text: string | undefined, fallback: number[]): number[] {
  if (text === undefined) return fallback;
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  const values = parts.map((p) => Number(p));
  if (parts.length === 0 || values.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new BenchUsageError(`--${name} must be a comma-separated list of whole numbers ≥ 1 (e.g. 1,2,4,8), got '${text}'`);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Seconds: `60`, `60s`, `2m`. */
export function durationSec(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new BenchUsageError(`--${name} must be a duration such as 60, 60s or 2m, got '${text}'`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

export function oneOf<T extends string>(name: string, text: string | undefined, choices: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!choices.includes(text as T)) throw new BenchUsageError(`--${name} must be one of ${choices.join(', ')}, got '${text}'`);
  return text as T;
}
