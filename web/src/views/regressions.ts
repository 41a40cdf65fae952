/** Home: regressions newest first, grouped by test, with filters, counts, and ack with a reason. */
import { api, ApiError, getToken, type RegressionRecord, type RunRecord } from '../api.js';
import { age, empty, errorBox, extLink, fmtNumber, h, loading } from '../dom.js';
import { href, type Route } from '../router.js';

const STATUSES = ['open', 'acknowledged', 'resolved'];

export async function regressionsView(el: HTMLElement, route: Route): Promise<void> {
  const q = route.query;
  const filters = { test: q.get('test') ?? '', metric: q.get('metric') ?? '', status: q.get('status') ?? 'open', since: q.get('since') ?? '' };
  el.append(h('h1', {}, 'Regressions'), filterForm(filters));
  const body = h('div', { className: 'results' });
  el.append(body);
  const stop = loading(body, 'regressions');
  let all: RegressionRecord[];
  try {
    all = (await api.regressions({ test: filters.test || undefined, metric: filters.metric || undefined, limit: 10_000 })).regressions;
  } catch (err) {
    body.replaceChildren(errorBox((err as Error).message));
    return;
  } finally {
    stop();
  }
  const sinceMs = filters.since ? new Date(filters.since).getTime() : NaN;
  const inTime = Number.isNaN(sinceMs) ? all : all.filter((r) => new Date(r.timestamp).getTime() >= sinceMs);
  const counts = h('p', { className: 'counts', 'aria-label': 'counts' }, ...STATUSES.map((s) => h('a', { href: href([], { ...filters, status: s }), className: `count ${s}`, 'data-status': s }, h('b', {}, inTime.filter((r) => r.status === s).length), ` ${s}`)));
  const shown = inTime.filter((r) => filters.status === 'all' || r.status === filters.status);
  if (!shown.length) {
    body.replaceChildren(counts, all.length ? empty(`No ${filters.status === 'all' ? '' : filters.status + ' '}regressions match these filters.`) : empty('No regressions yet: analyses record them.', 'perfhound analyze --config CONFIG.yaml (or perfhound demo)'));
    return;
  }
  // Newest first (the API's order), grouped by test in the order of each test's newest regression.
  const groups = new Map<string, RegressionRecord[]>();
  for (const r of [...shown].sort((a, b) => b.timestamp.localeCompare(a.timestamp) || b.id - a.id)) {
    const list = groups.get(r.testName) ?? [];
    list.push(r);
    groups.set(r.testName, list);
  }
  const runs = await runInfo([...new Set(shown.slice(0, 200).map((r) => r.runUuid))]);
  body.replaceChildren(
    counts,
    ...[...groups].map(([test, list]) =>
      h(
        'section',
        { className: 'group', 'data-test': test },
        h('h2', {}, test, h('span', { className: 'muted' }, ` ${list.length} regression${list.length === 1 ? '' : 's'}`)),
        h(
          'table',
          { className: 'regressions' },
          h('thead', {}, h('tr', {}, ['Metric', 'Change', 'Run', 'Version / build', 'When', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, list.map((r) => row(r, runs.get(r.runUuid)))),
        ),
      ),
    ),
  );
}

function filterForm(f: { test: string; metric: string; status: string; since: string }): HTMLFormElement {
  const form = h(
    'form',
    { className: 'filters', 'aria-label': 'filters' },
    h('label', {}, 'Test ', h('input', { name: 'test', value: f.test, placeholder: 'any' })),
    h('label', {}, 'Metric ', h('input', { name: 'metric', value: f.metric, placeholder: 'any' })),
    h('label', {}, 'Status ', h('select', { name: 'status' }, ['open', 'acknowledged', 'resolved', 'all'].map((s) => h('option', { value: s, selected: s === f.status }, s)))),
    h('label', {}, 'Since ', h('input', { name: 'since', type: 'date', value: f.since })),
    h('button', { type: 'submit' }, 'Apply'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    location.hash = href([], Object.fromEntries([...data].map(([k, v]) => [k, String(v)])));
  });
  return form;
}

/** Version and build of the runs on the page (one request per run, at most 200 runs). */
async function runInfo(uuids: string[]): Promise<Map<string, RunRecord>> {
  const out = new Map<string, RunRecord>();
  await Promise.all(
    uuids.map(async (u) => {
      try {
        out.set(u, await api.run(u));
      } catch {
        // A run removed since: the row shows its uuid only.
      }
    }),
  );
  return out;
}

function row(r: RegressionRecord, run: RunRecord | undefined): HTMLTableRowElement {
  const pct = r.percentageChange;
  const up = pct !== null && pct > 0;
  const seriesLink = href(['series'], { test: r.testName, metric: r.metric, run: r.runUuid });
  const actions = h('td', { className: 'actions' }, h('a', { href: seriesLink }, 'chart'), ' ', r.status === 'open' ? ackButton(r, 'ack') : r.status === 'acknowledged' ? ackButton(r, 'unack') : null);
  return h(
    'tr',
    { 'data-id': r.id, 'data-status': r.status },
    h('td', {}, h('a', { href: seriesLink }, r.metric)),
    h('td', { className: up ? 'up' : 'down' }, pct === null ? '–' : `${up ? '▲ +' : '▼ '}${fmtNumber(pct, 3)} %`),
    h('td', {}, h('a', { href: href(['run', r.runUuid]), className: 'mono' }, r.runUuid.slice(0, 8))),
    h('td', {}, run ? [run.version ?? '', ' ', extLink(run.buildUrl, 'build')] : '–'),
    h('td', { title: r.timestamp }, age(r.timestamp)),
    h('td', {}, h('span', { className: `badge ${r.status}` }, r.status)),
    actions,
  );
}

/** The ack (or un-ack) form of one regression: a reason, then POST …/ack (…/unack); a refusal shows the API's message. */
function ackButton(r: RegressionRecord, action: 'ack' | 'unack'): HTMLElement {
  const holder = h('span', { className: 'ack' });
  const open = h('button', { type: 'button', className: 'ack-open' }, action === 'ack' ? 'Ack…' : 'Un-ack…');
  open.addEventListener('click', () => {
    const reason = h('input', { name: 'reason', placeholder: 'reason', required: true, 'aria-label': 'reason' });
    const message = h('span', { className: 'ack-message', role: 'status' });
    const form = h('form', { className: 'ack-form' }, reason, h('button', { type: 'submit' }, action === 'ack' ? 'Acknowledge' : 'Un-acknowledge'), message);
    if (!getToken()) message.textContent = ` (${action === 'ack' ? 'acking' : 'un-acking'} needs a token of scope ack: paste it above)`;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      message.textContent = ' saving…';
      api[action](r.id, reason.value).then(
        () => window.dispatchEvent(new HashChangeEvent('hashchange')),
        (err: unknown) => {
          message.replaceChildren(errorBox(err instanceof ApiError ? err.message : String(err)));
        },
      );
    });
    holder.replaceChildren(form);
    reason.focus();
  });
  holder.append(open);
  return holder;
}
