/** The dashboard shell: navigation, the token box, light/dark, and the hash router that picks a view. */
import { getToken, setToken } from './api.js';
import { errorBox, h } from './dom.js';
import { currentRoute, type Route } from './router.js';
import { experimentsView, experimentView } from './views/experiments.js';
import { healthView, testView } from './views/health.js';
import { regressionsView } from './views/regressions.js';
import { reportsView, reportView } from './views/reports.js';
import { runsView, runView } from './views/runs.js';
import { seriesView } from './views/series.js';

/** A view draws into `el`; it may return a cleanup (timers, charts) run when the route changes. */
export type View = (el: HTMLElement, route: Route) => Promise<(() => void) | void>;

const VIEWS: Record<string, View> = {
  '': regressionsView,
  regressions: regressionsView,
  series: seriesView,
  runs: runsView,
  run: runView,
  health: healthView,
  test: testView,
  reports: reportsView,
  report: reportView,
  experiments: experimentsView,
  experiment: experimentView,
};

const NAV: [string, string, string[]][] = [
  ['Regressions', '#/', ['', 'regressions']],
  ['Series', '#/series', ['series']],
  ['Runs', '#/runs', ['runs', 'run']],
  ['Test health', '#/health', ['health', 'test']],
  ['Reports', '#/reports', ['reports', 'report']],
  ['Experiments', '#/experiments', ['experiments', 'experiment']],
];

let cleanup: (() => void) | void = undefined;
let generation = 0;

async function render(): Promise<void> {
  const route = currentRoute();
  const name = route.path[0] ?? '';
  const nav = document.getElementById('nav')!;
  nav.replaceChildren(...NAV.map(([label, link, names]) => h('a', { href: link, 'aria-current': names.includes(name) ? 'page' : undefined }, label)));
  const view = document.getElementById('view')!;
  if (cleanup) cleanup();
  cleanup = undefined;
  const mine = ++generation;
  const page = h('div', { className: 'page' });
  view.replaceChildren(page);
  const draw = VIEWS[name];
  if (!draw) {
    page.append(errorBox(`no page "${name}": pick one above`));
    return;
  }
  try {
    const done = await draw(page, route);
    if (mine === generation) cleanup = done;
    else if (done) done();
  } catch (err) {
    page.append(errorBox((err as Error).message));
  }
  document.body.dataset.ready = String(mine);
}

function setupToken(): void {
  const input = document.getElementById('token') as HTMLInputElement;
  const status = () => document.body.classList.toggle('has-token', getToken() !== '');
  input.value = getToken();
  status();
  document.getElementById('token-form')!.addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    status();
    void render();
  });
  document.getElementById('token-clear')!.addEventListener('click', () => {
    input.value = '';
    setToken('');
    status();
    void render();
  });
}

function setupTheme(): void {
  const saved = localStorage.getItem('perfhound.theme');
  if (saved === 'dark' || saved === 'light') document.documentElement.dataset.theme = saved;
  document.getElementById('theme')!.addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme ? document.documentElement.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
    const next = dark ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem('perfhound.theme', next);
    void render();
  });
}

setupToken();
setupTheme();
window.addEventListener('hashchange', () => void render());
void render();
