/** Reports (seed 002): the list, and one report with its results, metrics table, links and warnings. */
import { api } from '../api.js';
import { empty, errorBox, extLink, fmtNumber, fmtTime, h, loading, table } from '../dom.js';
import { href, type Route } from '../router.js';

export async function reportsView(el: HTMLElement, route: Route): Promise<void> {
  const cluster = route.query.get('cluster') ?? '';
  const form = h('form', { className: 'filters', 'aria-label': 'filters' }, h('label', {}, 'Cluster ', h('input', { name: 'cluster', value: cluster })), h('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = href(['reports'], { cluster: String(new FormData(form).get('cluster') ?? '').trim() });
  });
  const body = h('div', {});
  el.append(h('h1', {}, 'Reports'), form, body);
  const stop = loading(body, 'reports');
  try {
    const page = await api.reports({ cluster, limit: 500 });
    stop();
    if (!page.reports.length) {
      body.replaceChildren(empty(cluster ? `No reports for cluster ${cluster}.` : 'No reports yet.', 'perfhound report --uuid RUN --prometheus-url URL'));
      return;
    }
    body.replaceChildren(
      table(
        ['Run', 'Cluster', 'Type', 'Run time', 'Generated', 'Warnings'],
        [...page.reports].reverse().map((r) => [h('a', { href: href(['report', r.uuid]), className: 'mono' }, r.uuid), r.cluster ?? '–', r.reportType ?? '–', fmtTime(r.timestamp), fmtTime(r.generatedAt), r.warnings]),
        `${page.reports.length} reports, newest first`,
      ),
    );
  } catch (err) {
    stop();
    body.replaceChildren(errorBox((err as Error).message));
  }
}

/** Leaves of the metrics tree profile → query → group → aggregation → value, as table rows. */
function metricRows(node: unknown, path: string[] = [], out: string[][] = []): string[][] {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node)) metricRows(v, [...path, k], out);
  } else {
    out.push([...path, typeof node === 'number' ? fmtNumber(node) : String(node)]);
  }
  return out;
}

export async function reportView(el: HTMLElement, route: Route): Promise<void> {
  const uuid = route.path[1] ?? '';
  el.append(h('h1', {}, 'Report ', h('span', { className: 'mono' }, uuid)));
  const body = h('div', {});
  el.append(body);
  const stop = loading(body, 'the report');
  try {
    const r = await api.report(uuid);
    stop();
    const rows = metricRows(r.metrics ?? {});
    const width = Math.max(0, ...rows.map((x) => x.length));
    const headers = ['Profile', 'Query', 'Group', 'Aggregation', 'Value'];
    const heads = width <= headers.length ? [...headers.slice(0, width - 1), 'Value'] : [...Array.from({ length: width - 1 }, (_, i) => headers[i] ?? `level ${i + 1}`), 'Value'];
    const links = Object.entries(r.links ?? {});
    const results = Object.entries(r.results ?? {});
    body.replaceChildren(
      h(
        'dl',
        { className: 'facts' },
        [
          ['Run', h('a', { href: href(['run', uuid]) }, uuid)],
          ['Type', r.report_type ?? '–'],
          ['Generated', fmtTime(r.generated_at)],
          ['Cluster', `${r.openshift_cluster_name ?? '–'} ${r.openshift_cluster_version ?? ''}`],
        ].flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      ),
      h('h2', {}, 'Results'),
      results.length ? table(['Field', 'Value'], results.map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])) : empty('No results in this report.'),
      h('h2', {}, 'Metrics'),
      rows.length ? Object.assign(table(heads, rows.map((x) => [...x.slice(0, -1), ...Array<string>(width - x.length).fill(''), x[x.length - 1]])), { id: 'report-metrics' }) : empty('No metrics in this report.'),
      h('h2', {}, 'Links'),
      links.length ? h('ul', {}, links.map(([k, v]) => h('li', {}, k, ': ', extLink(v, v)))) : empty('No dashboard links.'),
      ...(r.warnings?.length ? [h('h2', {}, 'Warnings'), table(['Name', 'Message'], r.warnings.map((w) => [w.name, w.message]))] : []),
    );
  } catch (err) {
    stop();
    body.replaceChildren(errorBox((err as Error).message));
  }
}
