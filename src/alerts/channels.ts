/**
 * Notification channels: a webhook (JSON body signed with HMAC-SHA256 in `X-Perfhound-Signature`), a Slack
 * incoming webhook (a readable message) and e-mail over SMTP (nodemailer; STARTTLS, auth). A channel's
 * settings are checked when it is saved — a bad URL or a missing secret is refused then, not at send time.
 * Routing rules (tests, metrics, labels; `*` matches any characters) choose which regressions it hears of.
 */
import { createHmac, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import { noticeLines, noticeSubject, type Notice } from './notice.js';

export const CHANNEL_KINDS = ['webhook', 'slack', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface Routes {
  tests?: string[];
  metrics?: string[];
  labels?: string[];
}

export interface WebhookSettings {
  url: string;
  secret: string;
}
export interface SlackSettings {
  url: string;
}
export interface EmailSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). */
  secure: boolean;
  /** Refuse to send unless the server offers STARTTLS. */
  starttls: boolean;
  user?: string;
  password?: string;
  from: string;
  to: string[];
  /** PEM certificates of the CAs the server's certificate may chain to (beside the system's). */
  ca?: string;
}

export interface ChannelSpec {
  name: string;
  kind: ChannelKind;
  settings: Record<string, unknown>;
  routes: Routes;
}

export const MIN_SECRET_LENGTH = 16;

/** Checks a channel as given by a user (CLI flags, a file, an API body) and returns it normalised. */
export function validateChannel(input: { name?: unknown; kind?: unknown; settings?: unknown; routes?: unknown }): ChannelSpec {
  const name = text(input.name, 'name');
  if (!(CHANNEL_KINDS as readonly unknown[]).includes(input.kind)) {
    throw new UserError(`kind must be one of ${CHANNEL_KINDS.join(', ')} (got ${JSON.stringify(input.kind)})`, { field: 'kind' });
  }
  const kind = input.kind as ChannelKind;
  const s = object(input.settings ?? {}, 'settings');
  return { name, kind, settings: settingsOf(kind, s), routes: validateRoutes(input.routes ?? {}) };
}

function settingsOf(kind: ChannelKind, s: Record<string, unknown>): Record<string, unknown> {
  switch (kind) {
    case 'webhook': {
      const secret = text(s.secret, 'secret');
      if (secret.length < MIN_SECRET_LENGTH) throw new UserError(`the webhook secret must have at least ${MIN_SECRET_LENGTH} characters`, { field: 'secret' });
      return { url: httpUrl(s.url), secret } satisfies WebhookSettings;
    }
    case 'slack':
      return { url: httpUrl(s.url) } satisfies SlackSettings;
    case 'email': {
      const port = s.port === undefined ? 587 : Number(s.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`port must be a TCP port (got ${JSON.stringify(s.port)})`, { field: 'port' });
      const user = s.user === undefined ? undefined : text(s.user, 'user');
      const password = s.password === undefined ? undefined : text(s.password, 'password');
      if ((user === undefined) !== (password === undefined)) throw new UserError('user and password go together (SMTP auth)', { field: user === undefined ? 'user' : 'password' });
      const to = (Array.isArray(s.to) ? s.to : [s.to]).map((a) => address(a, 'to'));
      if (!to.length) throw new UserError('to is required (one or more e-mail addresses)', { field: 'to' });
      const settings: EmailSettings = { host: text(s.host, 'host'), port, secure: bool(s.secure, 'secure', port === 465), starttls: bool(s.starttls, 'starttls', false), from: address(s.from, 'from'), to };
      if (user !== undefined) Object.assign(settings, { user, password });
      const ca = trustedCa(s);
      if (ca !== undefined) settings.ca = ca;
      return settings as unknown as Record<string, unknown>;
    }
  }
}

export function validateRoutes(value: unknown): Routes {
  const o = object(value, 'routes');
  const routes: Routes = {};
  for (const key of Object.keys(o)) {
    if (key !== 'tests' && key !== 'metrics' && key !== 'labels') throw new UserError(`unknown routing rule "${key}" (known: tests, metrics, labels)`, { field: `routes.${key}` });
    const list = o[key];
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p.length > 0)) throw new UserError('must be a list of non-empty patterns', { field: `routes.${key}` });
    if (list.length) routes[key] = list as string[];
  }
  return routes;
}

/**
 * `ca` (PEM text) or `caFile` (a PEM file, read now: the channel keeps the certificates, so a daemon on
 * another machine trusts the same): every certificate in it must parse.
 */
function trustedCa(s: Record<string, unknown>): string | undefined {
  if (s.ca !== undefined && s.caFile !== undefined) throw new UserError('give ca or caFile, not both', { field: 'caFile' });
  let pem: string;
  let field = 'ca';
  if (s.caFile !== undefined) {
    field = 'caFile';
    const path = text(s.caFile, field);
    try {
      pem = readFileSync(path, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read the CA file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { field });
    }
  } else if (s.ca !== undefined) {
    pem = text(s.ca, field);
  } else {
    return undefined;
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new UserError('holds no PEM certificate (-----BEGIN CERTIFICATE-----)', { field });
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new UserError(`a certificate does not parse: ${(err as Error).message}`, { field });
    }
  }
  return blocks.join('\n') + '\n';
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new UserError(`${field} is required (a non-empty string)`, { field });
  return value.trim();
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UserError('must be an object', { field });
  return value as Record<string, unknown>;
}

function bool(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new UserError('must be true or false', { field });
  return value;
}

function address(value: unknown, field: string): string {
  const a = text(value, field);
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(a)) throw new UserError(`"${a}" is not an e-mail address`, { field });
  return a;
}

function httpUrl(value: unknown): string {
  const raw = text(value, 'url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`"${raw}" is not a URL`, { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`the URL must be http or https (got ${url.protocol})`, { field: 'url' });
  return url.toString();
}

/** What a channel may show of its settings: no secret, no password. */
export function publicSettings(kind: string, settings: Record<string, unknown>): Record<string, unknown> {
  const shown = { ...settings };
  if ('secret' in shown) shown.secret = '***';
  if ('password' in shown) shown.password = '***';
  if (typeof shown.ca === 'string') shown.ca = `${(shown.ca.match(/BEGIN CERTIFICATE/g) ?? []).length} PEM certificate(s)`;
  if (kind === 'slack' && typeof shown.url === 'string') shown.url = shown.url.replace(/\/services\/.*/, '/services/***');
  return shown;
}

function glob(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}

/** The notice as a channel with these routes hears it (only the metrics it routes), or undefined. */
export function routeNotice(routes: Routes, notice: Notice): Notice | undefined {
  const matches = (patterns: string[] | undefined, value: string) => !patterns || patterns.some((p) => glob(p).test(value));
  if (!matches(routes.tests, notice.test)) return undefined;
  const metrics = notice.metrics.filter((m) => matches(routes.metrics, m.metric) && (!routes.labels || m.labels.some((l) => matches(routes.labels, l))));
  return metrics.length ? { ...notice, metrics } : undefined;
}

/** A delivery that failed: `permanent` when sending again cannot help (the receiver refused the message). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export function signature(body: string, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** Sends a notice on a channel; resolves when the receiver accepted it. */
export async function send(kind: string, settings: Record<string, unknown>, notice: Notice, timeoutMs: number): Promise<void> {
  switch (kind) {
    case 'webhook': {
      const s = settings as unknown as WebhookSettings;
      const body = JSON.stringify(notice);
      return post(s.url, body, { 'x-perfhound-signature': signature(body, s.secret), 'idempotency-key': notice.idempotencyKey }, timeoutMs);
    }
    case 'slack': {
      const s = settings as unknown as SlackSettings;
      const lines = noticeLines(notice);
      const body = JSON.stringify({ text: lines.join('\n'), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }] });
      return post(s.url, body, { 'idempotency-key': notice.idempotencyKey }, timeoutMs);
    }
    case 'email':
      return sendMail(settings as unknown as EmailSettings, notice, timeoutMs);
    default:
      throw new DeliveryError(`unknown channel kind "${kind}"`, true);
  }
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'user-agent': 'perfhound', ...headers }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new DeliveryError(`${(err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `cannot reach the receiver${cause ? ` (${cause})` : ''}`}`, false);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.ok) return;
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
  throw new DeliveryError(`the receiver answered HTTP ${res.status}`, permanent);
}

async function sendMail(s: EmailSettings, notice: Notice, timeoutMs: number): Promise<void> {
  const nodemailer = await import('nodemailer');
  const transport = nodemailer.default.createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    requireTLS: s.starttls,
    auth: s.user !== undefined ? { user: s.user, pass: s.password } : undefined,
    ...(s.ca !== undefined ? { tls: { ca: s.ca } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({
      from: s.from,
      to: s.to,
      subject: noticeSubject(notice),
      text: noticeLines(notice).join('\n') + '\n',
      messageId: `<${notice.idempotencyKey}@perfhound>`,
      headers: { 'X-Perfhound-Idempotency-Key': notice.idempotencyKey },
    });
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    throw new DeliveryError(`SMTP: ${code !== undefined ? `the server answered ${code}` : (err as Error).message}`, code !== undefined && code >= 500 && code < 600);
  } finally {
    transport.close();
  }
}
