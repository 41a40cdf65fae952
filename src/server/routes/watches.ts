import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { addWatch, publicSettings, resolveRegression, silenceMetric, validateChannel } from '../../alerts/index.js';
import { parseLookback } from '../../config/index.js';
import { deleteChannel, deleteWatch, insertChannel, listChannels, listWatches, outboxCounts, type WatchRow } from '../../store/alerts.js';
import type { Store } from '../../store/connect.js';
import { UserError } from '../../util/errors.js';
import * as alerts from '../contract/alerts.js';
import { addSilence, resolveRegression as resolveRoute } from '../contract/regressions.js';

/**
 * Alerts over HTTP: `GET/POST /api/v1/watches`, `DELETE /api/v1/watches/{name}`, channels
 * (`/api/v1/channels`, secrets never shown), `POST /api/v1/regressions/{id}/resolve`, `POST
 * /api/v1/silences`, `GET /api/v1/notify/status`. Writing watches and channels needs scope admin; resolving
 * and silencing scope ack (who did it is the token's name).
 */
export function watchesRoutes(app: FastifyInstance, store: Store): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.route({ ...alerts.listWatches, handler: async () => ({ watches: (await listWatches(store.db)).map(watchJson) }) });

  r.route({
    ...alerts.addWatch,
    handler: async (request, reply) => reply.code(201).send(watchJson(await addWatch(store, request.body))),
  });

  r.route({
    ...alerts.removeWatch,
    handler: async (request) => ({ removed: (await store.transaction((trx) => deleteWatch(trx, request.params.name))).name }),
  });

  r.route({
    ...alerts.listChannels,
    handler: async () => ({ channels: (await listChannels(store.db)).map((c) => ({ name: c.name, kind: c.kind, settings: publicSettings(c.kind, c.settings), routes: c.routes })) }),
  });

  r.route({
    ...alerts.addChannel,
    handler: async (request, reply) => {
      const spec = validateChannel(request.body);
      const saved = await store.transaction((trx) => insertChannel(trx, spec, Date.now()));
      return reply.code(201).send({ name: saved.name, kind: saved.kind, settings: publicSettings(saved.kind, saved.settings), routes: saved.routes });
    },
  });

  r.route({
    ...alerts.removeChannel,
    handler: async (request) => ({ removed: (await store.transaction((trx) => deleteChannel(trx, request.params.name))).name }),
  });

  r.route({
    ...resolveRoute,
    handler: async (request) => ({ regression: await resolveRegression(store, request.params.id, request.body.reason, request.token!.name) }),
  });

  r.route({
    ...addSilence,
    handler: async (request, reply) => {
      const b = request.body;
      let durationMs: number;
      try {
        durationMs = parseLookback(b.for);
      } catch {
        throw new UserError(`expected a duration like 7d, 12h or 1d12h, got ${JSON.stringify(b.for)}`, { field: 'for' });
      }
      const s = await silenceMetric(store, { test: b.test, metric: b.metric, durationMs, reason: b.reason, by: request.token!.name });
      return reply.code(201).send({ id: s.id, test: s.testName, metric: s.metric, until: new Date(s.untilMs).toISOString(), reason: s.reason, by: s.silencedBy });
    },
  });

  r.route({ ...alerts.notifyStatus, handler: async () => outboxCounts(store.db) });
}

function watchJson(w: WatchRow) {
  return { name: w.name, config: w.config, options: w.options, channels: w.channels, created: new Date(w.createdMs).toISOString(), lastRun: w.lastRunMs === null ? null : new Date(w.lastRunMs).toISOString() };
}
