import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { packagePath } from '../../util/package-root.js';
import { dashboardPage, dashboardScript, dashboardStyle } from '../contract/ops.js';

/** The bundled dashboard (web/, built by `npm run build` into web/dist/), beside src/ and dist/. */
export const DASHBOARD_DIR = packagePath('web/dist/');

/**
 * Same origin as the API; the page reads the token from the browser's storage, so nothing here needs one.
 * Only what is inside the page's own origin may run or be fetched (no CDN, nothing inline).
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The files the bundle consists of (web/build.mjs writes exactly these); each is a route of its own. */
export const DASHBOARD_FILES = ['index.html', 'app.js', 'style.css'] as const;

/**
 * `GET /` and the dashboard's assets (`/app.js`, `/style.css`), public: the page holds no data, every datum
 * comes from the API with the caller's token. Fixed routes, so unknown paths stay 404s of the API and the
 * OpenAPI document lists them. Without a build (a checkout where `npm run build` was not run) they answer 503.
 */
export async function dashboardRoutes(app: FastifyInstance, dir: string = DASHBOARD_DIR): Promise<void> {
  const built = DASHBOARD_FILES.every((f) => existsSync(join(dir, f)));
  if (built) await app.register(fastifyStatic, { root: dir, serve: false });
  const send = (file: string) => async (_request: unknown, reply: FastifyReply) => {
    if (!built) return reply.code(503).type('text/plain; charset=utf-8').send('The dashboard is not built: run `npm run build` in the perfhound checkout (the API works without it).\n');
    return reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').sendFile(file);
  };
  const declared = { 'index.html': dashboardPage, 'app.js': dashboardScript, 'style.css': dashboardStyle };
  for (const file of DASHBOARD_FILES) app.route({ ...declared[file], handler: send(file) });
}
