// How a frame is written in text outputs (folded stacks, summaries, flame graph labels): the contract in
// docs/contracts.md, and its inverse for the readers of folded stacks and pprof files.
import type { Frame } from '../model.js';

/** Wait frames are written with this prefix: `(wait) mongodb find crawl.frontier (worker.js:33)`. */
export const WAIT_PREFIX = '(wait) ';

/** The library a wait frame names first (`mongodb find crawl.frontier` → `mongodb`). */
export function waitLibrary(name: string): string | undefined {
  const first = /^[^\s]+/.exec(name)?.[0];
  return first && first !== '(wait)' ? first : undefined;
}

/** A wait frame: what is waited on (library first) and the call site that waits. */
export function waitFrame(what: string, site: { file?: string; line?: number } = {}): Frame {
  const frame: Frame = { name: what, kind: 'wait' };
  const library = waitLibrary(what);
  if (library) frame.library = library;
  if (site.file) frame.file = site.file;
  if (site.file && site.line !== undefined) frame.line = site.line;
  return frame;
}

/** The name as outputs without a location field write it: wait frames keep their prefix. */
export function frameName(frame: Frame): string {
  return frame.kind === 'wait' ? `${WAIT_PREFIX}${frame.name}`.trimEnd() : frame.name;
}

/**
 * `functionName (file:line)` for code frames with a location; `(wait) what (file:line)` for wait frames; the bare
 * name otherwise (`(idle)`, `(program)`…).
 */
export function frameLabel(frame: Frame): string {
  const name = frameName(frame);
  if (frame.file) return frame.line !== undefined ? `${name} (${frame.file}:${frame.line})` : `${name} (${frame.file})`;
  return name;
}

const PSEUDO: Record<string, Frame['kind']> = { '(idle)': 'idle', '(garbage collector)': 'gc', '(program)': 'program' };

/** A frame back from its label (folded stacks): the inverse of frameLabel, columns aside. */
export function parseFrameLabel(text: string): Frame {
  const pseudo = PSEUDO[text];
  if (pseudo) return { name: text, kind: pseudo };
  const wait = text === WAIT_PREFIX.trimEnd() || text.startsWith(WAIT_PREFIX);
  const body = wait ? text.slice(WAIT_PREFIX.length) : text;
  const m = /^(.*) \((.+?)(?::(\d+))?\)$/.exec(body);
  const located = m && m[1] ? { name: m[1], file: m[2], line: m[3] ? Number(m[3]) : undefined } : undefined;
  if (wait) return waitFrame(located ? located.name : body, located ?? {});
  if (!located) return { name: text, kind: 'native' };
  return located.line !== undefined ? { name: located.name, kind: 'js', file: located.file, line: located.line } : { name: located.name, kind: 'js', file: located.file };
}
