import { describe, expect, it } from 'vitest';
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
});
