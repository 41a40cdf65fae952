import { z } from 'zod';
import { CHANNEL_KINDS } from '../../alerts/index.js';
import { anyObject } from './fields.js';
import { error, json, route } from './route.js';

const Watch = z.object({ name: z.string(), config: z.string(), options: anyObject(), channels: z.array(z.string()), created: z.string(), lastRun: z.string().nullable() });
const Channel = z.object({ name: z.string(), kind: z.string(), settings: anyObject().meta({ description: 'secrets shown as ***' }), routes: anyObject() });
const nameParams = (what: string) => z.strictObject({ name: z.string().meta({ description: `${what} name` }) });
const Removed = json(z.object({ removed: z.string() }), 'removed');

export const listWatches = route('GET', '/api/v1/watches', 'read', {
  summary: 'watches: named analyses run after every ingest that writes runs',
  tags: ['alerts'],
  response: { 200: json(z.object({ watches: z.array(Watch) }), 'the watches') },
});

export const addWatch = route('POST', '/api/v1/watches', 'admin', {
  summary: 'add a watch {name, config (Orion YAML text), options, channels}',
  tags: ['alerts'],
  body: z.strictObject({
    name: z.string(),
    config: z.string(),
    options: anyObject().optional().meta({ description: "the analysis options (the CLI's flags in camelCase)" }),
    channels: z.array(z.string()).optional().meta({ description: 'channel names to notify' }),
  }),
  response: { 201: json(Watch, 'the watch') },
});

export const removeWatch = route('DELETE', '/api/v1/watches/:name', 'admin', {
  summary: 'remove a watch (its pending notifications are still delivered)',
  tags: ['alerts'],
  params: nameParams('watch'),
  response: { 200: Removed, 404: error('no such watch') },
});

export const listChannels = route('GET', '/api/v1/channels', 'read', {
  summary: 'notification channels (secrets hidden)',
  tags: ['alerts'],
  response: { 200: json(z.object({ channels: z.array(Channel) }), 'the channels') },
});

export const addChannel = route('POST', '/api/v1/channels', 'admin', {
  summary: 'add a channel {name, kind: webhook|slack|email, settings, routes}; checked when saved',
  tags: ['alerts'],
  body: z.strictObject({
    name: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    settings: anyObject().optional().meta({ description: 'webhook: url, secret; slack: url; email: host, port, from, to, …; checked when saved' }),
    routes: z.strictObject({ tests: z.array(z.string()), metrics: z.array(z.string()), labels: z.array(z.string()) }).partial().optional().meta({ description: 'globs of what the channel is sent' }),
  }),
  response: { 201: json(Channel, 'the channel') },
});

export const removeChannel = route('DELETE', '/api/v1/channels/:name', 'admin', {
  summary: 'remove a channel no watch uses',
  tags: ['alerts'],
  params: nameParams('channel'),
  response: { 200: Removed, 404: error('no such channel') },
});

export const notifyStatus = route('GET', '/api/v1/notify/status', 'read', {
  summary: 'notifications pending, delivered, failed',
  tags: ['alerts'],
  response: { 200: json(z.object({ pending: z.number().int(), delivered: z.number().int(), failed: z.number().int() }), 'counts') },
});
