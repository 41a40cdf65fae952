/**
 * The dashboard's end-to-end setting: the bundle built from web/, a daemon over a SQLite store loaded with
 * the demo data set (its regressions recorded, as `perfhound demo` does) and the subunit fixtures, listening on
 * 127.0.0.1, and a real Chromium (Debian's, driven by playwright-core). Screenshots go to
 * test/dashboard/screenshots/ (git-ignored) for a reviewer to look at.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { buildServer } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { loadDemoStore } from '../support/demo-store.js';

export { loadDemoStore };

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
export const SHOTS = join(HERE, 'screenshots');
export const CHROMIUM = process.env.PERFHOUND_CHROMIUM ?? '/usr/bin/chromium';

/** Builds web/dist/ from web/src (esbuild, well under a second). */
export function buildBundle(): void {
  execFileSync(process.execPath, [join(ROOT, 'web', 'build.mjs')], { stdio: 'inherit' });
}

export interface Dashboard {
  base: string;
  app: FastifyInstance;
  store: Store;
  browser: Browser;
  /** token of scope ack */
  ackToken: string;
  /** token of scope ingest (may not ack) */
  ingestToken: string;
  /** A fresh page (own storage) in UTC, errors of the page collected in `errors`. */
  page(options?: { dark?: boolean }): Promise<Page & { errors: string[] }>;
}

export function useDashboard(): Dashboard {
  const d = {} as Dashboard;
  beforeAll(async () => {
    buildBundle();
    mkdirSync(SHOTS, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-dashboard-'));
    const configs = join(dir, 'configs');
    mkdirSync(configs);
    copyFileSync(join(ROOT, 'data', 'demo', 'config.yaml'), join(configs, 'demo.yaml'));
    d.store = await openStore(`sqlite:${join(dir, 'store.db')}`);
    await loadDemoStore(d.store);
    d.ackToken = (await createToken(d.store.db, { name: 'reviewer', scope: 'ack' })).token;
    d.ingestToken = (await createToken(d.store.db, { name: 'ci', scope: 'ingest' })).token;
    d.app = await buildServer({ store: d.store, configDir: configs, readPublic: true });
    await d.app.listen({ host: '127.0.0.1', port: 0 });
    const address = d.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    d.base = `http://127.0.0.1:${address.port}`;
    d.browser = await chromium.launch({ executablePath: CHROMIUM });
    d.page = async (options = {}) => {
      const context = await d.browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'UTC', locale: 'en-US', colorScheme: options.dark ? 'dark' : 'light', acceptDownloads: true });
      const page = (await context.newPage()) as Page & { errors: string[] };
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(e.message));
      return page;
    };
  });
  afterAll(async () => {
    await d.browser?.close();
    await d.app?.close();
    await d.store?.close();
  });
  return d;
}

/** Opens a hash route and waits until its view has drawn (the shell marks `body[data-ready]`). */
export async function open(page: Page, base: string, hash: string): Promise<void> {
  const before = await page.evaluate(() => document.body?.dataset.ready ?? '').catch(() => '');
  if (page.url().startsWith(base + '/')) await page.evaluate((h) => (location.hash = h), hash);
  else await page.goto(`${base}/${hash}`);
  await page.waitForFunction((b) => document.body.dataset.ready !== undefined && document.body.dataset.ready !== b, before);
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
