import { z } from 'zod';
import { REGRESSION_STATUSES } from '../../alerts/index.js';
import { idText, jsonNumber, limitText, offsetText, optionalText, page, query } from './fields.js';
import { error, json, route } from './route.js';

export const Regression = z
  .object({
    id: z.number().int(),
    testName: z.string(),
    metric: z.string(),
    runUuid: z.string(),
    timestamp: z.string(),
    percentageChange: jsonNumber().nullable(),
    meanBefore: jsonNumber().nullable(),
    meanAfter: jsonNumber().nullable(),
    pvalue: jsonNumber().nullable(),
    status: z.string().meta({ enum: [...REGRESSION_STATUSES], description: 'lifecycle state' }),
    statusReason: z.string().nullable(),
    statusBy: z.string().nullable(),
    statusChanged: z.string().nullable(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    silenced: z.boolean().meta({ description: 'a silence in force covers its metric' }),
  })
  .meta({ id: 'Regression' });

const idParams = z.strictObject({ id: idText('the regression id') });

/** Who acts is the token's name: a body's `by` is refused. */
const ReasonBody = z.strictObject({
  reason: z.string().trim().min(1).meta({ description: 'why (a non-empty string)' }),
  by: z.never({ error: "by is not given: an ack is by the token's name" }).optional().meta({ description: 'refused: who acts is the token' }),
});

export const listRegressions = route('GET', '/api/v1/regressions', 'read', {
  summary: 'regressions found by analyses, newest first',
  tags: ['regressions'],
  querystring: query({
    status: z.enum(REGRESSION_STATUSES).optional().meta({ description: 'lifecycle state' }),
    test: optionalText('test name'),
    metric: optionalText('metric name'),
    limit: limitText(10_000, 100),
    offset: offsetText(),
  }),
  response: { 200: json(z.object({ regressions: z.array(Regression), ...page }), 'a page of regressions') },
});

const Ack = z.object({ runUuid: z.string(), testName: z.string(), metric: z.string(), reason: z.string(), ackedBy: z.string(), created: z.string() });

export const ackRegression = route('POST', '/api/v1/regressions/:id/ack', 'ack', {
  summary: 'acknowledge a regression (stored in acks; later analyses from CLI and API honour it)',
  tags: ['regressions'],
  params: idParams,
  body: ReasonBody,
  response: { 200: json(z.object({ regression: Regression, ack: Ack }), 'the regression and the ack'), 404: error('no such regression') },
});

export const unackRegression = route('POST', '/api/v1/regressions/:id/unack', 'ack', {
  summary: 'un-acknowledge a regression: its acks rows go (later analyses report it again) and it is open again; the reason and who are logged and answered, not stored',
  tags: ['regressions'],
  params: idParams,
  body: ReasonBody,
  response: {
    200: json(z.object({ regression: Regression, unack: z.object({ reason: z.string(), by: z.string(), created: z.string() }) }), 'the regression and the un-ack'),
    404: error('no such regression'),
    409: error('the regression is not acknowledged'),
  },
});

export const resolveRegression = route('POST', '/api/v1/regressions/:id/resolve', 'ack', {
  summary: 'resolve a regression by hand {reason}',
  tags: ['regressions'],
  params: idParams,
  body: z.strictObject({ reason: z.string().meta({ description: 'why' }) }),
  response: { 200: json(z.object({ regression: Regression }), 'the regression'), 404: error('no such regression') },
});

export const addSilence = route('POST', '/api/v1/silences', 'ack', {
  summary: 'silence new regressions of a metric {metric, test?, for: "7d", reason}',
  tags: ['regressions'],
  body: z.strictObject({
    metric: z.string().meta({ description: 'metric name' }),
    test: z.string().optional().meta({ description: 'only in this test' }),
    for: z.string().meta({ description: 'a duration like 7d, 12h or 1d12h' }),
    reason: z.string(),
  }),
  response: {
    201: json(z.object({ id: z.number().int(), test: z.string().nullable(), metric: z.string(), until: z.string(), reason: z.string(), by: z.string().nullable() }), 'the silence'),
  },
});
