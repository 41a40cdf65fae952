import { z } from 'zod';
import { error, json, route } from './route.js';

const Token = z.object({ id: z.number().int(), name: z.string(), scope: z.enum(['ingest', 'ack', 'admin']), created: z.string(), revoked: z.string().nullable() });

export const listTokens = route('GET', '/api/v1/tokens', 'admin', {
  summary: 'API tokens (never their secrets)',
  tags: ['admin'],
  response: { 200: json(z.object({ tokens: z.array(Token) }), 'tokens') },
});

export const createToken = route('POST', '/api/v1/tokens', 'admin', {
  summary: 'create a token; the answer holds the secret, shown this once',
  tags: ['admin'],
  body: z.strictObject({ name: z.string(), scope: z.enum(['ingest', 'ack', 'admin']) }),
  response: { 201: json(Token.extend({ token: z.string().meta({ description: 'the secret' }) }), 'the token') },
});

export const revokeToken = route('POST', '/api/v1/tokens/:name/revoke', 'admin', {
  summary: 'revoke a valid token by name (a name is never read as an id)',
  tags: ['admin'],
  params: z.strictObject({ name: z.string().meta({ description: 'token name' }) }),
  response: { 200: json(Token, 'the revoked token'), 404: error('no valid token of that name') },
});
