// The self-contained HTML flame graph: one file, inline CSS and JS, no network access; frames zoom on click,
// a search box highlights matching frames and says their share, a tooltip gives each frame's share of samples.
import type { Profile } from '../model.js';
import { FLAME_CLIENT_JS } from './flame-html-client.js';
import { buildFlameTree, frameColor, type FlameNode } from './flame-tree.js';

export interface FlameHtmlOptions {
  /** Page and header title. Default: `Flame graph: <processes>`. */
  title?: string;
}

type EncodedNode = [number, number, number, number, EncodedNode[]];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The tree as nested arrays over a string table: a fraction of the size of plain objects. */
function encodeTree(root: FlameNode): { tree: EncodedNode; strings: string[]; colors: string[] } {
  const strings: string[] = [];
  const colors: string[] = [];
  const index = new Map<string, number>();
  const idOf = (n: FlameNode): number => {
    const key = `${n.kind}\u0000${n.label}`;
    let id = index.get(key);
    if (id === undefined) {
      id = strings.length;
      strings.push(n.label);
      colors.push(frameColor(n.label, n.kind));
      index.set(key, id);
    }
    return id;
  };
  const encode = (n: FlameNode): EncodedNode => [idOf(n), Math.round(n.totalUs), Math.round(n.selfUs), n.samples, n.children.map(encode)];
  return { tree: encode(root), strings, colors };
}

export function defaultTitle(profile: Profile): string {
  const who = profile.source.processes.map((p) => p.label ?? `pid ${p.pid}`).join(', ');
  return `Flame graph: ${who || 'profile'}`;
}

export function renderFlameHtml(profile: Profile, opts: FlameHtmlOptions = {}): string {
  const title = opts.title ?? defaultTitle(profile);
  const root = buildFlameTree(profile);
  // `<` escaped so no frame name can close the script element.
  const data = JSON.stringify(encodeTree(root)).replace(/</g, '\\u003c');
  const started = new Date(profile.startTimeMs).toISOString();
  const facts = `${root.samples} samples over ${(profile.durationMs / 1000).toFixed(1)} s, started ${started}, ${profile.source.collector}, ${(1e6 / profile.intervalUs).toFixed(0)} Hz`;
  const warnings = profile.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 13px system-ui, sans-serif; margin: 12px; color: #222; }
  h1 { font-size: 16px; margin: 0 0 4px; }
  .facts { color: #555; margin-bottom: 8px; }
  .bar { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; }
  #search { width: 320px; padding: 3px 6px; }
  #match-info { color: #a0a; font-weight: 600; }
  #chart { position: relative; width: 100%; overflow: hidden; }
  .frame { position: absolute; height: ${17}px; line-height: 17px; box-sizing: border-box; padding: 0 3px; font: 12px ui-monospace, monospace;
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
<h1>${escapeHtml(title)}</h1>
<div class="facts">${escapeHtml(facts)}. Click a frame to zoom, Esc or Reset to zoom out; search takes a regular expression.</div>
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
