import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SeriesAnswer } from '../../src/server/series-json.js';
import type { TestRate, FlakyTest } from '../../src/test-analytics/analytics.js';
import type { RegressionRecord } from '../../src/server/routes/regressions.js';
import { open, shot, useDashboard } from './support.js';

/** The dashboard driven in a real Chromium against a daemon over the demo data set (see support.ts). */
describe('the web dashboard in Chromium', () => {
  const d = useDashboard();
  const apiGet = async <T>(path: string, token?: string): Promise<T> => {
    const res = await fetch(d.base + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  it('serves the bundle from the daemon, public, with a CSP and no CDN', async () => {
    const index = await fetch(d.base + '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await index.text();
    expect(html).toContain('app.js');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(d.base + '/app.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain('u-over'); // uPlot is in the bundle
    expect((await fetch(d.base + '/nope.js')).status).toBe(404);
  });

  it('home lists the demo regressions, newest first, grouped by test, with counts and filters in the URL', async () => {
    const { regressions } = await apiGet<{ regressions: RegressionRecord[] }>('/api/v1/regressions?status=open');
    expect(regressions.length).toBeGreaterThan(0);
    const page = await d.page();
    await open(page, d.base, '#/');
    const groups = await page.$$eval('section.group', (els) => els.map((e) => e.getAttribute('data-test')));
    expect(new Set(groups)).toEqual(new Set(regressions.map((r) => r.testName)));
    const ids = await page.$$eval('tr[data-id]', (els) => els.map((e) => Number(e.getAttribute('data-id'))));
    expect(ids.sort()).toEqual(regressions.map((r) => r.id).sort());
    expect(await page.textContent('.count.open b')).toBe(String(regressions.length));
    expect(await page.$$eval('tr[data-id] td:first-child', (els) => els.map((e) => e.textContent).sort())).toEqual(regressions.map((r) => r.metric).sort());
    await shot(page, 'home');
    // A filter is a URL: reloading it reproduces the view.
    await page.fill('input[name=metric]', 'ovnCPU_avg');
    await page.click('form.filters button[type=submit]');
    await page.waitForFunction(() => location.hash.includes('metric=ovnCPU_avg'));
    await page.waitForFunction(() => document.querySelectorAll('tr[data-id]').length > 0 && [...document.querySelectorAll('tr[data-id] td:first-child')].every((t) => t.textContent === 'ovnCPU_avg'));
    const url = page.url();
    const again = await d.page();
    await again.goto(url);
    await again.waitForSelector('tr[data-id]');
    expect(await again.$$eval('tr[data-id] td:first-child', (els) => els.map((e) => e.textContent))).toEqual(regressions.filter((r) => r.metric === 'ovnCPU_avg').map(() => 'ovnCPU_avg'));
    const dark = await d.page({ dark: true });
    await open(dark, d.base, '#/');
    const colours = await dark.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
    expect(colours[0]).not.toBe(colours[1]);
    expect(colours[0]).toBe('rgb(20, 24, 29)');
    await shot(dark, 'home-dark');
    expect([...page.errors, ...again.errors, ...dark.errors]).toEqual([]);
  });

  it('a broken API answer shows its error, not a blank page', async () => {
    const page = await d.page();
    await page.route('**/api/v1/regressions*', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"internal error (request id abc)"}' }));
    await open(page, d.base, '#/');
    await expect(page.textContent('.error')).resolves.toContain('internal error (request id abc)');
    await page.route('**/api/v1/runs*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '<html>proxy</html>' }));
    await open(page, d.base, '#/runs');
    await expect(page.textContent('.error')).resolves.toContain('not JSON');
    await shot(page, 'error');
  });

  it('the series page of a regression draws its chart with the change point at its run; hover, zoom, log axis and CSV work', async () => {
    const { regressions } = await apiGet<{ regressions: RegressionRecord[] }>('/api/v1/regressions?status=open');
    const reg = regressions.find((r) => r.metric.startsWith('podReadyLatency'))!;
    const series = await apiGet<SeriesAnswer>(`/api/v1/series?config=demo&test=${reg.testName}&metric=${reg.metric}`);
    const page = await d.page();
    await open(page, d.base, '#/');
    await page.click(`tr[data-id="${reg.id}"] a:text("chart")`);
    await page.waitForSelector('#series-chart canvas');
    await page.waitForFunction(() => location.hash.includes('config=demo'));
    expect(await page.evaluate(() => window.perfhoundPlot!.data[0].length)).toBe(series.points.length);
    expect(await page.$$eval('#change-points .cp-run', (els) => els.map((e) => e.textContent))).toEqual(series.changePoints.map((c) => c.uuid));
    expect(await page.$$eval('#change-points .cp-run.acked', (els) => els.length)).toBe(0);
    expect(series.changePoints.map((c) => c.uuid)).toContain(reg.runUuid);
    // The before/after means as steps: the last series holds meanBefore then meanAfter around the change point.
    const cp = series.changePoints.find((c) => c.uuid === reg.runUuid)!;
    const steps = await page.evaluate(() => window.perfhoundPlot!.data[window.perfhoundPlot!.data.length - 1] as (number | null)[]);
    expect(steps[cp.index]).toBeCloseTo(Number(cp.meanAfter));
    const previous = series.changePoints.filter((c) => c.index < cp.index).sort((x, y) => y.index - x.index)[0];
    expect(steps[cp.index - 1]).toBeCloseTo(Number(previous ? previous.meanAfter : cp.meanBefore));
    // Hover names the run under the cursor.
    const box = (await page.$('#series-chart .u-over'))!;
    const b = (await box.boundingBox())!;
    await page.mouse.move(b.x + b.width - 2, b.y + b.height / 2);
    await page.waitForFunction(() => document.querySelector('.hover')?.getAttribute('data-uuid'));
    expect(await page.getAttribute('.hover', 'data-uuid')).toBe(series.points[series.points.length - 1].uuid);
    await shot(page, 'series');
    // Drag to zoom: the range goes into the URL, and that URL reproduces it.
    await page.mouse.move(b.x + b.width * 0.5, b.y + 40);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.8, b.y + 40, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => location.hash.includes('from=') && location.hash.includes('to='));
    const zoomed = page.url();
    const from = Number(new URL(zoomed.replace('#/series?', '?')).searchParams.get('from'));
    const again = await d.page();
    await again.goto(zoomed);
    await again.waitForSelector('#series-chart canvas');
    expect(await again.evaluate(() => Math.round(window.perfhoundPlot!.scales.x.min!))).toBe(from);
    // Log y-axis.
    await page.click('#log-y');
    await page.waitForFunction(() => location.hash.includes('log=1') && window.perfhoundPlot?.scales.y.distr === 3);
    // CSV of the points.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe(`timestamp,uuid,version,buildUrl,${reg.metric},changepoint`);
    expect(csv.length).toBe(series.points.length + 1);
    expect(csv.filter((l) => l.endsWith(',true')).map((l) => l.split(',')[1])).toContain(reg.runUuid);
    // Clicking the chart opens the run under the cursor.
    await page.click('#zoom-reset');
    await page.mouse.click(b.x + b.width - 2, b.y + b.height / 2);
    await page.waitForFunction((u) => location.hash === `#/run/${u}`, series.points[series.points.length - 1].uuid);
    expect([...page.errors, ...again.errors]).toEqual([]);
  });

  it('acking: refused without a token and with a token of another scope (the API message is shown); with an ack token it moves to acknowledged', async () => {
    const { regressions } = await apiGet<{ regressions: RegressionRecord[] }>('/api/v1/regressions?status=open');
    const reg = regressions[0];
    const page = await d.page();
    await open(page, d.base, '#/');
    const ack = async () => {
      await page.click(`tr[data-id="${reg.id}"] .ack-open`);
      await page.fill(`tr[data-id="${reg.id}"] input[name=reason]`, 'known: new default in 4.20');
      await page.click(`tr[data-id="${reg.id}"] .ack-form button[type=submit]`);
    };
    await ack();
    await page.waitForSelector(`tr[data-id="${reg.id}"] .error`);
    expect(await page.textContent(`tr[data-id="${reg.id}"] .error`)).toContain('this route needs "Authorization: Bearer <token>"');
    await shot(page, 'ack-refused');
    // A token of scope ingest: 403 with the scope named. The token is pasted once and kept in the browser.
    await page.fill('#token', d.ingestToken);
    await page.click('#token-save');
    await page.waitForSelector(`tr[data-id="${reg.id}"] .ack-open`);
    await ack();
    await page.waitForSelector(`tr[data-id="${reg.id}"] .error`);
    expect(await page.textContent(`tr[data-id="${reg.id}"] .error`)).toContain('needs a token of scope ack (this one has scope ingest)');
    await page.fill('#token', d.ackToken);
    await page.click('#token-save');
    await page.reload();
    await page.waitForSelector(`tr[data-id="${reg.id}"] .ack-open`);
    expect(await page.inputValue('#token')).toBe(d.ackToken);
    await ack();
    await page.waitForFunction((id) => !document.querySelector(`tr[data-id="${id}"]`), reg.id);
    expect(await page.textContent('.count.acknowledged b')).toBe('1');
    await open(page, d.base, '#/?status=acknowledged');
    expect(await page.getAttribute(`tr[data-id="${reg.id}"]`, 'data-status')).toBe('acknowledged');
    expect((await apiGet<{ regressions: RegressionRecord[] }>('/api/v1/regressions?status=acknowledged')).regressions.map((r) => r.id)).toEqual([reg.id]);
    await shot(page, 'acked');
    // The series page styles the acked change point apart.
    await open(page, d.base, `#/series?test=${encodeURIComponent(reg.testName)}&metric=${encodeURIComponent(reg.metric)}`);
    // Analyses honour the ack, so its change point is no longer one of the answer: the page marks it as acked.
    await page.waitForSelector('#change-points');
    expect(await page.$$eval('#change-points .cp-run.acked', (els) => els.map((e) => e.textContent))).toEqual([reg.runUuid]);
    await shot(page, 'series-acked');
    // Un-ack with a reason: open again, and analyses report its change point again.
    await open(page, d.base, '#/?status=acknowledged');
    await page.click(`tr[data-id="${reg.id}"] .ack-open`);
    await page.fill(`tr[data-id="${reg.id}"] input[name=reason]`, 'was not expected after all');
    await page.click(`tr[data-id="${reg.id}"] .ack-form button[type=submit]`);
    await page.waitForFunction((id) => !document.querySelector(`tr[data-id="${id}"]`), reg.id);
    expect((await apiGet<{ regressions: RegressionRecord[] }>('/api/v1/regressions?status=open')).regressions.map((r) => r.id)).toContain(reg.id);
    const series = await apiGet<SeriesAnswer>(`/api/v1/series?config=demo&test=${reg.testName}&metric=${reg.metric}`);
    expect(series.changePoints.map((c) => c.uuid)).toContain(reg.runUuid);
    expect(page.errors).toEqual([]);
  });

  it('a 20 000-point series renders and stays responsive (render time measured in the browser)', async () => {
    const n = 20_000;
    const start = Date.UTC(2025, 0, 1);
    const points = Array.from({ length: n }, (_, i) => ({ uuid: `run-${i}`, timestamp: new Date(start + i * 3_600_000).toISOString(), value: (i < 12_000 ? 100 : 130) + Math.sin(i) * 5, buildUrl: null, version: null }));
    const body: SeriesAnswer = { test: 'big', metric: 'latency', points, changePoints: [{ index: 12_000, uuid: 'run-12000', percentageChange: 30, meanBefore: 100, meanAfter: 130, pvalue: 0 }], warnings: [] };
    const page = await d.page();
    await page.route('**/api/v1/series?*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }));
    await open(page, d.base, '#/series?config=demo&test=big&metric=latency');
    await page.waitForSelector('#series-chart canvas');
    expect(await page.evaluate(() => window.perfhoundPlot!.data[0].length)).toBe(n);
    const renderMs = (await (await page.waitForFunction(() => window.perfhoundRenderMs)).jsonValue())!;
    expect(renderMs).toBeGreaterThan(0);
    const drawMs = (await page.evaluate(() => window.perfhoundDrawMs))!;
    expect(drawMs).toBeGreaterThan(0);
    expect(drawMs).toBeLessThanOrEqual(renderMs);
    // The answer comes through Playwright's interception here (slow for 2 MB): the bench measures the load itself.
    process.stderr.write(`dashboard: 20 000-point series drawn ${renderMs.toFixed(0)} ms after the view started (of it ${drawMs.toFixed(0)} ms from the answers parsed to the frame drawn)\n`);
    const b = (await (await page.$('#series-chart .u-over'))!.boundingBox())!;
    for (const f of [0.1, 0.5, 0.9]) {
      await page.mouse.move(b.x + b.width * f, b.y + b.height / 2);
      await page.waitForFunction((x) => Number((document.querySelector('.hover')?.getAttribute('data-uuid') ?? 'run--1').slice(4)) > x, n * f - 400);
    }
    await shot(page, 'series-20000');
    // By keyboard: every run can be reached, though dozens share a pixel; Enter opens it.
    await page.focus('#series-chart');
    const keyed = async (key: string, times = 1) => {
      for (let i = 0; i < times; i++) await page.keyboard.press(key);
      return page.getAttribute('.hover', 'data-uuid');
    };
    expect(await keyed('End')).toBe(`run-${n - 1}`);
    expect(await keyed('ArrowLeft', 3)).toBe(`run-${n - 4}`);
    expect(await keyed('Home')).toBe('run-0');
    expect(await keyed('ArrowRight')).toBe('run-1');
    expect(await keyed('PageDown')).toBe(`run-${1 + n / 10}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((u) => location.hash === `#/run/${u}`, `run-${1 + n / 10}`);
    expect(page.errors).toEqual([]);
  });

  it('test health shows the numbers the API returns for the subunit fixtures, and one test has its history page', async () => {
    const rates = (await apiGet<{ tests: TestRate[] }>('/api/v1/tests/rates')).tests;
    const never = (await apiGet<{ tests: TestRate[] }>('/api/v1/tests/never-failed')).tests;
    const flaky = (await apiGet<{ tests: FlakyTest[] }>('/api/v1/tests/flaky?key=build_name')).tests;
    const buckets = (await apiGet<{ buckets: unknown[] }>('/api/v1/tests/runs-by-key?key=build_name&resolution=day')).buckets;
    const page = await d.page();
    await open(page, d.base, '#/health?key=build_name');
    await page.waitForSelector('#runs-chart canvas');
    expect(await page.getAttribute('#runs-chart', 'data-buckets')).toBe(String(buckets.length));
    const failing = rates.filter((r) => r.failures > 0).sort((a, b) => b.failureRate - a.failureRate || a.test.localeCompare(b.test));
    const rows = await page.$$eval('#failure-rates tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.length).toBe(Math.min(50, failing.length));
    expect(rows.map((r) => r.slice(0, 4))).toEqual(failing.slice(0, 50).map((t) => [t.test, String(t.passes), String(t.failures), String(t.skips)]));
    const shownRates = rows.map((r) => parseFloat(r[4]!));
    expect(shownRates).toEqual([...shownRates].sort((a, b) => b - a));
    expect(await page.textContent('#never-failed-count b')).toBe(String(never.length));
    const flakyNames = flaky.map((f) => f.test);
    expect(flakyNames).toContain('gen.tests.test_generated.TestGroup00.test_case_0005');
    await shot(page, 'health');
    await page.click('a:text("gen.tests.test_generated.TestGroup00.test_case_0005") >> nth=0');
    await page.waitForSelector('.strip');
    const history = await apiGet<{ results: unknown[]; trend: unknown[] }>('/api/v1/tests/history?test=gen.tests.test_generated.TestGroup00.test_case_0005&window=10');
    expect(await page.$$eval('.strip .cell', (c) => c.length)).toBe(history.results.length);
    expect(await page.$$eval('.strip .cell.fail', (c) => c.length)).toBeGreaterThan(0);
    await page.waitForSelector('#trend-chart canvas');
    await shot(page, 'test-history');
    expect(page.errors).toEqual([]);
  });

  it('runs list and a run page; reports, experiments and their empty states', async () => {
    const page = await d.page();
    await open(page, d.base, '#/runs?where=benchmark%3Dnode-density');
    const uuids = await page.$$eval('tbody tr td:first-child a', (as) => as.map((a) => a.textContent));
    const api = await apiGet<{ runs: { uuid: string }[] }>('/api/v1/runs?where=benchmark=node-density&limit=50');
    expect(uuids).toEqual(api.runs.map((r) => r.uuid).reverse());
    await shot(page, 'runs');
    await page.click('tbody tr:first-child td:first-child a');
    await page.waitForSelector('dl.facts');
    expect(await page.textContent('.page')).toContain('node-density');
    expect(await page.textContent('.page')).toContain('No report for this run.');
    await shot(page, 'run');
    await open(page, d.base, '#/reports');
    expect(await page.textContent('.empty')).toContain('No reports yet.');
    await open(page, d.base, '#/experiments');
    expect(await page.textContent('.empty')).toContain('No experiments yet.');
    // A report and an experiment as the API would answer them (the demo store has neither).
    await page.route('**/api/v1/reports/r-1', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ uuid: 'r-1', report_type: 'full', generated_at: '2026-11-01T00:00:00Z', openshift_cluster_name: 'c1', metrics: { default: { cpu: { master: { avg: 12.5, p99: 20 } } } }, links: { grafana: 'http://grafana.example/d/1' }, warnings: [] }) }),
    );
    await open(page, d.base, '#/report/r-1');
    expect(await page.$$eval('#report-metrics tbody tr', (trs) => trs.map((tr) => tr.textContent))).toEqual(['defaultcpumasteravg12.5', 'defaultcpumasterp9920']);
    await shot(page, 'report');
    const experiment = { name: 'qos', status: 'running', createdMs: 0, updatedMs: 0, plannedTests: 4, testsDone: 1, testsPassed: 1, testsFailed: 0, remaining: 3, currentTest: 't2', lastFailures: [], attempts: [{ testName: 't1', attempt: 1, startMs: 0, endMs: 1000, pings: 3, sshChecks: 1, endStatus: 'passed', combination: {}, comments: '', runUuid: null }] };
    let served = 0;
    await page.route('**/api/v1/experiments/qos', (route) => {
      served++;
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(experiment) });
    });
    await open(page, d.base, '#/experiment/qos');
    expect(await page.textContent('.counts')).toContain('1 of 4 tests done');
    await shot(page, 'experiment');
    // Refreshes while it runs.
    experiment.testsDone = 2;
    await page.waitForFunction(() => document.querySelector('.counts')?.textContent?.includes('2 of 4 tests done'), undefined, { timeout: 15_000 });
    expect(served).toBeGreaterThanOrEqual(2);
    expect(page.errors).toEqual([]);
  });
});
