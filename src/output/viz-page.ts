/**
 * The browser side of the `--viz` page (viz.ts writes it inline): plain ES2017 run by the browser, not
 * by Node, over the JSON in `#viz-data` and the global `uPlot`. It draws one chart per metric and exposes
 * what it drew on each chart's element (`data-change-points`, `data-acks`, `data-version-changes`) and on
 * `window.perfhoundViz`, which the end-to-end test (test/dashboard/orion-viz.e2e.test.ts) reads.
 */

export const VIZ_STYLE = `
body { margin: 0; background: #1a1a2e; color: #e8e8f0; font: 13px/1.4 system-ui, sans-serif; }
header { text-align: center; padding: 16px 12px 4px; }
header h1 { margin: 0; font-size: 20px; }
header .sub { color: #aaa; font-size: 12px; }
header .cps span { margin: 0 6px; font-size: 11px; }
main { padding: 0 16px 24px; }
.panel { background: #16213e; margin: 14px 0; padding: 8px 10px; border-radius: 6px; }
.panel h2 { margin: 2px 0 6px; font-size: 13px; font-weight: 600; }
.empty { text-align: center; color: #aaa; padding: 40px; }
.u-axis { color: #ccc; }
.u-over { cursor: pointer; }
#tip { position: fixed; z-index: 10; pointer-events: none; background: #1e1e3a; border: 1px solid #666; border-radius: 4px;
  padding: 6px 8px; font-size: 12px; white-space: nowrap; }
#tip b.red { color: #ff4444; } #tip b.green { color: #39ff14; }
.toast { position: fixed; bottom: 20px; right: 20px; background: #39ff14; color: #1a1a2e; padding: 10px 20px;
  border-radius: 6px; font: 13px monospace; }
`;

export const VIZ_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('viz-data').textContent);
  var RED = '#ff4444', GREEN = '#39ff14', VERSION = 'rgba(255,170,0,0.6)';
  // Orion's palette without its red and green, which here mean regression and improvement/ack
  var COLORS = ['#00d4ff', '#ff6ec7', '#ffaa00', '#aa88ff', '#4dabf7', '#f783ac', '#ffd43b', '#b197fc'];
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var runs = data.runs;
  var xs = runs.map(function (_, i) { return i; });
  var state = { charts: [], opened: [] };
  window.perfhoundViz = state;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function two(n) { return n < 10 ? '0' + n : '' + n; }
  function day(ms) { var d = new Date(ms); return MONTHS[d.getUTCMonth()] + ' ' + two(d.getUTCDate()); }
  function stamp(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + '-' + two(d.getUTCMonth() + 1) + '-' + two(d.getUTCDate()) + ' ' + two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ' UTC';
  }
  // Orion's _short_version: "4.22.0-0.nightly-2026-02-03-002928" -> "nightly-02-03"
  function shortVersion(v) {
    if (v === null || v === undefined) return '';
    var m = /nightly-\d{4}-(\d{2}-\d{2})/.exec(String(v));
    return m ? 'nightly-' + m[1] : String(v).slice(0, 20);
  }
  function num(v) {
    if (v === null || v === undefined) return 'N/A';
    return v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 4 });
  }
  function pct(p) { return (p >= 0 ? '+' : '') + p.toFixed(1) + '%'; }

  function title() {
    var header = document.getElementById('title');
    header.appendChild(el('h1', '', 'Orion: ' + data.test));
    var count = data.metrics.reduce(function (s, m) { return s + m.changePoints.length; }, 0);
    var span = runs.length ? day(runs[0].timeMs) + ' - ' + day(runs[runs.length - 1].timeMs) + ', ' + new Date(runs[runs.length - 1].timeMs).getUTCFullYear() : 'no runs';
    header.appendChild(el('div', 'sub', span + ' | ' + runs.length + ' runs | ' + count + ' ' + (count === 1 ? 'changepoint' : 'changepoints')));
    var cps = el('div', 'cps');
    data.metrics.forEach(function (m) {
      m.changePoints.forEach(function (cp) {
        var s = el('span', '', m.name + ': ' + pct(cp.percent));
        s.style.color = cp.regression ? RED : GREEN;
        cps.appendChild(s);
      });
    });
    header.appendChild(cps);
  }

  function diamond(ctx, x, y, r, fill) {
    ctx.beginPath();
    ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); ctx.closePath();
    ctx.fillStyle = fill; ctx.fill();
    ctx.lineWidth = 2 * uPlot.pxRatio; ctx.strokeStyle = '#ffffff'; ctx.stroke();
  }
  function vline(ctx, u, x, color, dash, width) {
    ctx.beginPath();
    ctx.setLineDash(dash.map(function (d) { return d * uPlot.pxRatio; }));
    ctx.strokeStyle = color; ctx.lineWidth = width * uPlot.pxRatio;
    ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
    ctx.setLineDash([]);
  }

  // Version changes, change points (line, diamond, percentage) and acks over the drawn series; counts
  // what it drew on the panel so a test can check the chart, not just the data.
  function marks(u, m, panel) {
    var ctx = u.ctx, px = uPlot.pxRatio, drawn = { versions: 0, changePoints: 0, acks: 0 };
    ctx.save();
    data.versionChanges.forEach(function (i) { vline(ctx, u, u.valToPos(i, 'x', true), VERSION, [2, 3], 1); drawn.versions++; });
    m.changePoints.forEach(function (cp) {
      var color = cp.regression ? RED : GREEN, x = u.valToPos(cp.index, 'x', true), v = m.values[cp.index];
      vline(ctx, u, x, color, [6, 4], 1.5);
      if (v !== null) diamond(ctx, x, u.valToPos(v, 'y', true), 7 * px, color);
      ctx.fillStyle = color; ctx.font = 'bold ' + 11 * px + 'px system-ui, sans-serif'; ctx.textAlign = 'left';
      ctx.fillText(pct(cp.percent), x + 5 * px, u.bbox.top + 12 * px);
      drawn.changePoints++;
    });
    m.acks.forEach(function (a) {
      var v = m.values[a.index];
      if (v === null) return;
      diamond(ctx, u.valToPos(a.index, 'x', true), u.valToPos(v, 'y', true), 7 * px, GREEN);
      drawn.acks++;
    });
    ctx.restore();
    panel.dataset.versionChanges = drawn.versions;
    panel.dataset.changePoints = drawn.changePoints;
    panel.dataset.acks = drawn.acks;
  }

  var tip = document.getElementById('tip');
  function showTip(u, m) {
    var i = u.cursor.idx;
    if (i === null || i === undefined || u.cursor.left < 0) { tip.hidden = true; return; }
    var r = runs[i];
    tip.textContent = '';
    tip.appendChild(el('b', '', m.name + ': ' + num(m.values[i])));
    var lines = ['Date: ' + stamp(r.timeMs), 'Version: ' + (r.version === null ? 'N/A' : r.version), 'UUID: ' + r.uuid, 'Build: ' + (r.buildUrl ? r.buildUrl.slice(-60) : 'N/A')];
    m.changePoints.forEach(function (cp) {
      if (cp.index !== i) return;
      var b = el('b', cp.regression ? 'red' : 'green', 'CHANGEPOINT ' + pct(cp.percent));
      tip.appendChild(el('br')); tip.appendChild(b);
      lines.push('Mean before: ' + num(cp.meanBefore), 'Mean after: ' + num(cp.meanAfter));
    });
    m.acks.forEach(function (a) { if (a.index === i) lines.push('ACKed: ' + a.reason); });
    lines.push('(click: open the build; right-click: copy the UUID)');
    lines.forEach(function (l) { tip.appendChild(el('br')); tip.appendChild(document.createTextNode(l)); });
    var box = u.over.getBoundingClientRect();
    tip.hidden = false;
    var left = box.left + u.cursor.left + 14;
    if (left + tip.offsetWidth > window.innerWidth) left = box.left + u.cursor.left - tip.offsetWidth - 14;
    tip.style.left = Math.max(0, left) + 'px';
    tip.style.top = box.top + u.cursor.top + 14 + 'px';
  }

  function toast(text) {
    var t = el('div', 'toast', text);
    document.body.appendChild(t);
    setTimeout(function () { t.remove(); }, 1500);
  }

  function chart(m, k) {
    var panel = el('section', 'panel');
    panel.dataset.metric = m.name;
    panel.appendChild(el('h2', '', (m.labels.length ? m.labels.join(' ') + ' ' : '') + m.name));
    var box = el('div');
    panel.appendChild(box);
    document.getElementById('charts').appendChild(panel);
    var color = COLORS[k % COLORS.length];
    var present = m.values.filter(function (v) { return v !== null; });
    var lo = present.length ? Math.min.apply(null, present) : 0, hi = present.length ? Math.max.apply(null, present) : 1;
    // Orion's padding: 15 % of the span, at least 5 % of the mean (or 1), so flat metrics fill the chart
    var pad = Math.max((hi - lo) * 0.15, Math.abs(m.mean || 0) * 0.05 || 1);
    var opts = {
      width: Math.max(300, panel.clientWidth - 20),
      height: 300,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 10 } },
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, runs.length - 0.5)] }, y: { range: [lo - pad, hi + pad] } },
      axes: [
        {
          stroke: '#ccc', size: 46, space: 80, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
          grid: { stroke: 'rgba(255,255,255,0.08)' }, ticks: { stroke: 'rgba(255,255,255,0.2)' },
          values: function (u, splits) {
            return splits.map(function (i) { var r = runs[i]; return r ? day(r.timeMs) + '\n' + shortVersion(r.version) : ''; });
          },
        },
        { stroke: '#ccc', size: 70, grid: { stroke: 'rgba(255,255,255,0.08)' }, ticks: { stroke: 'rgba(255,255,255,0.2)' } },
      ],
      series: [
        {},
        { label: m.name, stroke: color, width: 2, spanGaps: false, points: { show: true, size: 6, fill: color, stroke: color } },
        { label: 'avg: ' + num(m.mean), stroke: 'rgba(255,255,255,0.35)', width: 1, dash: [2, 4], points: { show: false } },
      ],
      hooks: {
        draw: [function (u) { marks(u, m, panel); }],
        setCursor: [function (u) { showTip(u, m); }],
      },
    };
    var u = new uPlot(opts, [xs, m.values, xs.map(function () { return m.mean; })], box);
    u.over.addEventListener('mouseleave', function () { tip.hidden = true; });
    u.over.addEventListener('click', function () {
      var i = u.cursor.idx;
      var url = i === null || i === undefined ? null : runs[i].buildUrl;
      if (!url) return;
      state.opened.push(url);
      window.open(url, '_blank', 'noopener');
    });
    u.over.addEventListener('contextmenu', function (e) {
      var i = u.cursor.idx;
      if (i === null || i === undefined) return;
      e.preventDefault();
      var uuid = runs[i].uuid;
      if (navigator.clipboard) navigator.clipboard.writeText(uuid).catch(function () {});
      toast('Copied UUID: ' + uuid);
    });
    state.charts.push({ metric: m.name, plot: u, panel: panel });
  }

  title();
  if (!runs.length || !data.metrics.length) document.getElementById('charts').appendChild(el('p', 'empty', 'No data to plot.'));
  else data.metrics.forEach(chart);
  window.addEventListener('resize', function () {
    state.charts.forEach(function (c) { c.plot.setSize({ width: Math.max(300, c.panel.clientWidth - 20), height: 300 }); });
  });
  document.body.dataset.ready = 'true';
})();
`;
