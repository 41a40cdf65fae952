/**
 * Test health (openstack-health's pages): runs per metadata key value over time (passed/failed bars), failure
 * rate per test, never-failed, slowest and flaky tests; one test's page with its status history and run time
 * trend (rolling mean with a ±1 σ band).
 */
import { api, type TestRate } from '../api.js';
import { axis, chartWidth, cssVar, followWidth, uPlot } from '../chart.js';
import { empty, errorBox, fmtNumber, fmtTime, h, loading, table } from '../dom.js';
import { href, type Route } from '../router.js';
import { bucketLabel, bucketSeconds, bucketStep, thin } from '../buckets.js';

const RESOLUTIONS = ['hour', 'day', 'week'];

declare global {
  interface Window {
    /** The runs-per-bucket chart on the page, for tests. */
    perfhoundBars?: uPlot;
  }
}

const testLink = (name: string, extra: Record<string, string> = {}) => h('a', { href: href(['test'], { name, ...extra }), className: 'mono' }, name);
const pct = (r: number | string) => (typeof r === 'number' ? `${fmtNumber(r * 100, 3)} %` : '–');

export async function healthView(el: HTMLElement, route: Route): Promise<(() => void) | void> {
  const q = route.query;
  const f = { key: q.get('key') ?? 'build_name', resolution: q.get('resolution') ?? 'day', meta: q.get('meta') ?? '', since: q.get('since') ?? '', until: q.get('until') ?? '' };
  const form = h(
    'form',
    { className: 'filters', 'aria-label': 'filters' },
    h('label', {}, 'Group by key ', h('input', { name: 'key', value: f.key, size: 12 })),
    h('label', {}, 'Per ', h('select', { name: 'resolution' }, RESOLUTIONS.map((r) => h('option', { value: r, selected: r === f.resolution }, r)))),
    h('label', {}, 'Only runs with ', h('input', { name: 'meta', value: f.meta, placeholder: 'key=value', size: 22 })),
    h('label', {}, 'Since ', h('input', { name: 'since', type: 'date', value: f.since })),
    h('label', {}, 'Until ', h('input', { name: 'until', type: 'date', value: f.until })),
    h('button', { type: 'submit' }, 'Apply'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = href(['health'], Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()])));
  });
  const body = h('div', {});
  el.append(h('h1', {}, 'Test health'), form, body);
  const stop = loading(body, 'test analytics');
  const period = { since: f.since, until: f.until };
  try {
    const [byKey, rates, never, slowest, flaky] = await Promise.all([
      api.runsByKey({ key: f.key, resolution: f.resolution, ...period }),
      api.rates({ meta: f.meta, ...period }),
      api.neverFailed({ meta: f.meta, ...period }),
      api.slowest({ meta: f.meta, limit: 10, ...period }),
      api.flaky({ key: f.key, ...period }),
    ]);
    stop();
    if (!byKey.buckets.length && !rates.tests.length) {
      body.replaceChildren(empty(`No test runs${f.meta || f.since || f.until ? ' match these filters' : ' yet'}.`, 'perfhound ingest subunit STREAM --run-meta build_name=JOB'));
      return;
    }
    // Per key value: runs, passed, failed over the whole period.
    const perValue = new Map<string, { runs: number; passed: number; failed: number }>();
    for (const b of byKey.buckets) {
      for (const [value, g] of Object.entries(b.groups)) {
        const s = perValue.get(value) ?? { runs: 0, passed: 0, failed: 0 };
        perValue.set(value, { runs: s.runs + g.runs.length, passed: s.passed + g.passed, failed: s.failed + g.failed });
      }
    }
    const chart = h('div', { className: 'chart', id: 'runs-chart' });
    // Tests that only skipped have no rate ("NaN" in JSON): they are not failing ones.
    const failing = rates.tests.filter((t) => t.failures > 0).sort((a, b) => b.failureRate - a.failureRate || a.test.localeCompare(b.test));
    body.replaceChildren(
      h('h2', {}, `Runs per ${f.key} per ${f.resolution}`),
      byKey.buckets.length ? chart : empty(`No test run has metadata ${f.key}: group by another key (the runs page shows their keys).`),
      table(['Value', 'Runs', 'Passed', 'Failed', 'Failure rate'], [...perValue].map(([v, s]) => [v, s.runs, s.passed, s.failed, pct(s.runs ? s.failed / s.runs : 0)]), `Runs by ${f.key}`),
      h('h2', {}, 'Failure rate per test'),
      failing.length ? rateTable(failing.slice(0, 50), 'failure-rates', `${failing.length} tests failed at least once (of ${rates.tests.length})`) : empty('No test failed in this period.'),
      h('h2', {}, 'Flaky tests'),
      flaky.tests.length
        ? table(['Test', f.key, 'Passes', 'Failures'], flaky.tests.map((t) => [testLink(t.test), t.value, t.passes, t.failures]), `${flaky.tests.length} tests both passed and failed within one ${f.key}`)
        : empty(`No flaky tests per ${f.key}.`),
      h('h2', {}, 'Slowest tests'),
      slowest.tests.length ? rateTable(slowest.tests, 'slowest', 'by mean run time') : empty('No run times recorded.'),
      h('h2', {}, 'Never failed'),
      h('p', { id: 'never-failed-count' }, h('b', {}, never.tests.length), ` of ${rates.tests.length} tests never failed`),
      never.tests.length ? h('details', {}, h('summary', {}, 'list them'), h('ul', { className: 'columns' }, never.tests.map((t) => h('li', {}, testLink(t.test))))) : '',
    );
    (body.querySelector('#failure-rates') ?? body).setAttribute('data-count', String(failing.length));
    if (byKey.buckets.length) return barChart(chart, byKey.buckets, f.resolution);
  } catch (err) {
    stop();
    body.replaceChildren(errorBox((err as Error).message));
  }
}

function rateTable(tests: TestRate[], id: string, caption: string): HTMLTableElement {
  const t = table(
    ['Test', 'Passes', 'Failures', 'Skips', 'Failure rate', 'Mean run time (s)'],
    tests.map((r) => [testLink(r.test), r.passes, r.failures, r.skips, pct(r.failureRate), fmtNumber(r.meanRunTime)]),
    caption,
  );
  t.id = id;
  return t;
}

/** Passed and failed runs per bucket, as bars (summed over the key's values). */
function barChart(holder: HTMLElement, buckets: { bucket: string; groups: Record<string, { passed: number; failed: number }> }[], resolution: string): () => void {
  const xs = buckets.map((b) => bucketSeconds(b.bucket));
  // Labelled by the buckets themselves (not uPlot's clock ticks), and half a bucket of room at each end so
  // the first and last bars are whole.
  const labels = new Map(buckets.map((b, i) => [xs[i], bucketLabel(b.bucket, resolution)]));
  const widest = Math.max(...[...labels.values()].flatMap((l) => l.split('\n').map((line) => line.length)));
  const half = bucketStep(resolution) / 2;
  const label = (x: number) => labels.get(x) ?? '';
  const passed = buckets.map((b) => Object.values(b.groups).reduce((n, g) => n + g.passed, 0));
  const failed = buckets.map((b) => Object.values(b.groups).reduce((n, g) => n + g.failed, 0));
  const good = cssVar('--good', '#2ba84a');
  const bad = cssVar('--bad', '#c23b3b');
  const bars = uPlot.paths.bars!({ size: [0.6, 40], align: 0 });
  const plot = new uPlot(
    {
      width: chartWidth(holder),
      height: 220,
      // Stacked: all runs in red, the passed ones drawn over them in green, so red is the failed part.
      series: [{ label: resolution, value: (_u, x) => label(x).replace('\n', ' ') }, { label: 'runs (failed in red)', stroke: bad, fill: bad, paths: bars, points: { show: false } }, { label: 'passed runs', stroke: good, fill: good, paths: bars, points: { show: false } }],
      scales: { x: { time: true, range: () => [xs[0] - half, xs[xs.length - 1] + half] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        axis({ splits: (u) => thin(xs, Math.floor(u.bbox.width / devicePixelRatio / (widest * 7 + 24))), values: (_u, splits) => splits.map(label) }),
        axis({ size: 40 }),
      ],
    },
    [xs, passed.map((p, i) => p + failed[i]), passed],
    holder,
  );
  holder.dataset.buckets = String(buckets.length);
  window.perfhoundBars = plot;
  const detach = followWidth(plot, holder, 220);
  return () => {
    detach();
    plot.destroy();
    if (window.perfhoundBars === plot) window.perfhoundBars = undefined;
  };
}

export async function testView(el: HTMLElement, route: Route): Promise<(() => void) | void> {
  const name = route.query.get('name') ?? '';
  const windowSize = route.query.get('window') ?? '10';
  el.append(h('h1', {}, 'Test ', h('span', { className: 'mono' }, name)));
  const body = h('div', {});
  el.append(body);
  if (!name) {
    body.append(empty('No test named: open one from the test health page.'));
    return;
  }
  const stop = loading(body, 'the test history');
  try {
    const history = await api.history({ test: name, window: windowSize, meta: route.query.get('meta') ?? undefined });
    stop();
    if (!history.results.length) {
      body.replaceChildren(empty(`No results of ${name} are stored.`));
      return;
    }
    const counts = { success: 0, fail: 0, skip: 0 } as Record<string, number>;
    for (const r of history.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    const strip = h(
      'div',
      { className: 'strip', 'aria-label': 'status history, oldest first' },
      history.results.map((r) => h('a', { href: href(['run', r.runUuid]), className: `cell ${r.status}`, title: `${r.status} · ${r.startUs === null ? '' : fmtTime(r.startUs / 1000)} · ${r.runUuid}` }, '')),
    );
    const chart = h('div', { className: 'chart', id: 'trend-chart' });
    body.replaceChildren(
      h('p', { className: 'counts' }, Object.entries(counts).map(([s, n]) => h('span', { className: `count ${s}` }, h('b', {}, n), ` ${s} `))),
      h('h2', {}, 'Status history'),
      strip,
      h('h2', {}, `Run time (rolling mean of ${windowSize} with ±1 σ band)`),
      history.trend.length ? chart : empty('No successful run with a run time.'),
      table(
        ['Run', 'Start', 'Status', 'Run time (s)'],
        [...history.results].reverse().slice(0, 100).map((r) => [h('a', { href: href(['run', r.runUuid]), className: 'mono' }, r.runUuid), r.startUs === null ? '–' : fmtTime(r.startUs / 1000), r.status, fmtNumber(r.duration)]),
        'Latest results',
      ),
    );
    if (!history.trend.length) return;
    const t = history.trend;
    const fg = cssVar('--accent', '#2f6fdf');
    const plot = new uPlot(
      {
        width: chartWidth(chart),
        height: 260,
        series: [
          {},
          { label: 'run time', stroke: cssVar('--muted', '#888'), points: { show: true, size: 4 }, width: 1 },
          { label: 'rolling mean', stroke: fg, width: 2 },
          { label: 'mean + σ', stroke: 'transparent', points: { show: false } },
          { label: 'mean − σ', stroke: 'transparent', points: { show: false } },
        ],
        bands: [{ series: [3, 4], fill: 'rgba(47,111,223,0.18)' }],
        scales: { x: { time: true } },
        axes: [axis(), axis({ size: 60 })],
      },
      [t.map((p) => p.startUs / 1e6), t.map((p) => p.duration), t.map((p) => p.mean), t.map((p) => (p.std === null ? p.mean : p.mean + p.std)), t.map((p) => (p.std === null ? p.mean : p.mean - p.std))],
      chart,
    );
    const detach = followWidth(plot, chart, 260);
    return () => {
      detach();
      plot.destroy();
    };
  } catch (err) {
    stop();
    body.replaceChildren(errorBox((err as Error).message));
  }
}
