// Which group (node, process) a file's records belong to: the file itself, its rotated siblings folded in
// (`crawler.log.1.gz` and `crawler.log` are one process), or what `--group-by` captures from the path.
import { LogInputError } from '../errors.js';

export type GroupBy =
  | { kind: 'file' }
  | { kind: 'path'; regex: { source: string; flags: string } }
  | { kind: 'field'; field: string };

/**
 * `--group-by` value: a plain name (`hostname`, `pid`, `ctx.node`) is a JSON field of NDJSON records; anything else
 * is a regex on the path whose first capture group (or whole match) names the group. `field:` and `path:` force it.
 */
export function parseGroupBy(value: string | undefined): GroupBy {
  if (!value) return { kind: 'file' };
  if (value.startsWith('field:')) return { kind: 'field', field: value.slice(6) };
  const pathRegex = value.startsWith('path:') ? value.slice(5) : /^[A-Za-z_][\w.]*$/.test(value) ? null : value;
  if (pathRegex === null) return { kind: 'field', field: value };
  try {
    const re = new RegExp(pathRegex);
    return { kind: 'path', regex: { source: re.source, flags: re.flags } };
  } catch (err) {
    throw new LogInputError(`--group-by ${value}: not a valid regular expression (${(err as Error).message}).`);
  }
}

/** Rotation suffixes: `.1`, `.2.gz`, `.gz`. */
const ROTATION_SUFFIX = /(\.\d+)?(\.gz)?$/;

export function groupForPath(displayPath: string, groupBy: GroupBy): string {
  if (groupBy.kind === 'path') {
    const m = new RegExp(groupBy.regex.source, groupBy.regex.flags).exec(displayPath);
    if (m) return m[1] ?? m[0];
  }
  return displayPath.replace(ROTATION_SUFFIX, '') || displayPath;
}

/**
 * Group names for file groups without their shared directory (`worker-1.log`, not
 * `fixtures/logs/run/worker-1.log`), so tables stay readable; regex and JSON-field groups are kept as they are.
 */
export function shortenGroupNames(names: string[]): Map<string, string> {
  const unique = [...new Set(names)];
  const dirs = unique.map((n) => n.split('/').slice(0, -1));
  let common = dirs[0] ?? [];
  for (const d of dirs) {
    let k = 0;
    while (k < common.length && k < d.length && common[k] === d[k]) k++;
    common = common.slice(0, k);
  }
  const prefix = common.length ? common.join('/') + '/' : '';
  return new Map(unique.map((n) => [n, n.slice(prefix.length) || n]));
}
