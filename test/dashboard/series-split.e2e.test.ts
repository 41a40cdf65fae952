import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/store/runs.js';
import type { SeriesAnswer } from '../../src/server/series-json.js';
import { open, shot, useDashboard } from './support.js';

/** The series page with one metric split by a run metadata key (config test/fixtures/dashboard/compare.yaml). */
describe('the series page split by metadata in Chromium', () => {
  const d = useDashboard();
  const apiGet = <T>(path: string) => d.get<T>(path);
  /** The series and, for each of its points, its run's value of `key` (from the runs list). */
  const expected = async (key: string) => {
    const series = await apiGet<SeriesAnswer>('/api/v1/series?config=compare&test=apiserver-all-jobs&metric=apiserverCPU_avg');
    const runs = (await apiGet<{ runs: RunRecord[] }>('/api/v1/runs?limit=10000')).runs;
    const byUuid = new Map(runs.map((r) => [r.uuid, r.metadata[key] as string | undefined]));
    return { series, valueOf: series.points.map((p) => byUuid.get(p.uuid)) };
  };
  const SPLIT = '#/series?config=compare&test=apiserver-all-jobs&metric=apiserverCPU_avg&split=';
  /** The chart's lines (after the x series; the test has no change point, so no means' steps): label and the points each draws. */
  const lines = (page: Awaited<ReturnType<typeof d.page>>) =>
    page.evaluate(() => {
      const u = window.perfhoundPlot!;
      return u.series.slice(1).map((s, k) => ({ label: String(s.label), values: u.data[k + 1] as (number | null)[] }));
    });

  it('draws one coloured line per platform with a legend; each line holds exactly its runs’ points', async () => {
    const { series, valueOf } = await expected('platform');
    expect(series.changePoints).toEqual([]);
    expect(new Set(valueOf)).toEqual(new Set(['AWS', 'GCP']));
    const page = await d.page();
    await open(page, d.base, `${SPLIT}platform`);
    await page.waitForSelector('#series-chart canvas');
    const drawn = await lines(page);
    const count = (v: string) => valueOf.filter((x) => x === v).length;
    expect(drawn.map((l) => l.label)).toEqual([`platform = AWS (${count('AWS')})`, `platform = GCP (${count('GCP')})`]);
    for (const [k, value] of ['AWS', 'GCP'].entries()) {
      expect(drawn[k].values).toEqual(series.points.map((p, i) => (valueOf[i] === value ? p.value : null)));
    }
    // The legend names each line in its own colour.
    const legend = await page.$$eval('#series-chart .u-legend .u-series', (rows) => rows.map((r) => [r.querySelector('.u-label')?.textContent, getComputedStyle(r.querySelector('.u-marker')!).borderColor]));
    expect(legend.slice(1, 3).map((l) => l[0])).toEqual(drawn.map((l) => l.label));
    expect(legend[1][1]).not.toBe(legend[2][1]);
    // Hover names the run's value of the key.
    const b = (await (await page.$('#series-chart .u-over'))!.boundingBox())!;
    await page.mouse.move(b.x + b.width - 2, b.y + b.height / 2);
    await page.waitForFunction(() => document.querySelector('.hover')?.getAttribute('data-uuid'));
    // (Three runs of different jobs lie within a pixel or two at the right edge: the one under the cursor.)
    const idx = (await page.evaluate(() => window.perfhoundPlot!.cursor.idx))!;
    expect(await page.getAttribute('.hover', 'data-uuid')).toBe(series.points[idx].uuid);
    expect(await page.textContent('.hover .split-value')).toBe(`· platform = ${valueOf[idx]} `);
    await shot(page, 'series-split');
    const dark = await d.page({ dark: true });
    await open(dark, d.base, `${SPLIT}platform`);
    await dark.waitForSelector('#series-chart canvas');
    await shot(dark, 'series-split-dark');
    // The CSV carries the key's column.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('timestamp,uuid,version,buildUrl,platform,apiserverCPU_avg,changepoint');
    expect(csv.slice(1).map((l) => l.split(',')[4])).toEqual(valueOf);
    expect([...page.errors, ...dark.errors]).toEqual([]);
  });

  it('is built from the form and reproduced by its URL; values narrow and order the lines', async () => {
    const { valueOf } = await expected('benchmark');
    const page = await d.page();
    await open(page, d.base, '#/series?config=compare&test=apiserver-all-jobs&metric=apiserverCPU_avg');
    await page.waitForSelector('#series-chart canvas');
    expect((await lines(page)).map((l) => l.label)).toEqual(["apiserverCPU_avg"]);
    // Keyboard only: the split field is reachable and the form submits with Enter.
    await page.focus('input[name=metric]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('split');
    await page.keyboard.type('benchmark');
    await page.keyboard.press('Tab');
    await page.keyboard.type('udn-density-pods, node-density');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('split=benchmark') && window.perfhoundPlot?.series.length === 3);
    const drawn = await lines(page);
    const count = (v: string) => valueOf.filter((x) => x === v).length;
    expect(count('node-density')).toBeGreaterThan(0);
    expect(drawn.map((l) => l.label)).toEqual([`benchmark = udn-density-pods (${count('udn-density-pods')})`, `benchmark = node-density (${count('node-density')})`]);
    const again = await d.page();
    await open(again, d.base, page.url().slice(d.base.length + 1));
    await again.waitForSelector('#series-chart canvas');
    expect(await lines(again)).toEqual(drawn);
    expect([...page.errors, ...again.errors]).toEqual([]);
  });

  it('a key no run has: one line of them all and a warning saying so', async () => {
    const { series } = await expected('platform');
    const page = await d.page();
    await open(page, d.base, `${SPLIT}nosuchkey`);
    await page.waitForSelector('#series-chart canvas');
    expect((await lines(page)).map((l) => l.label)).toEqual([`no nosuchkey (${series.points.length})`]);
    expect(await page.textContent('.warning')).toContain('no run of this series has metadata nosuchkey');
    await page.route('**/api/v1/runs?*', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"the store is busy"}' }));
    await open(page, d.base, `${SPLIT}platform&values=AWS`);
    expect(await page.textContent('.error')).toContain('the store is busy');
    expect(page.errors).toEqual([]);
  });
});
