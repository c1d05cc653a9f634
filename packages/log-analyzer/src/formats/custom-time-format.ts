// `--time-format` for layouts the detector does not know. Tokens (case matters):
//   YYYY year · YY two-digit year (20YY) · MM month 01-12 · M month 1-12 · MMM month name (Jan) ·
//   DD day 01-31 · D day 1-31 (may be space-padded) · HH hour 00-23 · H hour 0-23 · mm minutes · ss seconds ·
//   SSS fraction of a second (any number of S, any number of digits) · Z zone (Z, +02:00, +0200) ·
//   X epoch seconds (fraction allowed) · x epoch milliseconds.
// Anything else is literal. The stamp is searched in the first 256 bytes of each line, so a prefix is allowed.
import { LogInputError } from '../errors.js';
import { monthFromName, naiveMs } from './bytes.js';
import type { FormatContext, LogFormat } from './types.js';

const TOKEN = /YYYY|YY|MMM|MM|M|DD|D|HH|H|mm|ss|S+|Z|X|x/g;
const SEARCH_BYTES = 256;

const TOKEN_REGEX: Record<string, string> = {
  YYYY: '(\\d{4})',
  YY: '(\\d{2})',
  MMM: '([A-Za-z]{3})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  DD: '(\\d{2})',
  D: ' ?(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  S: '(\\d+)',
  Z: '(Z|[+-]\\d{2}(?::?\\d{2})?)',
  X: '(\\d{9,11}(?:\\.\\d+)?)',
  x: '(\\d{12,14})',
};

export interface CompiledTimeFormat {
  regex: RegExp;
  fields: string[];
}

export function compileTimeFormat(pattern: string): CompiledTimeFormat {
  let source = '';
  const fields: string[] = [];
  let last = 0;
  for (const m of pattern.matchAll(TOKEN)) {
    source += escapeRegex(pattern.slice(last, m.index));
    const token = m[0].startsWith('S') ? 'S' : m[0];
    source += TOKEN_REGEX[token];
    fields.push(token);
    last = m.index + m[0].length;
  }
  source += escapeRegex(pattern.slice(last));
  const has = (t: string): boolean => fields.includes(t);
  const hasDate = (has('YYYY') || has('YY') || has('MM') || has('M') || has('MMM')) && (has('DD') || has('D'));
  if (!has('X') && !has('x') && !(hasDate && (has('HH') || has('H')))) {
    throw new LogInputError(
      `--time-format ${pattern}: needs a date and an hour (e.g. 'YYYY/MM/DD HH:mm:ss') or an epoch token (X or x).`,
    );
  }
  return { regex: new RegExp(source), fields };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function customTimeFormat(pattern: string, ctx: FormatContext): LogFormat {
  const { regex, fields } = compileTimeFormat(pattern);
  const referenceYear = new Date(ctx.referenceMs).getUTCFullYear();
  const head = (buf: Buffer, start: number, end: number): string =>
    buf.toString('latin1', start, Math.min(end, start + SEARCH_BYTES));
  return {
    name: 'custom',
    multiline: true,
    isRecordStart: (buf, start, end) => regex.test(head(buf, start, end)),
    parseTime(buf, start, end) {
      const m = regex.exec(head(buf, start, end));
      if (!m) return NaN;
      let y = referenceYear;
      let mo = 1;
      let d = 1;
      let h = 0;
      let mi = 0;
      let s = 0;
      let ms = 0;
      let zoneMin: number | null = null;
      for (let k = 0; k < fields.length; k++) {
        const v = m[k + 1];
        switch (fields[k]) {
          case 'YYYY': y = Number(v); break;
          case 'YY': y = 2000 + Number(v); break;
          case 'MMM': mo = monthFromName(v); break;
          case 'MM': case 'M': mo = Number(v); break;
          case 'DD': case 'D': d = Number(v); break;
          case 'HH': case 'H': h = Number(v); break;
          case 'mm': mi = Number(v); break;
          case 'ss': s = Number(v); break;
          case 'S': ms = Math.floor(Number(`0.${v}`) * 1000); break;
          case 'Z': zoneMin = v === 'Z' ? 0 : zoneMinutes(v); break;
          case 'X': return Math.round(Number(v) * 1000);
          case 'x': return Number(v);
        }
      }
      const naive = naiveMs(y, mo, d, h, mi, s, ms);
      if (Number.isNaN(naive)) return NaN;
      return zoneMin === null ? ctx.naive.toUtc(naive) : naive - zoneMin * 60_000;
    },
    levelNeedles: (level) => {
      const l = level.toUpperCase();
      return [` ${l} `, `[${l}]`, ` ${l}:`];
    },
  };
}

function zoneMinutes(v: string): number {
  const sign = v[0] === '-' ? -1 : 1;
  const digits = v.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}
