import { z } from 'zod';
import { anyObject, limitText, offsetText, optionalText, page, query, sinceText, untilText } from './fields.js';
import { error, json, route } from './route.js';

export const REPORTS_PAGE_DEFAULT = 100;
export const REPORTS_PAGE_MAX = 10_000;

export const ReportSummary = z
  .object({ uuid: z.string(), cluster: z.string().nullable(), reportType: z.string().nullable(), timestamp: z.string(), generatedAt: z.string(), warnings: z.number().int() })
  .meta({ id: 'ReportSummary' });

/** The report document as generated (src/report/document.ts); other fields may follow. */
export const Report = z
  .looseObject({
    uuid: z.string(),
    report_type: z.string().nullable().optional(),
    generated_at: z.string().optional(),
    openshift_cluster_name: z.string().nullable().optional(),
    openshift_cluster_version: z.string().nullable().optional(),
    openshift_network_type: z.string().nullable().optional(),
    openshift_platform: z.string().nullable().optional(),
    metadata: anyObject().optional(),
    results: anyObject().optional(),
    metrics: anyObject().optional().meta({ description: 'profile → query → group → aggregation (avg, max, min, p50, p95, p99, last) → value' }),
    links: z.record(z.string(), z.string()).optional(),
    warnings: z.array(z.object({ name: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Report' });

export const listReports = route('GET', '/api/v1/reports', 'read', {
  summary: 'run reports (seed 002: results, Prometheus metrics, links per run), newest run last; pages go back in time',
  tags: ['reports'],
  querystring: query({ cluster: optionalText('only this cluster'), since: sinceText(), until: untilText(), limit: limitText(REPORTS_PAGE_MAX, REPORTS_PAGE_DEFAULT), offset: offsetText() }),
  response: { 200: json(z.object({ reports: z.array(ReportSummary), ...page }), 'a page of report summaries') },
});

export const getReport = route('GET', '/api/v1/reports/:uuid', 'read', {
  summary: 'the report document of one run',
  tags: ['reports'],
  params: z.strictObject({ uuid: z.string().meta({ description: 'the run id' }) }),
  querystring: query({}),
  response: { 200: json(Report, 'the report'), 404: error('no report for that run') },
});

export type ReportDocument = z.output<typeof Report>;
