import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import type { Store } from '../../store/connect.js';
import { getRun } from '../../store/runs.js';
import { flakyTests, neverFailed, parseResolution, recentFailedRuns, runsByKey, slowestTests, testHistory, testRates, type Period } from '../../test-analytics/analytics.js';
import { exportRunAsSubunit } from '../../test-analytics/export.js';
import { meanDurations, partitionByTimings, timingStream } from '../../test-analytics/timing.js';
import { UserError } from '../../util/errors.js';
import { dateParam, intParam, limitParam, many, rejectUnknown, single, type Query } from '../params.js';

const PERIOD = ['since', 'until'] as const;

function period(query: Query): Period {
  return { startMs: dateParam(query, 'since')?.getTime(), stopMs: dateParam(query, 'until')?.getTime() };
}

function required(query: Query, name: string): string {
  const value = single(query, name);
  if (value === undefined || value === '') throw new UserError(`query parameter ${name} is required`, { field: name });
  return value;
}

/** `meta=key=value`: the one metadata pair the analytics queries filter by. */
function metadataPair(query: Query): { metadata?: [string, string] } {
  const raw = single(query, 'meta');
  if (raw === undefined) return {};
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new UserError(`meta "${raw}" is not key=value`, { field: 'meta' });
  return { metadata: [raw.slice(0, eq), raw.slice(eq + 1)] };
}

/** The test analytics of `src/test-analytics/` (openstack-health / subunit2sql-graph questions), read-only. */
export function testsRoutes(app: FastifyInstance, store: Store): void {
  const db = store.db;
  const get = (path: string, known: readonly string[], answer: (query: Query) => Promise<unknown>) =>
    app.get(path, async (request) => {
      const query = request.query as Query;
      rejectUnknown(query, known);
      return answer(query);
    });

  get('/api/v1/tests/runs-by-key', ['key', 'resolution', ...PERIOD], async (q) => ({
    buckets: await runsByKey(db, required(q, 'key'), parseResolution(single(q, 'resolution') ?? 'day'), period(q)),
  }));
  get('/api/v1/tests/history', ['test', 'window', 'meta', ...PERIOD], async (q) =>
    testHistory(db, required(q, 'test'), { ...period(q), ...metadataPair(q), window: intParam(q, 'window', { min: 1, max: 100_000 }) }),
  );
  get('/api/v1/tests/rates', ['meta', ...PERIOD], async (q) => ({ tests: await testRates(db, { ...period(q), ...metadataPair(q) }) }));
  get('/api/v1/tests/never-failed', ['meta', ...PERIOD], async (q) => ({ tests: await neverFailed(db, { ...period(q), ...metadataPair(q) }) }));
  get('/api/v1/tests/slowest', ['limit', 'meta', ...PERIOD], async (q) => ({
    tests: await slowestTests(db, limitParam(q, 100_000) ?? 10, { ...period(q), ...metadataPair(q) }),
  }));
  get('/api/v1/tests/flaky', ['key', ...PERIOD], async (q) => ({ tests: await flakyTests(db, required(q, 'key'), period(q)) }));
  get('/api/v1/tests/failed-runs', ['key', 'value', 'limit'], async (q) => ({
    runs: await recentFailedRuns(db, required(q, 'key'), { value: single(q, 'value'), limit: limitParam(q, 10_000) }),
  }));

  // Timing export for test schedulers: JSON means, a subunit v2 stream (`stestr load`), or a partition.
  app.get('/api/v1/tests/timing', async (request, reply) => {
    const q = request.query as Query;
    rejectUnknown(q, ['format', 'workers', 'test', 'meta', ...PERIOD]);
    const format = single(q, 'format') ?? 'json';
    if (!['json', 'subunit'].includes(format)) throw new UserError(`format must be json or subunit (got "${format}")`, { field: 'format' });
    const durations = await meanDurations(db, { ...period(q), ...metadataPair(q) });
    if (format === 'subunit') {
      return reply.type('application/vnd.subunit.v2').send(timingStream(durations, Date.now() * 1000));
    }
    const workers = intParam(q, 'workers', { min: 1, max: 10_000 });
    if (workers === undefined) return { durations };
    const tests = many(q, 'test');
    return { durations, partitions: partitionByTimings(tests.length ? tests : Object.keys(durations), durations, workers) };
  });

  // A stored test run back as a subunit v2 stream (like sql2subunit).
  app.get('/api/v1/runs/:uuid/subunit', async (request, reply) => {
    const { uuid } = request.params as { uuid: string };
    rejectUnknown(request.query as Query, []);
    await getRun(db, uuid);
    return reply.type('application/vnd.subunit.v2').send(Readable.from(exportRunAsSubunit(store, uuid)));
  });
}
