import type { FastifyInstance } from 'fastify';
import { addWatch, publicSettings, resolveRegression, silenceMetric, validateChannel } from '../../alerts/index.js';
import { parseLookback } from '../../config/index.js';
import { deleteChannel, deleteWatch, insertChannel, listChannels, listWatches, outboxCounts, type WatchRow } from '../../store/alerts.js';
import type { Store } from '../../store/connect.js';
import { UserError } from '../../util/errors.js';

/**
 * Alerts over HTTP: `GET/POST /api/v1/watches`, `DELETE /api/v1/watches/{name}`, channels
 * (`/api/v1/channels`, secrets never shown), `POST /api/v1/regressions/{id}/resolve`, `POST
 * /api/v1/silences`, `GET /api/v1/notify/status`. Writing watches and channels needs scope admin; resolving
 * and silencing scope ack (who did it is the token's name).
 */
export function watchesRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/watches', async () => ({ watches: (await listWatches(store.db)).map(watchJson) }));

  app.post('/api/v1/watches', { config: { access: 'admin' } }, async (request, reply) => {
    const b = bodyObject(request.body, ['name', 'config', 'options', 'channels']);
    if (b.options !== undefined && (b.options === null || typeof b.options !== 'object' || Array.isArray(b.options))) throw new UserError('options must be an object', { field: 'options' });
    if (b.channels !== undefined && (!Array.isArray(b.channels) || !b.channels.every((c) => typeof c === 'string'))) throw new UserError('channels must be a list of channel names', { field: 'channels' });
    const watch = await addWatch(store, { name: b.name as string, config: b.config as string, options: b.options as Record<string, unknown> | undefined, channels: b.channels as string[] | undefined });
    return reply.code(201).send(watchJson(watch));
  });

  app.delete('/api/v1/watches/:name', { config: { access: 'admin' } }, async (request) => {
    const watch = await store.transaction((trx) => deleteWatch(trx, (request.params as { name: string }).name));
    return { removed: watch.name };
  });

  app.get('/api/v1/channels', async () => ({ channels: (await listChannels(store.db)).map((c) => ({ name: c.name, kind: c.kind, settings: publicSettings(c.kind, c.settings), routes: c.routes })) }));

  app.post('/api/v1/channels', { config: { access: 'admin' } }, async (request, reply) => {
    const spec = validateChannel(bodyObject(request.body, ['name', 'kind', 'settings', 'routes']));
    const saved = await store.transaction((trx) => insertChannel(trx, spec, Date.now()));
    return reply.code(201).send({ name: saved.name, kind: saved.kind, settings: publicSettings(saved.kind, saved.settings), routes: saved.routes });
  });

  app.delete('/api/v1/channels/:name', { config: { access: 'admin' } }, async (request) => {
    const channel = await store.transaction((trx) => deleteChannel(trx, (request.params as { name: string }).name));
    return { removed: channel.name };
  });

  app.post('/api/v1/regressions/:id/resolve', { config: { access: 'ack' } }, async (request) => {
    const b = bodyObject(request.body, ['reason']);
    return { regression: await resolveRegression(store, regressionId(request.params), b.reason, request.token!.name) };
  });

  app.post('/api/v1/silences', { config: { access: 'ack' } }, async (request, reply) => {
    const b = bodyObject(request.body, ['test', 'metric', 'for', 'reason']);
    if (b.test !== undefined && typeof b.test !== 'string') throw new UserError('test must be a string', { field: 'test' });
    if (typeof b.for !== 'string') throw new UserError('for is required: a duration like 7d or 12h', { field: 'for' });
    let durationMs: number;
    try {
      durationMs = parseLookback(b.for);
    } catch {
      throw new UserError(`expected a duration like 7d, 12h or 1d12h, got ${JSON.stringify(b.for)}`, { field: 'for' });
    }
    const s = await silenceMetric(store, { test: b.test as string | undefined, metric: b.metric, durationMs, reason: b.reason, by: request.token!.name });
    return reply.code(201).send({ id: s.id, test: s.testName, metric: s.metric, until: new Date(s.untilMs).toISOString(), reason: s.reason, by: s.silencedBy });
  });

  app.get('/api/v1/notify/status', async () => outboxCounts(store.db));
}


function regressionId(params: unknown): number {
  const id = Number((params as { id: string }).id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UserError('the regression id must be a positive integer', { field: 'id' });
  return id;
}

function bodyObject(body: unknown, known: string[]): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new UserError('the body must be a JSON object', { field: 'body' });
  for (const key of Object.keys(body)) if (!known.includes(key)) throw new UserError(`unknown body field "${key}" (known: ${known.join(', ')})`, { field: key });
  return body as Record<string, unknown>;
}

function watchJson(w: WatchRow) {
  return { name: w.name, config: w.config, options: w.options, channels: w.channels, created: new Date(w.createdMs).toISOString(), lastRun: w.lastRunMs === null ? null : new Date(w.lastRunMs).toISOString() };
}
