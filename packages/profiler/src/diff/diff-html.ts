// The differential flame graph as one self-contained HTML file (no network, no external scripts): widths from
// AFTER, red where a stack's share of time grew, blue where it shrank; the same page and client as the flame
// graph (outputs/flame-html.ts), in its diff mode, so zoom, search and tooltips behave the same.
import { interner, renderFlamePage, type EncodedNode } from '../outputs/flame-html.js';
import type { DiffNode } from './diff-tree.js';
import type { ProfileDiff } from './diff-profiles.js';

export interface DiffHtmlOptions {
  title?: string;
}

/** Shares are written as millionths, so the client's numbers are integers as in the plain flame graph. */
const SCALE = 1e6;

/** Red for grown, blue for shrunk, grey for the same, by the change relative to the largest change in the graph. */
function diffColour(delta: number, maxAbs: number): string {
  const k = Math.min(1, Math.abs(maxAbs > 0 ? delta / maxAbs : 0));
  if (delta > 0) return `rgb(${Math.round(235 - 11 * k)},${Math.round(225 - 177 * k)},${Math.round(225 - 195 * k)})`;
  if (delta < 0) return `rgb(${Math.round(225 - 179 * k)},${Math.round(225 - 114 * k)},${Math.round(235 - 19 * k)})`;
  return 'rgb(221,221,221)';
}

export function renderDiffHtml(diff: ProfileDiff, opts: DiffHtmlOptions = {}): string {
  let maxAbs = 0;
  (function scan(n: DiffNode): void {
    maxAbs = Math.max(maxAbs, Math.abs(n.after - n.before));
    n.children.forEach(scan);
  })(diff.tree);
  const t = interner();
  const encode = (n: DiffNode): EncodedNode => [
    t.label(n.label),
    Math.round(n.after * SCALE),
    Math.round(n.afterSelf * SCALE),
    0,
    n.children.filter((c) => c.after > 0).map(encode),
    // Quantised to 1/20 of the largest change, so the colour table stays small.
    t.color(diffColour(Math.round(((n.after - n.before) / (maxAbs || 1)) * 20) / 20 * (maxAbs || 1), maxAbs)),
    Math.round(n.before * SCALE),
    Math.round(n.beforeSelf * SCALE),
  ];
  return renderFlamePage({
    title: opts.title ?? `Differential flame graph: ${diff.before.name} → ${diff.after.name}`,
    facts: `width: share of AFTER's time (${diff.after.name}); colour: change in share from BEFORE (${diff.before.name})`,
    legendHtml:
      'colour: <span style="background:rgb(224,48,30);color:#fff">grew</span><span style="background:rgb(221,221,221)">same</span><span style="background:rgb(46,111,216);color:#fff">shrank</span>',
    warnings: [],
    data: { mode: 'diff', tree: encode(diff.tree), strings: t.strings, colors: t.colors },
  });
}
