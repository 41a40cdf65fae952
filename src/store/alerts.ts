/**
 * The store's side of alerts (migration 0013): watches, notification channels, silences, which watch has
 * announced which regression, and the outbox. Validation of what users give lives in `src/alerts/`; this
 * file reads and writes rows.
 */
import type { Kysely, Transaction } from 'kysely';
import { NotFoundError, UserError } from '../util/errors.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface WatchRow {
  id: number;
  name: string;
  config: string;
  options: Record<string, unknown>;
  channels: string[];
  createdMs: number;
  lastRunMs: number | null;
}

export interface ChannelRow {
  id: number;
  name: string;
  kind: string;
  settings: Record<string, unknown>;
  routes: Record<string, unknown>;
  createdMs: number;
}

export async function insertWatch(db: Db, watch: { name: string; config: string; options: Record<string, unknown>; channels: string[] }, nowMs: number): Promise<WatchRow> {
  if (await db.selectFrom('watches').select('id').where('name', '=', watch.name).executeTakeFirst()) {
    throw new UserError(`a watch named "${watch.name}" exists already (remove it first)`, { field: 'name' });
  }
  for (const channel of watch.channels) await findChannel(db, channel);
  await db
    .insertInto('watches')
    .values({ name: watch.name, config: watch.config, options: JSON.stringify(watch.options), channels: JSON.stringify(watch.channels), created_ms: nowMs, last_run_ms: null })
    .execute();
  return findWatch(db, watch.name);
}

export async function listWatches(db: Db): Promise<WatchRow[]> {
  const rows = await db.selectFrom('watches').selectAll().orderBy('name').execute();
  return rows.map(toWatch);
}

export async function findWatch(db: Db, name: string): Promise<WatchRow> {
  const row = await db.selectFrom('watches').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw new NotFoundError(`no watch named "${name}"`, { field: 'name' });
  return toWatch(row);
}

/** Removes a watch and what it had found; its pending notifications stay and are delivered. */
export async function deleteWatch(db: Db, name: string): Promise<WatchRow> {
  const watch = await findWatch(db, name);
  await db.deleteFrom('watch_findings').where('watch_id', '=', watch.id).execute();
  await db.deleteFrom('watches').where('id', '=', watch.id).execute();
  return watch;
}

export async function touchWatch(db: Db, id: number, nowMs: number): Promise<void> {
  await db.updateTable('watches').set({ last_run_ms: nowMs }).where('id', '=', id).execute();
}

function toWatch(row: { id: number; name: string; config: string; options: string; channels: string; created_ms: number; last_run_ms: number | null }): WatchRow {
  return {
    id: Number(row.id),
    name: row.name,
    config: row.config,
    options: JSON.parse(row.options) as Record<string, unknown>,
    channels: JSON.parse(row.channels) as string[],
    createdMs: Number(row.created_ms),
    lastRunMs: row.last_run_ms === null ? null : Number(row.last_run_ms),
  };
}

export async function insertChannel(db: Db, channel: { name: string; kind: string; settings: Record<string, unknown>; routes: object }, nowMs: number): Promise<ChannelRow> {
  if (await db.selectFrom('alert_channels').select('id').where('name', '=', channel.name).executeTakeFirst()) {
    throw new UserError(`a channel named "${channel.name}" exists already (remove it first)`, { field: 'name' });
  }
  await db
    .insertInto('alert_channels')
    .values({ name: channel.name, kind: channel.kind, settings: JSON.stringify(channel.settings), routes: JSON.stringify(channel.routes), created_ms: nowMs })
    .execute();
  return findChannel(db, channel.name);
}

export async function findChannel(db: Db, name: string): Promise<ChannelRow> {
  const row = await db.selectFrom('alert_channels').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw new NotFoundError(`no channel named "${name}" (perfhound notify channel add)`, { field: 'channel' });
  return toChannel(row);
}

export async function channelById(db: Db, id: number): Promise<ChannelRow | undefined> {
  const row = await db.selectFrom('alert_channels').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toChannel(row);
}

export async function listChannels(db: Db): Promise<ChannelRow[]> {
  return (await db.selectFrom('alert_channels').selectAll().orderBy('name').execute()).map(toChannel);
}

export async function deleteChannel(db: Db, name: string): Promise<ChannelRow> {
  const channel = await findChannel(db, name);
  const users = (await listWatches(db)).filter((w) => w.channels.includes(name)).map((w) => w.name);
  if (users.length) throw new UserError(`channel "${name}" is used by watch ${users.join(', ')} (remove those first)`, { field: 'name' });
  await db.deleteFrom('alert_channels').where('id', '=', channel.id).execute();
  return channel;
}

function toChannel(row: { id: number; name: string; kind: string; settings: string; routes: string; created_ms: number }): ChannelRow {
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    routes: JSON.parse(row.routes) as Record<string, unknown>,
    createdMs: Number(row.created_ms),
  };
}

export interface SilenceRow {
  id: number;
  testName: string | null;
  metric: string;
  untilMs: number;
  reason: string;
  silencedBy: string | null;
  createdMs: number;
}

export async function insertSilence(db: Db, silence: Omit<SilenceRow, 'id' | 'createdMs'>, nowMs: number): Promise<SilenceRow> {
  const values = { test_name: silence.testName, metric: silence.metric, until_ms: silence.untilMs, reason: silence.reason, silenced_by: silence.silencedBy, created_ms: nowMs };
  await db.insertInto('silences').values(values).execute();
  const row = await db.selectFrom('silences').selectAll().where('created_ms', '=', nowMs).where('metric', '=', silence.metric).orderBy('id', 'desc').executeTakeFirstOrThrow();
  return toSilence(row);
}

/** Silences in force at `nowMs`. */
export async function activeSilences(db: Db, nowMs: number): Promise<SilenceRow[]> {
  return (await db.selectFrom('silences').selectAll().where('until_ms', '>', nowMs).orderBy('id').execute()).map(toSilence);
}

function toSilence(row: { id: number; test_name: string | null; metric: string; until_ms: number; reason: string; silenced_by: string | null; created_ms: number }): SilenceRow {
  return {
    id: Number(row.id),
    testName: row.test_name,
    metric: row.metric,
    untilMs: Number(row.until_ms),
    reason: row.reason,
    silencedBy: row.silenced_by,
    createdMs: Number(row.created_ms),
  };
}

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface OutboxCounts {
  pending: number;
  delivered: number;
  failed: number;
}

export async function outboxCounts(db: Db): Promise<OutboxCounts> {
  const rows = await db.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const counts: OutboxCounts = { pending: 0, delivered: 0, failed: 0 };
  for (const r of rows) if (r.status in counts) counts[r.status as OutboxStatus] = Number(r.n);
  return counts;
}
