/**
 * The delivery worker: sends the outbox's pending notifications, oldest first and in order per watch and
 * channel, with exponential backoff. Delivery is at least once — a process killed between sending and
 * marking it delivered sends it again after its lease — and each message carries its idempotency key so
 * the receiver can drop the repeat. A message is claimed in a short transaction (on PostgreSQL/MariaDB
 * with `FOR UPDATE SKIP LOCKED`, on SQLite under the single writer) that moves its next attempt past a
 * lease, so two workers on one database never send the same message at once; a claim whose worker died
 * comes due again when the lease ends.
 */
import { sql } from 'kysely';
import { channelById } from '../store/alerts.js';
import type { Store } from '../store/connect.js';
import { errorMessage } from '../util/errors.js';
import { logger } from '../util/log.js';
import { DeliveryError, send } from './channels.js';
import type { Notice } from './notice.js';

export interface DeliveryOptions {
  /** First retry after this (ms); each failure doubles it. Default 1 s. */
  baseBackoffMs?: number;
  /** Longest wait between attempts (ms). Default 5 minutes. */
  maxBackoffMs?: number;
  /** A receiver's time to accept a message (ms). Default 10 s. */
  sendTimeoutMs?: number;
  /** How long a claim keeps other workers off a message (ms); longer than a send. Default 60 s. */
  leaseMs?: number;
  /** Messages claimed per pass. Default 20. */
  batch?: number;
  now?: () => number;
}

export const DEFAULTS = { baseBackoffMs: 1000, maxBackoffMs: 5 * 60_000, sendTimeoutMs: 10_000, leaseMs: 60_000, batch: 20 };

export interface PassResult {
  delivered: number;
  retried: number;
  failed: number;
}

/** The wait before attempt `attempts + 1` after `attempts` failed ones. */
export function backoffMs(attempts: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

/** Claims the due messages a pass may send: the oldest pending one of each watch and channel. */
async function claim(store: Store, nowMs: number, o: Required<Omit<DeliveryOptions, 'now'>>): Promise<Array<{ id: number; channel_id: number; payload: string; attempts: number }>> {
  return store.transaction(async (trx) => {
    let q = trx
      .selectFrom('outbox as o')
      .select(['o.id', 'o.channel_id', 'o.payload', 'o.attempts'])
      .where('o.status', '=', 'pending')
      .where('o.next_attempt_ms', '<=', nowMs)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('outbox as p')
              .select(sql.lit(1).as('one'))
              .whereRef('p.watch_id', '=', 'o.watch_id')
              .whereRef('p.channel_id', '=', 'o.channel_id')
              .where('p.status', '=', 'pending')
              .whereRef('p.id', '<', 'o.id'),
          ),
        ),
      )
      .orderBy('o.id')
      .limit(o.batch);
    if (store.dialect !== 'sqlite') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length) {
      await trx
        .updateTable('outbox')
        .set({ next_attempt_ms: nowMs + o.leaseMs, attempts: sql`attempts + 1` })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    }
    return rows.map((r) => ({ ...r, id: Number(r.id), channel_id: Number(r.channel_id), attempts: Number(r.attempts) + 1 }));
  });
}

/** One pass: claims what is due, sends it, records each outcome. */
export async function deliverDue(store: Store, options: DeliveryOptions = {}): Promise<PassResult> {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const now = options.now ?? Date.now;
  const result: PassResult = { delivered: 0, retried: 0, failed: 0 };
  const claimed = await claim(store, now(), o);
  await Promise.all(
    claimed.map(async (m) => {
      const channel = await channelById(store.db, m.channel_id);
      try {
        if (!channel) throw new DeliveryError('its channel was removed', true);
        await send(channel.kind, channel.settings, JSON.parse(m.payload) as Notice, o.sendTimeoutMs);
        await store.db.updateTable('outbox').set({ status: 'delivered', delivered_ms: now(), last_error: null }).where('id', '=', m.id).execute();
        result.delivered++;
      } catch (err) {
        const permanent = err instanceof DeliveryError && err.permanent;
        const message = errorMessage(err);
        const next = now() + backoffMs(m.attempts, o.baseBackoffMs, o.maxBackoffMs);
        await store.db
          .updateTable('outbox')
          .set(permanent ? { status: 'failed', last_error: message } : { next_attempt_ms: next, last_error: message })
          .where('id', '=', m.id)
          .execute();
        if (permanent) result.failed++;
        else result.retried++;
        logger().warn({ outbox: m.id, channel: channel?.name, attempt: m.attempts, permanent }, `notification not delivered: ${message}`);
      }
    }),
  );
  return result;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Runs passes until stopped: at once when {@link poke}d (after an ingest wrote notifications), else every
 * `pollMs`. Used by the daemon.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly options: DeliveryOptions & { pollMs?: number } = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.poke();
  }

  /** Starts a pass now (or right after the one running). */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.poke();
      } else {
        this.timer = setTimeout(() => this.poke(), this.options.pollMs ?? 1000);
        this.timer.unref();
      }
    });
  }

  private async loop(): Promise<void> {
    try {
      // Pass after pass while messages keep coming due (a backlog larger than one batch).
      for (;;) {
        const r = await deliverDue(this.store, this.options);
        if (this.stopped || r.delivered + r.retried + r.failed === 0 || r.retried > 0) return;
      }
    } catch (err) {
      logger().warn({ err: errorMessage(err) }, 'delivery pass failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
