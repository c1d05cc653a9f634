// The browser side of both HTML flame graphs, the plain one and the differential one (`D.mode === 'diff'`): lays
// out frames as positioned <div>s, zooms on click, highlights search matches, shows a tooltip with the frame's share
// (for a diff, its share before → after). Colours come with the data, one per node. Written by hand (about 150 lines) because the
// maintained flame graph libraries need d3 (d3-flame-graph) or a framework; inlining d3 would triple the file
// and still need glue. Plain ES2020 in a string: it runs in the page, not in Node, and is checked by the
// browser test (test/flame-html.browser.test.ts).

export const FLAME_CLIENT_JS = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('flame-data').textContent);
  var S = D.strings, C = D.colors, ROW = 18, DIFF = D.mode === 'diff';
  var nodes = [];
  // A node: [label, total, self, samples, children, colour, total before, self before] (the last two in a diff).
  function build(a, parent, depth) {
    var n = { id: nodes.length, s: a[0], t: a[1], self: a[2], samples: a[3], c: a[5], b: a[6], bs: a[7], parent: parent, depth: depth, kids: [] };
    nodes.push(n);
    for (var i = 0; i < a[4].length; i++) n.kids.push(build(a[4][i], n, depth + 1));
    return n;
  }
  var root = build(D.tree, null, 0);
  var all = root.t || 1;
  var chart = document.getElementById('chart');
  var tip = document.getElementById('tip');
  var info = document.getElementById('match-info');
  var search = document.getElementById('search');
  var zoom = root, query = null;

  function label(n) { return S[n.s]; }
  function shortLabel(n) { return label(n).replace(/ \([^()]*\)$/, ''); }
  function pct(x) { return (100 * x / all).toFixed(2) + '%'; }
  function ms(us) { return (us / 1000).toFixed(us < 10000 ? 1 : 0) + ' ms'; }
  function isMatch(n) { return query !== null && n !== root && query.test(label(n)); }

  function place(frag, n, depth, x, w, dim) {
    var el = document.createElement('div');
    var hit = isMatch(n);
    el.className = 'frame' + (dim ? ' dim' : '') + (hit ? ' match' : '');
    el.style.left = x + 'px';
    el.style.top = depth * ROW + 'px';
    el.style.width = Math.max(w - 1, 1) + 'px';
    if (!hit) el.style.background = C[n.c];
    el.setAttribute('data-id', String(n.id));
    if (w > 24) el.textContent = shortLabel(n);
    frag.appendChild(el);
  }

  function render() {
    var width = chart.clientWidth;
    var frag = document.createDocumentFragment();
    var chain = [];
    for (var a = zoom; a; a = a.parent) chain.unshift(a);
    for (var d = 0; d < chain.length; d++) place(frag, chain[d], d, 0, width, chain[d] !== zoom);
    var maxDepth = chain.length - 1;
    (function walk(n, depth, x, w) {
      var cx = x;
      for (var i = 0; i < n.kids.length; i++) {
        var k = n.kids[i];
        var kw = n.t > 0 ? (w * k.t) / n.t : 0;
        if (kw >= 0.5) {
          place(frag, k, depth + 1, cx, kw, false);
          if (depth + 1 > maxDepth) maxDepth = depth + 1;
          walk(k, depth + 1, cx, kw);
        }
        cx += kw;
      }
    })(zoom, chain.length - 1, 0, width);
    chart.replaceChildren(frag);
    chart.style.height = (maxDepth + 1) * ROW + 'px';
    document.getElementById('reset').disabled = zoom === root;
    showMatchShare();
  }

  // Share of all samples under matching frames, each sample counted once (a match inside a match is not added).
  function showMatchShare() {
    if (query === null) { info.textContent = ''; return; }
    var sum = 0, count = 0;
    (function walk(n) {
      if (isMatch(n)) { sum += n.t; count++; return; }
      for (var i = 0; i < n.kids.length; i++) walk(n.kids[i]);
    })(root);
    info.textContent = count ? 'Matched: ' + pct(sum) + (DIFF ? ' of AFTER\'s time' : ' of samples') : 'No match';
  }

  function nodeAt(target) {
    var el = target && target.closest ? target.closest('.frame') : null;
    return el ? nodes[Number(el.getAttribute('data-id'))] : null;
  }

  chart.addEventListener('click', function (e) {
    var n = nodeAt(e.target);
    if (!n) return;
    zoom = n;
    render();
  });
  chart.addEventListener('mousemove', function (e) {
    var n = nodeAt(e.target);
    if (!n) { tip.style.display = 'none'; return; }
    tip.textContent = '';
    var head = document.createElement('b');
    head.textContent = label(n);
    tip.appendChild(head);
    var body = document.createElement('div');
    body.textContent = DIFF
      ? 'total ' + pct(n.b) + ' → ' + pct(n.t) + ', self ' + pct(n.bs) + ' → ' + pct(n.self) + ' (share of each side\'s time, before → after)'
      : pct(n.t) + ' of samples (' + ms(n.t) + ', ' + n.samples + ' samples), self ' + pct(n.self);
    tip.appendChild(body);
    tip.style.display = 'block';
    var x = Math.min(e.pageX + 12, document.documentElement.scrollWidth - tip.offsetWidth - 8);
    tip.style.left = x + 'px';
    tip.style.top = e.pageY + 14 + 'px';
  });
  chart.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  document.getElementById('reset').addEventListener('click', function () { zoom = root; render(); });
  search.addEventListener('input', function () {
    var v = search.value.trim();
    if (!v) query = null;
    else {
      try { query = new RegExp(v, 'i'); }
      catch (err) { query = new RegExp(v.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'), 'i'); }
    }
    render();
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { zoom = root; render(); }
  });
  window.addEventListener('resize', render);
  render();
  document.body.setAttribute('data-rendered', 'true');
})();
`;
