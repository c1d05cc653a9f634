// A static SVG flame graph (root at the top, like the HTML one): for pasting into tickets and docs. Each frame
// carries a <title> with its share of samples, which viewers show as a tooltip.
import type { Profile } from '../model.js';
import { defaultTitle } from './flame-html.js';
import { buildFlameTree, frameColor, type FlameNode } from './flame-tree.js';

export interface FlameSvgOptions {
  title?: string;
  /** Image width in px. Default 1200. */
  width?: number;
  /** Frames narrower than this are left out (px). Default 0.3. */
  minWidth?: number;
}

const ROW = 17;
const TOP = 34;
const CHAR_PX = 7; // 12px monospace

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function renderFlameSvg(profile: Profile, opts: FlameSvgOptions = {}): string {
  const width = opts.width ?? 1200;
  const minWidth = opts.minWidth ?? 0.3;
  const root = buildFlameTree(profile);
  const all = root.totalUs || 1;
  const parts: string[] = [];
  let maxDepth = 0;
  const draw = (n: FlameNode, depth: number, x: number, w: number): void => {
    maxDepth = Math.max(maxDepth, depth);
    const share = ((100 * n.totalUs) / all).toFixed(2);
    const y = TOP + depth * ROW;
    const name = n.label.replace(/ \([^()]*\)$/, '');
    const fits = Math.floor((w - 6) / CHAR_PX);
    const text = fits >= 3 ? (name.length <= fits ? name : `${name.slice(0, fits - 2)}..`) : '';
    parts.push(
      `<g><title>${esc(n.label)}: ${share}% of samples (${(n.totalUs / 1000).toFixed(1)} ms, ${n.samples} samples)</title>` +
        `<rect x="${x.toFixed(2)}" y="${y}" width="${Math.max(w - 0.5, 0.1).toFixed(2)}" height="${ROW - 1}" fill="${frameColor(n.label, n.kind)}" rx="2"/>` +
        (text ? `<text x="${(x + 3).toFixed(2)}" y="${y + 12}">${esc(text)}</text>` : '') +
        `</g>`,
    );
    let cx = x;
    for (const k of n.children) {
      const kw = n.totalUs > 0 ? (w * k.totalUs) / n.totalUs : 0;
      if (kw >= minWidth) draw(k, depth + 1, cx, kw);
      cx += kw;
    }
  };
  draw(root, 0, 0, width);
  const height = TOP + (maxDepth + 1) * ROW + 4;
  const title = opts.title ?? defaultTitle(profile);
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, monospace" font-size="12">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${width / 2}" y="16" text-anchor="middle" font-size="15" font-family="system-ui, sans-serif">${esc(title)}</text>
<text x="${width / 2}" y="29" text-anchor="middle" font-size="11" fill="#555" font-family="system-ui, sans-serif">${root.samples} samples over ${(profile.durationMs / 1000).toFixed(1)} s</text>
${parts.join('\n')}
</svg>
`;
}
