/** Runs: a list with metadata filters and a time range, and one run's page (metadata, documents, results, report). */
import { api, ApiError } from '../api.js';
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

export async function runView(el: HTMLElement, route: Route): Promise<void> {
  const uuid = route.path[1] ?? '';
  el.append(h('h1', {}, 'Run ', h('span', { className: 'mono' }, uuid)));
  const body = h('div', {});
  el.append(body);
  const stop = loading(body, 'the run');
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
      run.passes !== null ? h('p', {}, h('a', { href: href(['health'], { meta: '' }) }, 'Test health'), ' · ', h('a', { href: `/api/v1/runs/${encodeURIComponent(uuid)}/subunit` }, 'subunit stream of this run')) : '',
      h('h2', {}, 'Metadata'),
      metadata.length ? table(['Key', 'Value'], metadata.map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])) : empty('This run has no metadata.'),
      h('h2', {}, 'Documents'),
      docs.length ? table(['Collection', 'Documents'], docs.map(([k, v]) => [k, fmtNumber(v)])) : empty('No metric documents stored for this run.'),
      h('h2', {}, 'Report'),
      await reportLink(uuid),
    );
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
