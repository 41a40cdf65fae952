/**
 * Notifications of a campaign (stopped, a machine failing its checks, ended): a JSON webhook (optionally
 * signed: `X-Perfhound-Signature: sha256=<hex HMAC of the body>`) and a Slack-compatible incoming webhook
 * (`{"text": …}`). Delivery is retried with backoff in the background: it never blocks or fails the
 * campaign. Every notification is also logged.
 *
 * ```ts
 * const notifier = new Notifier(config.notify);
 * notifier.send({ event: 'campaign_end', experiment: 'PCG #1', message: '12 tests, 11 passed' });
 * await notifier.flush(10_000); // before the process exits
 * ```
 */
import { createHmac } from 'node:crypto';
import { errorMessage } from '../util/errors.js';
import { logger } from '../util/log.js';
import type { Notify } from './config.js';

export type NotifyEvent = 'campaign_stop' | 'machine_check_fail' | 'campaign_end';

export interface Notification {
  event: NotifyEvent;
  experiment: string;
  message: string;
  details?: Record<string, unknown>;
}

export const SIGNATURE_HEADER = 'x-perfhound-signature';

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class Notifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly config: Notify,
    private readonly options: { attempts?: number; firstDelayMs?: number; timeoutMs?: number } = {},
  ) {}

  send(n: Notification): void {
    const at = new Date().toISOString();
    const log = n.event === 'campaign_end' ? logger().info.bind(logger()) : logger().warn.bind(logger());
    log({ notification: n.event, experiment: n.experiment, ...n.details }, n.message);
    if (this.config.webhook) {
      const body = JSON.stringify({ ...n, at });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.config.webhook.secret) headers[SIGNATURE_HEADER] = signature(this.config.webhook.secret, body);
      this.track(this.deliver(this.config.webhook.url, body, headers));
    }
    if (this.config.slack) {
      const body = JSON.stringify({ text: `perfhound experiment "${n.experiment}": ${n.message}` });
      this.track(this.deliver(this.config.slack.url, body, { 'content-type': 'application/json' }));
    }
  }

  /** Waits for deliveries in flight, at most `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async deliver(url: string, body: string, headers: Record<string, string>): Promise<void> {
    const attempts = this.options.attempts ?? 5;
    let delay = this.options.firstDelayMs ?? 500;
    const where = new URL(url).host;
    for (let i = 1; i <= attempts; i++) {
      try {
        const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
        await res.arrayBuffer();
        if (res.ok) return;
        if (res.status < 500 && res.status !== 429) {
          logger().warn({ status: res.status }, `notification to ${where} refused`);
          return;
        }
        if (i === attempts) logger().warn({ status: res.status }, `notification to ${where} failed after ${attempts} attempts`);
      } catch (err) {
        if (i === attempts) logger().warn(`notification to ${where} failed after ${attempts} attempts: ${errorMessage(err)}`);
      }
      if (i < attempts) {
        await new Promise((r) => setTimeout(r, delay).unref());
        delay *= 2;
      }
    }
  }
}
