import { z } from 'zod';
import { json, raw, route } from './route.js';

const Health = z.object({ status: z.enum(['ok', 'unavailable']), database: z.string(), error: z.string().optional() });

export const healthz = route('GET', '/healthz', 'public', {
  summary: 'the daemon and its database answer',
  tags: ['ops'],
  response: { 200: json(Health, 'ok'), 503: json(Health, 'the database does not answer (in time)') },
});

export const metrics = route('GET', '/metrics', 'public', {
  summary: 'Prometheus metrics of this process (prom-client: requests, latencies, ingests, caches, process)',
  tags: ['ops'],
  response: { 200: raw('text/plain', 'text exposition format 0.0.4') },
});

export const openapi = route('GET', '/openapi.json', 'public', {
  summary: 'this document (generated from the route declarations)',
  tags: ['ops'],
  response: { 200: json(z.record(z.string(), z.unknown()), 'OpenAPI 3.1') },
});

const NOT_BUILT = raw('text/plain', 'the dashboard is not built (`npm run build`)');

export const dashboardPage = route('GET', '/', 'public', {
  summary: 'the web dashboard (regressions, series, runs, test health, reports, experiments)',
  tags: ['dashboard'],
  response: { 200: raw('text/html', 'HTML page'), 503: NOT_BUILT },
});

export const dashboardScript = route('GET', '/app.js', 'public', {
  summary: "the dashboard's script bundle",
  tags: ['dashboard'],
  response: { 200: raw('text/javascript', 'JavaScript'), 503: NOT_BUILT },
});

export const dashboardStyle = route('GET', '/style.css', 'public', {
  summary: "the dashboard's style sheet",
  tags: ['dashboard'],
  response: { 200: raw('text/css', 'CSS'), 503: NOT_BUILT },
});
