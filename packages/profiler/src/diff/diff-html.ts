// The differential flame graph as one self-contained HTML file (no network, no external scripts): widths from
// AFTER, red where a stack's share of time grew, blue where it shrank; click zooms, the search box highlights.
// Written here rather than through the plain flame graph writer because it needs its own colours and tooltips.
import type { ProfileDiff } from './diff-profiles.js';

export interface DiffHtmlOptions {
  title?: string;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderDiffHtml(diff: ProfileDiff, opts: DiffHtmlOptions = {}): string {
  const title = opts.title ?? `Differential flame graph: ${diff.before.name} → ${diff.after.name}`;
  // `<` escaped so frame names can never close the script element.
  const data = JSON.stringify({ tree: diff.tree, before: diff.before, after: diff.after }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:12px system-ui,sans-serif;margin:0;padding:8px 12px;color:#222}
h1{font-size:15px;margin:4px 0}
#bar{display:flex;gap:12px;align-items:center;margin:6px 0}
#legend span{display:inline-block;padding:1px 6px;margin-right:4px;border-radius:2px}
#graph{position:relative;width:100%;overflow:hidden;border-top:1px solid #ddd}
.f{position:absolute;height:17px;box-sizing:border-box;border:1px solid #fff;overflow:hidden;white-space:nowrap;
 font:11px ui-monospace,monospace;line-height:15px;padding-left:3px;cursor:pointer}
.f.match{outline:2px solid #d0a000;outline-offset:-2px}
#tip{position:fixed;pointer-events:none;background:#fffbe6;border:1px solid #aaa;padding:4px 6px;display:none;font-size:11px;max-width:560px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<div id="legend">width: share of AFTER's time · colour: change in share from BEFORE to AFTER
 <span style="background:#e0301e;color:#fff">grew</span><span style="background:#ddd">same</span><span style="background:#2e6fd8;color:#fff">shrank</span></div>
<div id="bar"><input id="search" placeholder="search frames (regex)" size="32"><button id="reset">reset zoom</button><span id="status"></span></div>
<div id="graph"></div><div id="tip"></div>
<script id="diff-data" type="application/json">${data}</script>
<script>
(() => {
  const D = JSON.parse(document.getElementById('diff-data').textContent);
  const graph = document.getElementById('graph'), tip = document.getElementById('tip'), status = document.getElementById('status');
  const ROW = 17;
  let maxAbs = 0, maxDepth = 0;
  (function scan(n, d) { maxAbs = Math.max(maxAbs, Math.abs(n.after - n.before)); maxDepth = Math.max(maxDepth, d);
    n.children.forEach(c => scan(c, d + 1)); })(D.tree, 0);
  const pct = x => (x * 100).toFixed(2) + '%';
  function colour(n) {
    const t = maxAbs > 0 ? (n.after - n.before) / maxAbs : 0;
    const k = Math.min(1, Math.abs(t));
    if (t > 0) return 'rgb(' + Math.round(235 - 11 * k) + ',' + Math.round(225 - 177 * k) + ',' + Math.round(225 - 195 * k) + ')';
    if (t < 0) return 'rgb(' + Math.round(225 - 179 * k) + ',' + Math.round(225 - 114 * k) + ',' + Math.round(235 - 19 * k) + ')';
    return 'rgb(221,221,221)';
  }
  let zoom = D.tree;
  function draw() {
    graph.innerHTML = '';
    graph.style.height = ((maxDepth + 1) * ROW) + 'px';
    const W = graph.clientWidth, scale = zoom.after > 0 ? W / zoom.after : 0;
    const re = currentSearch();
    let matched = 0;
    function place(n, depth, x) {
      const w = n.after * scale;
      if (w < 0.5) return;
      const el = document.createElement('div');
      el.className = 'f';
      el.style.left = x + 'px'; el.style.width = w + 'px';
      el.style.top = ((maxDepth - depth) * ROW) + 'px';
      el.style.background = colour(n);
      if (Math.abs(n.after - n.before) / (maxAbs || 1) > 0.55) el.style.color = '#fff';
      el.textContent = w > 30 ? n.label : '';
      if (re && re.test(n.label)) { el.classList.add('match'); matched++; }
      el.onmousemove = e => { tip.style.display = 'block'; tip.style.left = (e.clientX + 12) + 'px'; tip.style.top = (e.clientY + 12) + 'px';
        tip.textContent = n.label + ' — total ' + pct(n.before) + ' → ' + pct(n.after) + ', self ' + pct(n.beforeSelf) + ' → ' + pct(n.afterSelf); };
      el.onmouseleave = () => { tip.style.display = 'none'; };
      el.onclick = () => { zoom = n; draw(); };
      graph.appendChild(el);
      let cx = x;
      for (const c of n.children) { place(c, depth + 1, cx); cx += c.after * scale; }
    }
    const path = findPath(D.tree, zoom) || [D.tree];
    let depth = 0;
    for (const anc of path.slice(0, -1)) {
      const el = document.createElement('div'); el.className = 'f'; el.style.left = '0px'; el.style.width = W + 'px';
      el.style.top = ((maxDepth - depth) * ROW) + 'px'; el.style.background = colour(anc); el.style.opacity = '0.6';
      el.textContent = anc.label; el.onclick = () => { zoom = anc; draw(); }; graph.appendChild(el); depth++;
    }
    place(zoom, depth, 0);
    status.textContent = re ? matched + ' matching frames' : '';
  }
  function findPath(n, target) {
    if (n === target) return [n];
    for (const c of n.children) { const p = findPath(c, target); if (p) return [n, ...p]; }
    return null;
  }
  function currentSearch() {
    const q = document.getElementById('search').value;
    if (!q) return null;
    try { return new RegExp(q); } catch { return null; }
  }
  document.getElementById('search').oninput = draw;
  document.getElementById('reset').onclick = () => { zoom = D.tree; draw(); };
  window.onresize = draw;
  draw();
})();
</script></body></html>
`;
}
