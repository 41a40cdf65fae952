import { describe, expect, it } from 'vitest';
import type { RunTestsAnswer } from '../../web/src/api.js';
import { open, shot, useDashboard } from './support.js';

/**
 * A run's test results on its page and week buckets on test health, over the subunit fixtures. The first and
 * the last test read `GET /api/v1/runs/{uuid}/tests` and `resolution=week` of the daemon; the states test
 * answers the route itself.
 */
describe('test results in Chromium', () => {
  const d = useDashboard();
  const apiGet = <T>(path: string) => d.get<T>(path);
  const RUN = 'gen200-seed1';
  const rows = (page: Awaited<ReturnType<typeof d.page>>) => page.$$eval('#run-tests-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  const asRows = (a: RunTestsAnswer) => a.tests.map((t) => [t.test_id, t.status]);

  it('a run page counts its tests by status and lists the slowest first; status and size filters are in the URL', async () => {
    const all = await apiGet<RunTestsAnswer>(`/api/v1/runs/${RUN}/tests?limit=50`);
    expect(all.counts.fail).toBeGreaterThan(0);
    const page = await d.page();
    await open(page, d.base, `#/run/${RUN}`);
    await page.waitForSelector('#run-tests-table');
    for (const s of ['pass', 'fail', 'skip', 'other'] as const) expect(await page.textContent(`#run-tests .count[data-status=${s}] b`)).toBe(String(all.counts[s]));
    const shown = await rows(page);
    expect(shown.map((r) => r.slice(0, 2))).toEqual(asRows(all));
    const durations = shown.map((r) => Number(r[2]));
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    await shot(page, 'run-tests');
    // The failed ones: a click on their count.
    await page.click('#run-tests .count[data-status=fail]');
    await page.waitForFunction(() => location.hash.includes('status=fail'));
    await page.waitForSelector('#run-tests-table');
    const failed = await apiGet<RunTestsAnswer>(`/api/v1/runs/${RUN}/tests?status=fail&limit=50`);
    expect((await rows(page)).map((r) => r.slice(0, 2))).toEqual(asRows(failed));
    expect(failed.tests.length).toBe(Math.min(50, all.counts.fail));
    // By keyboard: the size select, then back to all statuses.
    await page.focus('#test-limit');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => location.hash.includes('limit=200'));
    await page.waitForSelector('#test-status');
    await page.selectOption('#test-status', '');
    await page.waitForFunction(() => !location.hash.includes('status=') && location.hash.includes('limit=200'));
    await page.waitForSelector('#run-tests-table');
    const more = await apiGet<RunTestsAnswer>(`/api/v1/runs/${RUN}/tests?limit=200`);
    expect((await rows(page)).length).toBe(more.tests.length);
    const dark = await d.page({ dark: true });
    await open(dark, d.base, `#/run/${RUN}?status=fail`);
    await dark.waitForSelector('#run-tests-table');
    await shot(dark, 'run-tests-dark');
    expect([...page.errors, ...dark.errors]).toEqual([]);
  });

  it('the test results’ empty and error states', async () => {
    const page = await d.page();
    let answer: { status: number; body: unknown } = { status: 500, body: { error: 'internal error (request id 7)' } };
    await page.route('**/api/v1/runs/*/tests*', (route) => route.fulfill({ status: answer.status, contentType: 'application/json', body: JSON.stringify(answer.body) }));
    await open(page, d.base, `#/run/${RUN}`);
    // The rest of the page is drawn; the section says what went wrong.
    await page.waitForSelector('dl.facts');
    expect(await page.textContent('#run-tests .error')).toContain('internal error (request id 7)');
    await shot(page, 'run-tests-error');
    // A run that counts tests but has none of their rows: what to do.
    answer = { status: 200, body: { counts: { pass: 0, fail: 0, skip: 0, other: 0 }, tests: [] } };
    await open(page, d.base, `#/run/${RUN}?status=skip`);
    expect(await page.textContent('#run-tests .empty')).toContain(`perfhound ingest subunit STREAM --run-id ${RUN} --replace`);
    // A filter nothing matches: says so, with the way back.
    answer = { status: 200, body: { counts: { pass: 3, fail: 0, skip: 0, other: 0 }, tests: [] } };
    await open(page, d.base, `#/run/${RUN}?status=fail`);
    expect(await page.textContent('#run-tests .empty')).toContain('No fail tests in this run.');
    await page.click('#run-tests a:text("Show all tests")');
    await page.waitForFunction(() => !location.hash.includes('status='));
    // A benchmark run (the demo's), which has no tests: a plain line, no call to action.
    answer = { status: 200, body: { counts: { pass: 0, fail: 0, skip: 0, other: 0 }, tests: [] } };
    const benchmark = (await apiGet<{ runs: { uuid: string }[] }>('/api/v1/runs?where=benchmark=node-density&limit=1')).runs[0].uuid;
    await open(page, d.base, `#/run/${benchmark}`);
    await page.waitForSelector('#run-tests p.muted');
    expect(await page.textContent('#run-tests')).toContain('No test results stored for this run.');
    expect(page.errors).toEqual([]);
  });

  it('test health draws runs per week', async () => {
    const weeks = (await apiGet<{ buckets: { bucket: string }[] }>('/api/v1/tests/runs-by-key?key=build_name&resolution=week')).buckets;
    const days = (await apiGet<{ buckets: unknown[] }>('/api/v1/tests/runs-by-key?key=build_name&resolution=day')).buckets;
    expect(weeks.length).toBeGreaterThan(0);
    expect(weeks.length).toBeLessThan(days.length);
    const page = await d.page();
    await open(page, d.base, '#/health?key=build_name');
    await page.waitForSelector('#runs-chart canvas');
    // Keyboard: the resolution select, then the form's submit.
    await page.focus('select[name=resolution]');
    await page.selectOption('select[name=resolution]', 'week');
    await page.focus('form.filters button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('resolution=week'));
    await page.waitForSelector('#runs-chart canvas');
    expect(await page.getAttribute('#runs-chart', 'data-buckets')).toBe(String(weeks.length));
    expect(await page.textContent('h2')).toBe('Runs per build_name per week');
    const xs = await page.evaluate(() => window.perfhoundBars!.data[0] as number[]);
    expect(xs.every((x) => Number.isFinite(x))).toBe(true);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    await shot(page, 'health-week');
    const dark = await d.page({ dark: true });
    await open(dark, d.base, '#/health?key=build_name&resolution=week');
    await dark.waitForSelector('#runs-chart canvas');
    await shot(dark, 'health-week-dark');
    expect([...page.errors, ...dark.errors]).toEqual([]);
  });
});
