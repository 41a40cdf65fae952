/**
 * The daemon's default limits, apart from the server itself: `perfhound serve --help` shows them, and
 * loading app.ts (fastify and every route) just to print help costs most of `perfhound --help`'s time.
 */
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
export const DEFAULT_INGEST_LIMIT = 1024 * 1024 * 1024;
export const DEFAULT_SPOOL_LIMIT = 4 * 1024 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;
