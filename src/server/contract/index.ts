/**
 * The daemon's API contract: each route declared once (method, path, access, zod schemas of its query,
 * path parameters, body and answers). The server registers its handlers on these declarations
 * (validation and handler types), @fastify/swagger writes the OpenAPI document from them, and the
 * dashboard's client (web/src/api.ts) takes its types from them — type-only imports, nothing of this is
 * bundled into the page.
 */
export * as alerts from './alerts.js';
export * as analysis from './analysis.js';
export * as experiments from './experiments.js';
export * as ingest from './ingest.js';
export * as ops from './ops.js';
export * as regressions from './regressions.js';
export * as reports from './reports.js';
export * as runs from './runs.js';
export * as tests from './tests.js';
export * as tokens from './tokens.js';
export { ErrorBody } from './fields.js';
export type { Answer, QueryOf, Reply, Route, RouteSchema } from './route.js';
