import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import type { Store } from '../../store/connect.js';
import { getRun } from '../../store/runs.js';
import { flakyTests, neverFailed, recentFailedRuns, runsByKey, slowestTests, testHistory, testRates, type Period } from '../../test-analytics/analytics.js';
import { exportRunAsSubunit } from '../../test-analytics/export.js';
import { meanDurations, partitionByTimings, timingStream } from '../../test-analytics/timing.js';
import * as contract from '../contract/tests.js';
import { runSubunit } from '../contract/runs.js';

/** The time range of a query, as the analytics take it. */
function period(q: { since?: number; until?: number }): Period {
  return { startMs: q.since, stopMs: q.until };
}

/** `meta=key=value`: the one metadata pair the analytics queries filter by. */
function filters(q: { since?: number; until?: number; meta?: [string, string] }): Period & { metadata?: [string, string] } {
  return q.meta ? { ...period(q), metadata: q.meta } : period(q);
}

/** The test analytics of `src/test-analytics/` (openstack-health / subunit2sql-graph questions), read-only. */
export function testsRoutes(app: FastifyInstance, store: Store): void {
  const db = store.db;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.route({ ...contract.runsByKey, handler: async ({ query: q }) => ({ buckets: await runsByKey(db, q.key, q.resolution ?? 'day', period(q)) }) });
  r.route({ ...contract.testHistory, handler: async ({ query: q }) => testHistory(db, q.test, { ...filters(q), window: q.window }) });
  r.route({ ...contract.testRates, handler: async ({ query: q }) => ({ tests: await testRates(db, filters(q)) }) });
  r.route({ ...contract.neverFailed, handler: async ({ query: q }) => ({ tests: await neverFailed(db, filters(q)) }) });
  r.route({ ...contract.slowestTests, handler: async ({ query: q }) => ({ tests: await slowestTests(db, q.limit ?? 10, filters(q)) }) });
  r.route({ ...contract.flakyTests, handler: async ({ query: q }) => ({ tests: await flakyTests(db, q.key, period(q)) }) });
  r.route({ ...contract.failedRuns, handler: async ({ query: q }) => ({ runs: await recentFailedRuns(db, q.key, { value: q.value, limit: q.limit }) }) });

  // Timing export for test schedulers: JSON means, a subunit v2 stream (`stestr load`), or a partition.
  r.route({
    ...contract.testTiming,
    handler: async ({ query: q }, reply) => {
      const durations = await meanDurations(db, filters(q));
      if (q.format === 'subunit') return reply.type('application/vnd.subunit.v2').send(timingStream(durations, Date.now() * 1000));
      if (q.workers === undefined) return { durations };
      const tests = q.test ?? [];
      return { durations, partitions: partitionByTimings(tests.length ? tests : Object.keys(durations), durations, q.workers) };
    },
  });

  // A stored test run back as a subunit v2 stream (like sql2subunit).
  r.route({
    ...runSubunit,
    handler: async (request, reply) => {
      const { uuid } = request.params;
      await getRun(db, uuid);
      return reply.type('application/vnd.subunit.v2').send(Readable.from(exportRunAsSubunit(store, uuid)));
    },
  });
}
