/** Experiments (seed 003): the campaigns with their counts, and one experiment's attempts, refreshing while it runs. */
import { api, type ExperimentDetail } from '../api.js';
import { empty, errorBox, fmtTime, h, loading, table } from '../dom.js';
import { href, type Route } from '../router.js';

const REFRESH_MS = 5000;

export async function experimentsView(el: HTMLElement): Promise<(() => void) | void> {
  const body = h('div', {});
  el.append(h('h1', {}, 'Experiments'), body);
  const stop = loading(body, 'experiments');
  try {
    const { experiments } = await api.experiments();
    stop();
    if (!experiments.length) {
      body.replaceChildren(empty('No experiments yet.', 'perfhound experiment run CONFIG.yaml'));
      return;
    }
    body.replaceChildren(
      table(
        ['Experiment', 'Status', 'Done / planned', 'Passed', 'Failed', 'Attempts', 'Current test', 'Updated'],
        experiments.map((x) => [
          h('a', { href: href(['experiment', x.name]) }, x.name),
          h('span', { className: `badge ${x.status}` }, x.status),
          `${x.testsDone} / ${x.plannedTests ?? '?'}`,
          x.testsPassed,
          x.testsFailed,
          x.attempts,
          x.currentTest ?? '–',
          fmtTime(x.updatedMs),
        ]),
      ),
    );
    if (experiments.some((x) => x.status === 'running')) {
      const timer = setTimeout(() => window.dispatchEvent(new HashChangeEvent('hashchange')), REFRESH_MS);
      return () => clearTimeout(timer);
    }
  } catch (err) {
    stop();
    body.replaceChildren(errorBox((err as Error).message));
  }
}

export async function experimentView(el: HTMLElement, route: Route): Promise<(() => void) | void> {
  const name = route.path[1] ?? '';
  el.append(h('h1', {}, 'Experiment ', name));
  const body = h('div', {});
  el.append(body);
  const stop = loading(body, 'the experiment');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const draw = (x: ExperimentDetail) => {
    body.replaceChildren(
      h(
        'p',
        { className: 'counts' },
        h('span', { className: `badge ${x.status}` }, x.status),
        ` ${x.testsDone} of ${x.plannedTests ?? '?'} tests done · `,
        h('b', {}, x.testsPassed),
        ' passed · ',
        h('b', {}, x.testsFailed),
        ' failed · ',
        `${x.remaining ?? '?'} remaining · ${x.attempts.length} attempts`,
        x.currentTest ? ` · running ${x.currentTest}` : '',
        x.status === 'running' ? h('span', { className: 'muted' }, ` (refreshing every ${REFRESH_MS / 1000} s)`) : '',
      ),
      x.attempts.length
        ? table(
            ['Test', 'Attempt', 'Start', 'End', 'Status', 'Pings', 'SSH checks', 'Run', 'Comments'],
            x.attempts.map((a) => [a.testName, a.attempt, fmtTime(a.startMs), fmtTime(a.endMs), a.endStatus ?? 'running', a.pings, a.sshChecks, a.runUuid ? h('a', { href: href(['run', a.runUuid]), className: 'mono' }, a.runUuid.slice(0, 8)) : '–', a.comments]),
            'Attempts',
          )
        : empty('No attempts yet.'),
    );
  };
  const refresh = async () => {
    try {
      const x = await api.experiment(name);
      draw(x);
      if (x.status === 'running') timer = setTimeout(() => void refresh(), REFRESH_MS);
    } catch (err) {
      body.replaceChildren(errorBox((err as Error).message));
    }
  };
  try {
    await refresh();
  } finally {
    stop();
  }
  return () => clearTimeout(timer);
}
