/**
 * One test's metric(s) over time: uPlot line with change points marked (acked ones dashed grey), the
 * before/after means as steps, hover with run uuid / value / version / build, click to the run, drag to zoom
 * (kept in the URL), pan buttons, linear/log y-axis, several metrics overlaid or one metric split by a run
 * metadata key (one coloured line per value, see ../split.ts), CSV download.
 */
import { api, ApiError, type Params, type RegressionRecord, type SeriesAnswer } from '../api.js';
import { axis, chartWidth, cssVar, followWidth, PALETTE, uPlot } from '../chart.js';
import { csvField, download, empty, errorBox, extLink, fmtNumber, fmtTime, h, loading, table } from '../dom.js';
import { href, replaceQuery, type Route } from '../router.js';
import { runMetadata, splitPoints, type Split } from '../split.js';

const PASS_THROUGH = ['version', 'lookback', 'since', 'metadata-index', 'benchmark-index'] as const;
const HEIGHT = 380;

declare global {
  interface Window {
    /** The chart on the page, for tests and the curious (console). */
    perfhoundPlot?: uPlot;
    /** Milliseconds from the view's start (its requests) to the first frame with the chart drawn. */
    perfhoundRenderMs?: number;
    /** Of it, from the answers parsed to that frame: the page's own work on the data (transforms, uPlot). */
    perfhoundDrawMs?: number;
  }
}

const num = (v: number | string | null): number | null => (typeof v === 'number' ? v : null);

export async function seriesView(el: HTMLElement, route: Route): Promise<(() => void) | void> {
  const started = performance.now();
  window.perfhoundRenderMs = window.perfhoundDrawMs = undefined;
  const q = route.query;
  const test = q.get('test') ?? '';
  const metrics = q.getAll('metric').flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean);
  let config = q.get('config') ?? '';
  const splitKey = (q.get('split') ?? '').trim();
  const splitValues = (q.get('values') ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  const extra: Params = Object.fromEntries(PASS_THROUGH.map((k) => [k, q.get(k) ?? undefined]));
  el.append(h('h1', {}, 'Series', test ? `: ${test}` : ''));
  const body = h('div', {});
  el.append(body);
  // Requests that do not depend on each other go out together: the page is drawn after the slowest.
  const seriesOf = (c: string) => Promise.all((metrics.length ? metrics : [undefined]).map((metric) => api.series({ config: c, test, metric, ...extra })));
  const early = config && test ? seriesOf(config) : undefined;
  early?.catch(() => undefined);
  const ackedOf = (metric: string) => api.regressions({ test, metric, status: 'acknowledged', limit: 10_000 }).then((r) => r.regressions, () => [] as RegressionRecord[]);
  const earlyAcked = test && metrics[0] ? ackedOf(metrics[0]) : undefined;
  let configs: string[] = [];
  try {
    configs = (await api.configs()).options;
  } catch (err) {
    body.append(errorBox((err as Error).message));
    return;
  }
  el.insertBefore(seriesForm(configs, { config, test, metric: metrics.join(','), split: splitKey, values: splitValues.join(','), ...Object.fromEntries(PASS_THROUGH.map((k) => [k, q.get(k) ?? ''])) }), body);
  if (!configs.length) {
    body.append(empty('The daemon has no analysis configs, so it cannot draw series.', 'perfhound serve --config-dir ./configs'));
    return;
  }
  if (!test) {
    body.append(empty('Pick a test and metric above, or open a regression from the home page.'));
    return;
  }
  const stop = loading(body, 'series');
  let answers: SeriesAnswer[];
  let split: SplitBy | undefined;
  try {
    if (!config) config = await findConfig(configs, test, metrics[0], extra);
    answers = await (early ?? seriesOf(config));
    if (!q.get('config')) {
      replaceQuery({ config });
      el.querySelector<HTMLSelectElement>('select[name=config]')!.value = config;
    }
    if (splitKey && answers[0].points.length) {
      const values = await runMetadata(answers[0].points, splitKey);
      split = { key: splitKey, values, split: splitPoints(values, splitKey, splitValues) };
      if (values.every((v) => v === undefined)) answers[0].warnings = [`no run of this series has metadata ${splitKey}: the runs list (#/runs) shows their keys`, ...answers[0].warnings];
    }
  } catch (err) {
    body.replaceChildren(errorBox((err as Error).message));
    return;
  } finally {
    stop();
  }
  const main = answers[0];
  if (!main.points.length) {
    body.replaceChildren(empty(`No runs match test ${test} yet.`, `perfhound ingest … (then reload)`), ...main.warnings.map((w) => h('p', { className: 'warning' }, w)));
    return;
  }
  // Without the regressions the chart still draws; nothing is styled as acked.
  const acked = await (earlyAcked && metrics[0] === main.metric ? earlyAcked : ackedOf(main.metric));
  if (split && metrics.length > 1) main.warnings = [`split by ${split.key}: only the first metric (${main.metric}) is drawn`, ...main.warnings];
  return drawSeries(body, split ? [main] : answers, { acked, split, log: q.get('log') === '1', from: q.get('from'), to: q.get('to'), run: q.get('run'), started, answered: performance.now() });
}

/** The first config that has the test (and metric): regressions do not name their config. */
async function findConfig(configs: string[], test: string, metric: string | undefined, extra: Params): Promise<string> {
  for (const config of configs) {
    try {
      await api.series({ config, test, metric, ...extra });
      return config;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
    }
  }
  throw new ApiError(`no config of the daemon has test ${test}${metric ? ` with metric ${metric}` : ''} (configs: ${configs.join(', ')})`, 404);
}

function seriesForm(configs: string[], values: Record<string, string>): HTMLFormElement {
  const input = (name: string, label: string, placeholder = '') => h('label', {}, `${label} `, h('input', { name, value: values[name] ?? '', placeholder }));
  const form = h(
    'form',
    { className: 'filters', 'aria-label': 'series' },
    h('label', {}, 'Config ', h('select', { name: 'config' }, h('option', { value: '' }, '(find it)'), configs.map((c) => h('option', { value: c, selected: c === values.config }, c)))),
    input('test', 'Test'),
    input('metric', 'Metrics', 'a,b overlays'),
    input('split', 'Split by metadata', 'platform'),
    input('values', 'Values', 'AWS,GCP (default: all)'),
    input('since', 'Since', 'YYYY-MM-DD'),
    input('lookback', 'Lookback', '30d'),
    input('version', 'Version'),
    input('metadata-index', 'Metadata index'),
    input('benchmark-index', 'Benchmark index'),
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()]));
    const metric = data.metric ? data.metric.split(',').map((m) => m.trim()).filter(Boolean) : undefined;
    location.hash = href(['series'], { ...data, metric });
  });
  return form;
}

/** One metric split by a run metadata key: each point's value of the key and the lines they make. */
interface SplitBy {
  key: string;
  values: (string | undefined)[];
  split: Split;
}

/** A line of the chart: a metric, or one metadata value's points of the metric. */
interface Line {
  label: string;
  values: (number | null)[];
  scale: 'y' | 'y2';
}

/**
 * The means' steps as one horizontal stroke per level (a level runs up to the next level's first point):
 * a few segments where uPlot's stepped path would dash tens of thousands of them.
 */
const levelPaths: uPlot.Series.PathBuilder = (u, seriesIdx, idx0, idx1) => {
  const xs = u.data[0];
  const ys = u.data[seriesIdx];
  const path = new Path2D();
  let start = idx0;
  for (let i = idx0; i <= idx1; i++) {
    if (i < idx1 && ys[i + 1] === ys[i]) continue;
    const level = ys[i];
    if (level !== null && level !== undefined) {
      const y = u.valToPos(level, 'y', true);
      path.moveTo(u.valToPos(xs[start], 'x', true), y);
      path.lineTo(u.valToPos(xs[Math.min(i + 1, idx1)], 'x', true), y);
    }
    start = i + 1;
  }
  return { stroke: path };
};

interface DrawOptions {
  /** Acknowledged regressions of the metric: analyses honour acks, so these are no change points of the answer. */
  acked: RegressionRecord[];
  split: SplitBy | undefined;
  log: boolean;
  from: string | null;
  to: string | null;
  run: string | null;
  started: number;
  answered: number;
}

function drawSeries(body: HTMLElement, answers: SeriesAnswer[], o: DrawOptions): () => void {
  const main = answers[0];
  const points = main.points;
  const xs = points.map((p) => Date.parse(p.timestamp) / 1000);
  // Run uuid → point, only for what needs it (acked regressions, a highlighted run): 20 000 entries are not free.
  const index = o.acked.length || o.run ? new Map(points.map((p, i) => [p.uuid, i])) : new Map<string, number>();
  // Other metrics aligned on the main metric's runs.
  const ys = answers.map((a) => {
    if (a === main) return points.map((p) => num(p.value));
    const byUuid = new Map(a.points.map((p) => [p.uuid, num(p.value)]));
    return points.map((p) => byUuid.get(p.uuid) ?? null);
  });
  const split = o.split;
  const lines: Line[] = split
    ? split.split.lines.map((l, k) => ({ label: `${l.label} (${l.count})`, values: ys[0].map((v, i) => (split.split.lineOf[i] === k ? v : null)), scale: 'y' }))
    : answers.map((a, i) => ({ label: a.metric, values: ys[i], scale: i === 0 ? 'y' : 'y2' }));
  // The before/after means as steps: segment k's level is the mean after change point k−1.
  const cps = [...main.changePoints].sort((a, b) => a.index - b.index);
  const steps: (number | null)[] = new Array<number | null>(points.length).fill(null);
  if (cps.length) {
    let k = 0;
    for (let i = 0; i < points.length; i++) {
      while (k < cps.length && i >= cps[k].index) k++;
      steps[i] = k === 0 ? num(cps[0].meanBefore) : num(cps[k - 1].meanAfter);
    }
  }
  const info = h('div', { className: 'hover', 'aria-live': 'polite' }, 'Hover the chart for a run; click to open it; drag to zoom.');
  const holder = h('div', { className: 'chart', id: 'series-chart', tabindex: 0, 'aria-label': 'chart: ← → step through the runs (Page Up/Down, Home/End), Enter opens the run' });
  const controls = h(
    'div',
    { className: 'chart-controls' },
    h('label', {}, h('input', { type: 'checkbox', id: 'log-y', checked: o.log }), ' log y-axis'),
    h('button', { type: 'button', id: 'pan-left', 'aria-label': 'pan left' }, '◀'),
    h('button', { type: 'button', id: 'pan-right', 'aria-label': 'pan right' }, '▶'),
    h('button', { type: 'button', id: 'zoom-reset' }, 'Reset zoom'),
    h('button', { type: 'button', id: 'csv' }, 'Download CSV'),
  );
  // Change points of the answer, plus acknowledged regressions on runs of the chart (styled apart).
  const ackedUuids = new Set(o.acked.map((r) => r.runUuid));
  const marks = [
    ...cps.map((cp) => ({ ...cp, acked: ackedUuids.has(cp.uuid) })),
    ...o.acked
      .filter((r) => index.has(r.runUuid) && !cps.some((c) => c.uuid === r.runUuid))
      .map((r) => ({ index: index.get(r.runUuid)!, uuid: r.runUuid, percentageChange: r.percentageChange, meanBefore: r.meanBefore, meanAfter: r.meanAfter, acked: true })),
  ].sort((a, b) => a.index - b.index);
  const cpTable = table(
    ['Run', 'When', 'Change', 'Mean before', 'Mean after', 'Status'],
    marks.map((cp) => [
      h('a', { href: href(['run', cp.uuid]), className: `mono cp-run${cp.acked ? ' acked' : ''}` }, cp.uuid),
      fmtTime(points[cp.index]?.timestamp),
      `${fmtNumber(cp.percentageChange, 3)} %`,
      fmtNumber(cp.meanBefore),
      fmtNumber(cp.meanAfter),
      cp.acked ? 'acknowledged' : 'open',
    ]),
    `Change points of ${main.metric}`,
  );
  cpTable.id = 'change-points';
  body.replaceChildren(controls, holder, info, marks.length ? cpTable : h('p', { className: 'muted' }, `No change points in ${main.metric}.`), ...main.warnings.map((w) => h('p', { className: 'warning' }, w)));

  const accent = cssVar('--bad', '#c23b3b');
  const mutedColor = cssVar('--muted', '#888');
  const series: uPlot.Series[] = [
    {},
    ...lines.map((l, i) => ({ label: l.label, stroke: PALETTE[i % PALETTE.length], width: points.length > 2000 ? 1 : 1.5, scale: l.scale, points: { show: points.length < 400, size: 4 }, spanGaps: true })),
    // The means' steps only when there is a change point: else the legend would name an empty line.
    ...(cps.length ? [{ label: 'mean (before/after)', stroke: accent, width: 2, dash: [6, 3], paths: levelPaths, points: { show: false } }] : []),
  ];
  const data: uPlot.AlignedData = [xs, ...lines.map((l) => l.values), ...(cps.length ? [steps] : [])];
  const highlight = o.run ? index.get(o.run) : undefined;
  /** The point picked with the keyboard (many points share a pixel: the cursor alone cannot step through them). */
  let keyed: number | undefined;
  const showPoint = (i: number) => {
    const p = points[i];
    info.replaceChildren(
      h('span', { className: 'mono' }, p.uuid),
      ` · ${fmtTime(p.timestamp)} · `,
      ...answers.map((a, k) => h('span', {}, `${a.metric} = ${fmtNumber(ys[k][i])} `)),
      split ? h('span', { className: 'split-value' }, `· ${split.key} = ${split.values[i] ?? '–'} `) : '',
      p.version ? `· ${p.version} ` : '',
      ...(p.buildUrl ? ['· ', extLink(p.buildUrl, 'build')] : []),
    );
    info.dataset.uuid = p.uuid;
  };
  let downAt: [number, number] | null = null;
  const opts: uPlot.Options = {
    width: chartWidth(body),
    height: 380,
    title: `${main.test} — ${split ? `${main.metric} by ${split.key}` : answers.map((a) => a.metric).join(', ')}`,
    series,
    scales: { x: { time: true }, y: { distr: o.log ? 3 : 1 }, y2: { distr: o.log ? 3 : 1 } },
    axes: [axis(), axis({ scale: 'y', size: 70 }), ...(lines.some((l) => l.scale === 'y2') ? [axis({ scale: 'y2', side: 1, grid: { show: false } })] : [])],
    cursor: { drag: { x: true, y: false }, focus: { prox: 16 } },
    legend: { show: true },
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          ctx.save();
          for (const cp of marks) {
            const x = u.valToPos(xs[cp.index], 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            const isAcked = cp.acked;
            ctx.strokeStyle = isAcked ? mutedColor : accent;
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.setLineDash(isAcked ? [4 * devicePixelRatio, 4 * devicePixelRatio] : []);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
          }
          if (highlight !== undefined && ys[0][highlight] !== null) {
            const x = u.valToPos(xs[highlight], 'x', true);
            const y = u.valToPos(ys[0][highlight]!, 'y', true);
            ctx.setLineDash([]);
            ctx.strokeStyle = accent;
            ctx.beginPath();
            ctx.arc(x, y, 7 * devicePixelRatio, 0, 2 * Math.PI);
            ctx.stroke();
          }
          ctx.restore();
        },
      ],
      setCursor: [
        (u) => {
          const i = keyed ?? u.cursor.idx;
          if (i !== null && i !== undefined) showPoint(i);
        },
      ],
      setScale: [
        (u, key) => {
          if (key !== 'x') return;
          const { min, max } = u.scales.x;
          const full = min !== undefined && max !== undefined && min <= xs[0] && max >= xs[xs.length - 1];
          replaceQuery({ from: full || min === undefined ? undefined : String(Math.round(min)), to: full || max === undefined ? undefined : String(Math.round(max)) });
        },
      ],
    },
  };
  const plot = new uPlot(opts, data, holder);
  window.perfhoundPlot = plot;
  if (o.from && o.to) plot.setScale('x', { min: Number(o.from), max: Number(o.to) });
  // uPlot draws in a microtask; the frame after it is the one a person sees.
  requestAnimationFrame(() => {
    window.perfhoundRenderMs = performance.now() - o.started;
    window.perfhoundDrawMs = performance.now() - o.answered;
  });
  holder.dataset.points = String(points.length);

  plot.over.addEventListener('mousedown', (e) => (downAt = [e.clientX, e.clientY]));
  plot.over.addEventListener('click', (e) => {
    const moved = downAt && Math.hypot(e.clientX - downAt[0], e.clientY - downAt[1]) > 4;
    const i = plot.cursor.idx;
    if (!moved && i !== null && i !== undefined) location.hash = href(['run', points[i].uuid]);
  });
  plot.over.addEventListener('mousemove', () => (keyed = undefined));
  // The keyboard does what hovering and clicking do.
  holder.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && keyed !== undefined) {
      location.hash = href(['run', points[keyed].uuid]);
      return;
    }
    const from = keyed ?? plot.cursor.idx ?? points.length;
    const step = Math.max(1, Math.round(points.length / 10));
    const to = ({ ArrowLeft: from - 1, ArrowRight: from + 1, PageUp: from - step, PageDown: from + step, Home: 0, End: points.length - 1 } as Record<string, number>)[e.key];
    if (to === undefined) return;
    e.preventDefault();
    keyed = Math.min(points.length - 1, Math.max(0, to));
    const { min, max } = plot.scales.x;
    // A run outside the zoomed range: move the range to it (its width kept).
    if (min !== undefined && max !== undefined && (xs[keyed] < min || xs[keyed] > max)) {
      const shift = xs[keyed] < min ? xs[keyed] - min : xs[keyed] - max;
      plot.setScale('x', { min: min + shift, max: max + shift });
    }
    plot.setCursor({ left: plot.valToPos(xs[keyed], 'x'), top: plot.bbox.height / devicePixelRatio / 2 });
  });
  const pan = (dir: number) => {
    const { min, max } = plot.scales.x;
    if (min === undefined || max === undefined) return;
    const shift = (max - min) * 0.25 * dir;
    plot.setScale('x', { min: min + shift, max: max + shift });
  };
  controls.querySelector('#pan-left')!.addEventListener('click', () => pan(-1));
  controls.querySelector('#pan-right')!.addEventListener('click', () => pan(1));
  controls.querySelector('#zoom-reset')!.addEventListener('click', () => plot.setScale('x', { min: xs[0], max: xs[xs.length - 1] }));
  controls.querySelector('#log-y')!.addEventListener('change', (e) => {
    replaceQuery({ log: (e.target as HTMLInputElement).checked ? '1' : undefined });
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  controls.querySelector('#csv')!.addEventListener('click', () => {
    const header = ['timestamp', 'uuid', 'version', 'buildUrl', ...(split ? [split.key] : []), ...answers.map((a) => a.metric), 'changepoint'];
    const cpSet = new Set(cps.map((c) => c.index));
    const rows = points.map((p, i) => [p.timestamp, p.uuid, p.version, p.buildUrl, ...(split ? [split.values[i]] : []), ...ys.map((y) => y[i]), cpSet.has(i) ? 'true' : ''].map(csvField).join(','));
    download(`${main.test}-${answers.map((a) => a.metric).join('+')}${split ? `-by-${split.key}` : ''}.csv`, [header.join(','), ...rows].join('\n') + '\n');
  });
  const detach = followWidth(plot, body, HEIGHT);
  return () => {
    detach();
    plot.destroy();
    if (window.perfhoundPlot === plot) window.perfhoundPlot = undefined;
  };
}
