// Turns the paths given on the command line (files, directories walked recursively, globs, `-`) into inputs,
// failing with one clear line for a missing or unreadable path or a directory with nothing to read.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { LogInputError } from '../errors.js';
import type { LogInput } from './log-input.js';

/** Files in a directory that are certainly not logs (docs and scripts kept beside them). */
const NOT_LOGS = /(^|\/)(readme[^/]*|[^/]*\.(md|rst|html?|css|js|mjs|cjs|ts|py|sh|png|jpe?g|gif|svg|pdf|zip|tar))$/i;

export async function expandPaths(paths: string[], cwd: string = process.cwd()): Promise<LogInput[]> {
  if (paths.length === 0) throw new LogInputError('no input: give log files, directories, globs, or - for stdin.');
  const inputs: LogInput[] = [];
  const seen = new Set<string>();
  const add = (input: LogInput): void => {
    if (seen.has(input.path) && input.path !== '-') return;
    seen.add(input.path);
    inputs.push(input);
  };
  for (const p of paths) {
    if (p === '-') {
      if (seen.has('-')) throw new LogInputError('- (stdin) given twice.');
      add({ path: '-', displayPath: 'stdin', size: 0, mtimeMs: Date.now(), fromDirectory: false });
      continue;
    }
    const abs = resolve(cwd, p);
    const info = await stat(abs).catch(() => null);
    if (info?.isDirectory()) {
      const files = (await glob('**/*', { cwd: abs, absolute: true, onlyFiles: true, dot: false })).sort();
      const logs = files.filter((f) => !NOT_LOGS.test(f));
      if (logs.length === 0) throw new LogInputError(`${p}: directory has no log files.`, { path: p });
      for (const f of logs) add(await fileInput(f, cwd, true));
    } else if (info) {
      add(await fileInput(abs, cwd, false));
    } else if (isDynamicPattern(p)) {
      const files = (await glob(p, { cwd, absolute: true, onlyFiles: true })).sort();
      if (files.length === 0) throw new LogInputError(`${p}: no file matches this pattern.`, { path: p });
      for (const f of files) add(await fileInput(f, cwd, false));
    } else {
      throw new LogInputError(`${p}: no such file or directory.`, { path: p });
    }
  }
  return inputs;
}

async function fileInput(abs: string, cwd: string, fromDirectory: boolean): Promise<LogInput> {
  const displayPath = displayPathOf(abs, cwd);
  const info = await stat(abs);
  if (!info.isFile()) throw new LogInputError(`${displayPath}: not a regular file.`, { path: displayPath });
  if (!fromDirectory) {
    await access(abs, constants.R_OK).catch(() => {
      throw new LogInputError(`${displayPath}: permission denied (cannot read it).`, { path: displayPath });
    });
  }
  return { path: abs, displayPath, size: info.size, mtimeMs: info.mtimeMs, fromDirectory };
}

function displayPathOf(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}
