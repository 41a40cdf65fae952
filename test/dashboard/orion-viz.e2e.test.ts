/**
 * `analyze --viz`: Orion's per-test chart page, written as `<base>_<test>_viz.html`, opened from disk in a
 * real Chromium (Debian's, driven by playwright-core) with every network request refused: the charts draw
 * (one per metric, the series, change points, the ack, the version changes) and a click opens the build.
 * It lives with the dashboard's browser tests (type-checked with the DOM library); screenshots go to
 * test/dashboard/screenshots/ (git-ignored) for a reviewer to look at.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesFlags } from '../support/analyze-flags.js';
import { runCli } from '../support/cli.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// not imported from ./support.js, which loads the daemon
const SHOTS = join(HERE, 'screenshots');
const CHROMIUM = process.env.PERFHOUND_CHROMIUM ?? '/usr/bin/chromium';
const FIXTURES = 'test/fixtures/viz';
const analyze = ['analyze', '--hunter-analyze', '--source', 'csv', '--csv', `${FIXTURES}/runs.csv`, '--config', `${FIXTURES}/config.yaml`];

interface Panel {
  metric: string;
  changePoints: string;
  acks: string;
  versionChanges: string;
  series: number;
}

describe('analyze --viz', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function writeViz(extra: string[] = []): Promise<{ dir: string; files: string[]; code: number }> {
    const flags = filesFlags();
    const { code } = await runCli([...analyze, '--viz', ...extra, ...flags]);
    const dir = dirname(flags[1]);
    return { dir, files: readdirSync(dir).sort(), code };
  }

  it('is written as Orion names it, beside the other files, and only with --viz', async () => {
    const { files, code } = await writeViz();
    expect(code).toBe(2);
    expect(files).toEqual(['data-viz-test.csv', 'output_table_viz-test.txt', 'output_viz-test_viz.html']);
    const flags = filesFlags();
    await runCli([...analyze, ...flags]);
    expect(readdirSync(dirname(flags[1])).filter((f) => f.endsWith('.html'))).toEqual([]);
  });

  it('loads nothing from elsewhere: uPlot is inlined, no src/href/url() points out', async () => {
    const { dir } = await writeViz();
    const html = readFileSync(join(dir, 'output_viz-test_viz.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain('uPlot');
    // the embedded data cannot close its script element
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('draws every metric with its change points, the ack and the version changes in Chromium, offline; a click opens the build', async () => {
    const { dir } = await writeViz(['--ack', `${FIXTURES}/ack.yaml`]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 1100 }, timezoneId: 'UTC', locale: 'en-US' });
    const requested: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requested.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(dir, 'output_viz-test_viz.html')).href);
    await page.waitForSelector('body[data-ready]');

    const panels = await page.$$eval('section.panel', (els) =>
      els.map((e) => {
        const d = (e as HTMLElement).dataset;
        return { metric: d.metric, changePoints: d.changePoints, acks: d.acks, versionChanges: d.versionChanges, series: 0 } as Panel;
      }),
    );
    const series = await page.evaluate(() => (window as unknown as { perfhoundViz: { charts: { plot: { series: unknown[] } }[] } }).perfhoundViz.charts.map((c) => c.plot.series.length));
    panels.forEach((p, i) => (p.series = series[i]));
    // cpu regressed (red); the latency change point is acked, so drawn as an ack; mem is stable and last
    expect(panels).toEqual([
      { metric: 'cpu_cpu', changePoints: '1', acks: '0', versionChanges: '2', series: 3 },
      { metric: 'latency_latency', changePoints: '0', acks: '1', versionChanges: '2', series: 3 },
      { metric: 'mem_mem', changePoints: '0', acks: '0', versionChanges: '2', series: 3 },
    ]);
    expect(await page.textContent('header h1')).toBe('Orion: viz-test');
    expect(await page.textContent('header .cps')).toBe('cpu_cpu: +29.9%');

    // hover the change point's run, then click it: the build link of that run is opened
    const over = await page.$('section.panel[data-metric="cpu_cpu"] .u-over');
    const point = await page.evaluate(() => {
      const viz = (window as unknown as { perfhoundViz: { charts: { plot: { valToPos(v: number, s: string): number; data: number[][] } }[] } }).perfhoundViz;
      const u = viz.charts[0].plot;
      return { x: u.valToPos(15, 'x'), y: u.valToPos(u.data[1][15], 'y') };
    });
    await page.evaluate(() => {
      window.open = ((url: string) => {
        (window as unknown as { openedUrl: string }).openedUrl = url;
        return null;
      }) as typeof window.open;
    });
    await over!.hover({ position: point });
    expect(await page.textContent('#tip')).toContain('CHANGEPOINT +29.9%');
    await shot(page, 'viz-hover');
    await over!.click({ position: point });
    expect(await page.evaluate(() => (window as unknown as { openedUrl: string }).openedUrl)).toBe('https://prow.example.invalid/view/job/1015');

    await page.mouse.move(0, 0);
    await shot(page, 'viz');
    expect(errors).toEqual([]);
    expect(requested).toEqual([]);
    await context.close();
  });
});

async function shot(page: import('playwright-core').Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
