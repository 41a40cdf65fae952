import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { deliverDue, publicSettings, validateChannel } from '../alerts/index.js';
import { renderTable } from '../output/table.js';
import { deleteChannel, insertChannel, listChannels, outboxCounts } from '../store/alerts.js';
import { UserError } from '../util/errors.js';
import { addDbOption, collect, printJson, withStore } from './common.js';

interface ChannelFlags {
  db?: string;
  kind?: string;
  file?: string;
  url?: string;
  secret?: string;
  smtpHost?: string;
  smtpPort?: string;
  smtpSecure?: boolean;
  starttls?: boolean;
  smtpUser?: string;
  smtpCa?: string;
  from?: string;
  to?: string[];
  routeTest?: string[];
  routeMetric?: string[];
  routeLabel?: string[];
}

/** `perfhound notify channel add|list|remove`, `notify status`, `notify deliver`. */
export function registerNotify(program: Command): void {
  const notify = program.command('notify').description('notification channels and the outbox of notifications');
  const channel = notify.command('channel').description('where notifications go: webhook, slack, email');

  const add = channel
    .command('add')
    .description('save a channel (its settings are checked now, not at send time)')
    .argument('<name>', 'the channel name')
    .addOption(new Option('--kind <kind>', 'channel kind').choices(['webhook', 'slack', 'email']))
    .option('--file <file>', 'the channel as JSON: {"kind", "settings": {…}, "routes": {"tests", "metrics", "labels"}}')
    .option('--url <url>', 'webhook / slack: the URL to POST to')
    .option('--secret <secret>', 'webhook: the shared HMAC-SHA256 secret (or $PERFHOUND_WEBHOOK_SECRET)')
    .option('--smtp-host <host>', 'email: SMTP server')
    .option('--smtp-port <port>', 'email: SMTP port (default 587)')
    .option('--smtp-secure', 'email: TLS from the first byte (port 465)')
    .option('--starttls', 'email: refuse to send without STARTTLS')
    .option('--smtp-user <user>', 'email: SMTP auth user (password: $PERFHOUND_SMTP_PASSWORD)')
    .option('--smtp-ca <file>', "email: PEM file of the CA(s) to trust for the server's certificate (kept in the channel)")
    .option('--from <address>', 'email: sender')
    .option('--to <address>', 'email: recipient (repeatable)', collect)
    .option('--route-test <pattern>', 'only these tests (repeatable, * wildcard)', collect)
    .option('--route-metric <pattern>', 'only these metrics (repeatable, * wildcard)', collect)
    .option('--route-label <pattern>', 'only metrics with one of these labels (repeatable, * wildcard)', collect)
    .addHelpText('after', '\nExamples:\n  perfhound notify channel add ci-hook --kind webhook --url https://ci.example/hook --secret "$SECRET"\n  perfhound notify channel add team --kind slack --url https://hooks.slack.com/services/T/B/X --route-test "olm-*"');
  addDbOption(add).action(async (name: string, flags: ChannelFlags) => {
    const spec = validateChannel({ name, ...(flags.file ? await channelFile(flags.file) : fromFlags(flags)) });
    const saved = await withStore(flags.db, (store) => store.transaction((trx) => insertChannel(trx, spec, Date.now())));
    process.stdout.write(`channel "${saved.name}" (${saved.kind}) added\n`);
  });

  const list = channel.command('list').description('the channels (secrets hidden)').addOption(new Option('--output <format>', 'table or json').choices(['table', 'json']).default('table'));
  addDbOption(list).action(async (flags: { db?: string; output: string }) => {
    const channels = (await withStore(flags.db, (store) => listChannels(store.db))).map((c) => ({ name: c.name, kind: c.kind, settings: publicSettings(c.kind, c.settings), routes: c.routes }));
    if (flags.output === 'json') printJson(channels);
    else process.stdout.write((channels.length ? renderTable(['name', 'kind', 'settings', 'routes'], channels.map((c) => [c.name, c.kind, JSON.stringify(c.settings), JSON.stringify(c.routes)])) : '(no channels)') + '\n');
  });

  const remove = channel.command('remove').description('remove a channel no watch uses').argument('<name>', 'the channel name');
  addDbOption(remove).action(async (name: string, flags: { db?: string }) => {
    await withStore(flags.db, (store) => store.transaction((trx) => deleteChannel(trx, name)));
    process.stdout.write(`channel "${name}" removed\n`);
  });

  const status = notify
    .command('status')
    .description('notifications pending, delivered and failed (and the undelivered ones with their last error)')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'));
  addDbOption(status).action(async (flags: { db?: string; output: string }) => {
    const { counts, open } = await withStore(flags.db, async (store) => ({
      counts: await outboxCounts(store.db),
      open: await store.db
        .selectFrom('outbox')
        .innerJoin('alert_channels', 'alert_channels.id', 'outbox.channel_id')
        .select(['outbox.id', 'outbox.status', 'outbox.attempts', 'outbox.next_attempt_ms', 'outbox.last_error', 'alert_channels.name as channel'])
        .where('outbox.status', '!=', 'delivered')
        .orderBy('outbox.id')
        .limit(100)
        .execute(),
    }));
    const undelivered = open.map((m) => ({ id: Number(m.id), channel: m.channel, status: m.status, attempts: Number(m.attempts), nextAttempt: new Date(Number(m.next_attempt_ms)).toISOString(), lastError: m.last_error }));
    if (flags.output === 'json') return printJson({ ...counts, undelivered });
    process.stdout.write(`pending ${counts.pending}, delivered ${counts.delivered}, failed ${counts.failed}\n`);
    if (undelivered.length) process.stdout.write(renderTable(['id', 'channel', 'status', 'attempts', 'next attempt', 'last error'], undelivered.map((m) => [m.id, m.channel, m.status, m.attempts, m.status === 'pending' ? m.nextAttempt : '', m.lastError ?? ''])) + '\n');
  });

  const deliver = notify.command('deliver').description('send the notifications that are due now (a daemon does this on its own)');
  addDbOption(deliver).action(async (flags: { db?: string }) => {
    const r = await withStore(flags.db, (store) => deliverDue(store));
    process.stdout.write(`delivered ${r.delivered}, to retry ${r.retried}, failed ${r.failed}\n`);
  });
}

function fromFlags(flags: ChannelFlags): { kind: unknown; settings: Record<string, unknown>; routes: Record<string, unknown> } {
  if (!flags.kind) throw new UserError('--kind or --file is required', { field: '--kind' });
  const settings: Record<string, unknown> =
    flags.kind === 'email'
      ? {
          host: flags.smtpHost,
          ...(flags.smtpPort !== undefined ? { port: Number(flags.smtpPort) } : {}),
          secure: Boolean(flags.smtpSecure),
          starttls: Boolean(flags.starttls),
          ...(flags.smtpUser !== undefined ? { user: flags.smtpUser, password: process.env.PERFHOUND_SMTP_PASSWORD } : {}),
          ...(flags.smtpCa !== undefined ? { caFile: flags.smtpCa } : {}),
          from: flags.from,
          to: flags.to ?? [],
        }
      : { url: flags.url, ...(flags.kind === 'webhook' ? { secret: flags.secret ?? process.env.PERFHOUND_WEBHOOK_SECRET } : {}) };
  const routes: Record<string, unknown> = {};
  if (flags.routeTest) routes.tests = flags.routeTest;
  if (flags.routeMetric) routes.metrics = flags.routeMetric;
  if (flags.routeLabel) routes.labels = flags.routeLabel;
  return { kind: flags.kind, settings, routes };
}

async function channelFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the channel file: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { file: path });
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`not a JSON object: ${(err as Error).message}`, { file: path });
  }
}
