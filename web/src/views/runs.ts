/** Runs: a list with metadata filters and a time range, and one run's page (metadata, documents, results, report). */
import { api, ApiError, type RunTestsAnswer } from '../api.js';
import { empty, errorBox, extLink, fmtNumber, fmtTime, h, loading, table } from '../dom.js';
import { href, type Route } from '../router.js';

const PAGE = 50;

export async function runsView(el: HTMLElement, route: Route): Promise<void> {
  const q = route.query;
  const where = q.getAll('where');
  const f = { where: where.join(', '), since: q.get('since') ?? '', until: q.get('until') ?? '', collection: q.get('collection') ?? '' };
  const offset = Number(q.get('offset') ?? 0) || 0;
  const form = h(
    'form',
    { className: 'filters', 'aria-label': 'filters' },
    h('label', {}, 'Metadata ', h('input', { name: 'where', value: f.where, placeholder: 'platform=AWS, benchmark=…', size: 30 })),
    h('label', {}, 'Since ', h('input', { name: 'since', type: 'date', value: f.since })),
    h('label', {}, 'Until ', h('input', { name: 'until', type: 'date', value: f.until })),
    h('label', {}, 'Collection ', h('input', { name: 'collection', value: f.collection })),
    h('button', { type: 'submit' }, 'Apply'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()]));
    location.hash = href(['runs'], { ...d, where: d.where ? d.where.split(',').map((s) => s.trim()).filter(Boolean) : undefined });
  });
  const body = h('div', {});
  el.append(h('h1', {}, 'Runs'), form, body);
  const stop = loading(body, 'runs');
  try {
    const page = await api.runs({ where, since: f.since, until: f.until, collection: f.collection, limit: PAGE, offset });
    stop();
    if (!page.runs.length) {
      body.replaceChildren(offset || where.length || f.since || f.until || f.collection ? empty('No runs match these filters.') : empty('No runs yet.', 'perfhound ingest FILE (or perfhound demo)'));
      return;
    }
    const runs = [...page.runs].reverse();
    const nav = h(
      'p',
      { className: 'pager' },
      offset > 0 ? h('a', { href: href(['runs'], { ...f, where, offset: Math.max(0, offset - PAGE) }) }, '← newer') : null,
      ' ',
      page.nextOffset !== null ? h('a', { href: href(['runs'], { ...f, where, offset: page.nextOffset }) }, 'older →') : null,
    );
    body.replaceChildren(
      table(
        ['Run', 'When', 'Version', 'Status', 'Pass / fail / skip', 'Collection', 'Build'],
        runs.map((r) => [
          h('a', { href: href(['run', r.uuid]), className: 'mono' }, r.uuid),
          fmtTime(r.timestamp),
          r.version ?? '–',
          r.status ?? '–',
          r.passes === null ? '–' : `${r.passes} / ${r.fails ?? 0} / ${r.skips ?? 0}`,
          r.collection,
          extLink(r.buildUrl, 'build'),
        ]),
        `${runs.length} runs, newest first`,
      ),
      nav,
    );
  } catch (err) {
    stop();
    body.replaceChildren(errorBox((err as Error).message));
  }
}

const STATUS_CLASSES = ['pass', 'fail', 'skip', 'other'] as const;
const LIMITS = [50, 200, 1000];

/** subunit's statuses by class, as the store counts them (src/store/tests.ts). */
function statusClass(status: string): string {
  if (status === 'success' || status === 'xfail') return 'pass';
  if (status === 'fail' || status === 'uxsuccess') return 'fail';
  return status === 'skip' ? 'skip' : 'other';
}

/**
 * The run's test results: counts by status class (each a link filtering the table), and the tests slowest
 * first, filtered by status in the URL (`#/run/UUID?status=fail&limit=200`).
 */
function testFilter(q: URLSearchParams): { status: (typeof STATUS_CLASSES)[number] | ''; limit: number } {
  return { status: STATUS_CLASSES.find((s) => s === q.get('status')) ?? '', limit: LIMITS.find((n) => String(n) === q.get('limit')) ?? LIMITS[0] };
}

async function testResults(el: HTMLElement, uuid: string, q: URLSearchParams, answered: Promise<RunTestsAnswer>, hasTests: boolean): Promise<void> {
  const { status, limit } = testFilter(q);
  const link = (params: { status?: string; limit?: number }) => href(['run', uuid], { status, limit: limit === LIMITS[0] ? undefined : limit, ...params });
  el.replaceChildren(h('h2', {}, 'Test results'));
  const stop = loading(el, 'test results');
  let answer: RunTestsAnswer;
  try {
    answer = await answered;
  } catch (err) {
    el.append(errorBox((err as Error).message));
    return;
  } finally {
    stop();
  }
  const { counts, tests } = answer;
  const total = counts.pass + counts.fail + counts.skip + counts.other;
  el.replaceChildren(h('h2', {}, 'Test results'));
  if (!total) {
    // A benchmark run has no tests: a line, not a call to action.
    el.append(hasTests ? empty('The run counts tests but none of their results are stored.', `perfhound ingest subunit STREAM --run-id ${uuid} --replace`) : h('p', { className: 'muted' }, 'No test results stored for this run.'));
    return;
  }
  const select = h(
    'select',
    { id: 'test-status', name: 'status' },
    h('option', { value: '' }, `all (${total})`),
    STATUS_CLASSES.map((s) => h('option', { value: s, selected: s === status }, `${s} (${counts[s]})`)),
  );
  const limits = h('select', { id: 'test-limit', name: 'limit' }, LIMITS.map((n) => h('option', { value: String(n), selected: n === limit }, `${n} slowest`)));
  const go = () => (location.hash = link({ status: select.value || undefined, limit: Number(limits.value) === LIMITS[0] ? undefined : Number(limits.value) }));
  select.addEventListener('change', go);
  limits.addEventListener('change', go);
  const shownOf = status ? counts[status] : total;
  el.append(
    h(
      'p',
      { className: 'counts', 'aria-label': 'tests by status' },
      STATUS_CLASSES.map((s) => h('a', { href: link({ status: s === status ? undefined : s }), className: `count ${s}`, 'data-status': s, 'aria-current': s === status ? 'true' : undefined }, h('b', {}, counts[s]), ` ${s}`)),
    ),
    h('div', { className: 'filters', role: 'group', 'aria-label': 'test filters' }, h('label', {}, 'Status ', select), h('label', {}, 'Show ', limits)),
  );
  if (!tests.length) {
    el.append(empty(`No ${status} tests in this run.`), h('p', {}, h('a', { href: link({ status: undefined }) }, 'Show all tests')));
    return;
  }
  const t = table(
    ['Test', 'Status', 'Duration (s)', 'Start'],
    tests.map((r) => [
      h('a', { href: href(['test'], { name: r.test_id }), className: 'mono' }, r.test_id),
      h('span', { className: `badge ${statusClass(r.status)}` }, r.status),
      fmtNumber(r.duration_s),
      r.start_us === null ? '–' : fmtTime(r.start_us / 1000),
    ]),
    `${tests.length < shownOf ? `The ${tests.length} slowest of ${shownOf}` : `All ${shownOf}`} ${status ? `${status} ` : ''}tests, slowest first`,
  );
  t.id = 'run-tests-table';
  t.querySelectorAll('td:nth-child(3)').forEach((td) => td.classList.add('num'));
  el.append(t);
}

export async function runView(el: HTMLElement, route: Route): Promise<void> {
  const uuid = route.path[1] ?? '';
  el.append(h('h1', {}, 'Run ', h('span', { className: 'mono' }, uuid)));
  const body = h('div', {});
  el.append(body);
  const stop = loading(body, 'the run');
  // The three requests go out together; the page is drawn when the run is there.
  const { status, limit } = testFilter(route.query);
  const tests = api.runTests(uuid, { status: status || undefined, limit });
  const report = reportLink(uuid);
  tests.catch(() => undefined);
  try {
    const run = await api.run(uuid);
    stop();
    const facts: [string, Node | string][] = [
      ['When', fmtTime(run.timestamp)],
      ['Start / end', `${fmtTime(run.start)} – ${fmtTime(run.end)}`],
      ['Version', run.version ?? '–'],
      ['Status', run.status ?? '–'],
      ['Build', extLink(run.buildUrl, run.buildUrl ?? '')],
      ['Artifacts', extLink(run.artifacts, run.artifacts ?? '')],
      ['Source / collection', `${run.source} / ${run.collection}`],
    ];
    if (run.passes !== null) facts.push(['Tests pass / fail / skip', `${run.passes} / ${run.fails ?? 0} / ${run.skips ?? 0}`]);
    const metadata = Object.entries(run.metadata ?? {});
    const docs = Object.entries(run.documents ?? {});
    body.replaceChildren(
      h('dl', { className: 'facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      run.passes !== null ? h('p', {}, h('a', { href: href(['health'], { meta: typeof run.metadata?.build_name === 'string' ? `build_name=${run.metadata.build_name}` : undefined }) }, 'Test health of its job'), ' · ', h('a', { href: `/api/v1/runs/${encodeURIComponent(uuid)}/subunit` }, 'subunit stream of this run')) : '',
      h('h2', {}, 'Metadata'),
      metadata.length ? table(['Key', 'Value'], metadata.map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])) : empty('This run has no metadata.'),
      h('h2', {}, 'Documents'),
      docs.length ? table(['Collection', 'Documents'], docs.map(([k, v]) => [k, fmtNumber(v)])) : empty('No metric documents stored for this run.'),
      h('h2', {}, 'Report'),
      await report,
    );
    const section = h('section', { id: 'run-tests', 'aria-label': 'test results' });
    body.insertBefore(section, body.querySelector('h2'));
    await testResults(section, uuid, route.query, tests, run.passes !== null);
  } catch (err) {
    stop();
    body.replaceChildren(errorBox((err as Error).message));
  }
}

async function reportLink(uuid: string): Promise<Node> {
  try {
    const report = await api.report(uuid);
    return h('p', {}, h('a', { href: href(['report', uuid]) }, `Report ${report.report_type ?? ''} generated ${fmtTime(report.generated_at)}`));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return empty('No report for this run.', `perfhound report --uuid ${uuid}`);
    return errorBox((err as Error).message);
  }
}
