// The self-contained HTML flame graph: one file, inline CSS and JS, no network access; frames zoom on click,
// a search box highlights matching frames and says their share, a tooltip gives each frame's share of samples.
// The page (renderFlamePage) and its client are shared with the differential flame graph (diff/diff-html.ts).
import type { Profile } from '../model.js';
import { FLAME_CLIENT_JS } from './flame-html-client.js';
import { buildFlameTree, frameColor, type FlameNode } from './flame-tree.js';

export interface FlameHtmlOptions {
  /** Page and header title. Default: `Flame graph: <processes>`. */
  title?: string;
}

/** `[label, total, self, samples, children, colour, total before, self before]`: the client's node (see flame-html-client.ts). */
export type EncodedNode = [number, number, number, number, EncodedNode[], number, number?, number?];

export interface FlameData {
  mode: 'flame' | 'diff';
  tree: EncodedNode;
  strings: string[];
  colors: string[];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Interning tables for labels and colours: the tree as nested arrays over them is a fraction of plain objects' size. */
export function interner(): { strings: string[]; colors: string[]; label(text: string): number; color(css: string): number } {
  const strings: string[] = [];
  const colors: string[] = [];
  const labels = new Map<string, number>();
  const colours = new Map<string, number>();
  const intern = (table: string[], index: Map<string, number>, value: string): number => {
    let id = index.get(value);
    if (id === undefined) {
      id = table.length;
      table.push(value);
      index.set(value, id);
    }
    return id;
  };
  return { strings, colors, label: (t) => intern(strings, labels, t), color: (c) => intern(colors, colours, c) };
}

function encodeTree(root: FlameNode): FlameData {
  const t = interner();
  const encode = (n: FlameNode): EncodedNode => [t.label(n.label), Math.round(n.totalUs), Math.round(n.selfUs), n.samples, n.children.map(encode), t.color(frameColor(n.label, n.kind))];
  return { mode: 'flame', tree: encode(root), strings: t.strings, colors: t.colors };
}

export interface FlamePage {
  title: string;
  /** One line under the title: what was sampled. */
  facts: string;
  /** HTML of the colour legend (trusted: built by the caller from fixed text). */
  legendHtml: string;
  warnings: string[];
  data: FlameData;
}

/** The page both flame graphs share: header, legend, search and zoom bar, the chart, its data and its client. */
export function renderFlamePage(page: FlamePage): string {
  // `<` escaped so no frame name can close the script element.
  const data = JSON.stringify(page.data).replace(/</g, '\\u003c');
  const warnings = page.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
  body { font: 13px system-ui, sans-serif; margin: 12px; color: #222; }
  h1 { font-size: 16px; margin: 0 0 4px; }
  .facts { color: #555; margin-bottom: 8px; }
  .legend { margin-bottom: 8px; color: #444; }
  .legend span { display: inline-block; padding: 0 6px; margin-right: 4px; border-radius: 2px; }
  .bar { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; }
  #search { width: 320px; padding: 3px 6px; }
  #match-info { color: #a0a; font-weight: 600; }
  #chart { position: relative; width: 100%; overflow: hidden; }
  .frame { position: absolute; height: 17px; line-height: 17px; box-sizing: border-box; padding: 0 3px; font: 12px ui-monospace, monospace;
           overflow: hidden; white-space: nowrap; text-overflow: ellipsis; cursor: pointer; border-radius: 2px; color: #111; }
  .frame:hover { outline: 1px solid #333; }
  .frame.dim { opacity: 0.55; }
  .frame.match { background: #e0e !important; color: #fff; }
  #tip { position: absolute; display: none; max-width: 640px; background: #fffff0; border: 1px solid #999; padding: 4px 6px;
         pointer-events: none; font: 12px ui-monospace, monospace; box-shadow: 0 2px 6px rgba(0,0,0,.2); z-index: 10; word-break: break-all; }
  .warnings { color: #a60; }
</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<div class="facts">${escapeHtml(page.facts)}. Click a frame to zoom, Esc or Reset to zoom out; search takes a regular expression.</div>
<div class="legend">${page.legendHtml}</div>
${warnings ? `<ul class="warnings">${warnings}</ul>` : ''}
<div class="bar"><input id="search" type="search" placeholder="Search frames (regex)" aria-label="Search frames"><button id="reset" type="button">Reset zoom</button><span id="match-info"></span></div>
<div id="chart"></div>
<div id="tip"></div>
<script type="application/json" id="flame-data">${data}</script>
<script>${FLAME_CLIENT_JS}</script>
</body>
</html>
`;
}

const FLAME_LEGEND = `colour: <span style="background:rgb(230,140,60)">running (CPU)</span><span style="background:${frameColor('', 'wait')};color:#fff">waiting (blocked in a call)</span><span style="background:${frameColor('', 'idle')}">idle</span><span style="background:${frameColor('', 'process')}">process / thread</span>`;

export function defaultTitle(profile: Profile): string {
  const who = profile.source.processes.map((p) => p.label ?? `pid ${p.pid}`).join(', ');
  return `Flame graph: ${who || 'profile'}`;
}

export function renderFlameHtml(profile: Profile, opts: FlameHtmlOptions = {}): string {
  const root = buildFlameTree(profile);
  const started = new Date(profile.startTimeMs).toISOString();
  return renderFlamePage({
    title: opts.title ?? defaultTitle(profile),
    facts: `${root.samples} samples over ${(profile.durationMs / 1000).toFixed(1)} s, started ${started}, ${profile.source.collector}, ${(1e6 / profile.intervalUs).toFixed(0)} Hz`,
    legendHtml: FLAME_LEGEND,
    warnings: profile.warnings,
    data: encodeTree(root),
  });
}
