import { Option, type Command } from 'commander';
import { createToken, listTokens, parseScope, revokeToken, TOKEN_SCOPES, type TokenInfo, type TokenRef } from '../auth/tokens.js';
import { renderTable } from '../output/table.js';
import { UserError } from '../util/errors.js';
import { addDbOption, printJson, withStore } from './common.js';

/** `perfhound token create|list|revoke`: the daemon's bearer tokens (stored hashed). */
export function registerToken(program: Command): void {
  const token = program.command('token').description("manage the daemon's API tokens (stored as SHA-256; shown once)");

  const create = token
    .command('create')
    .description('create a token and print it (the only time it is shown)')
    .requiredOption('--name <name>', 'who or what uses it (unique among valid tokens)')
    .addOption(new Option('--scope <scope>', 'ingest: POST results; ack: acknowledge regressions; admin: everything').choices([...TOKEN_SCOPES]).makeOptionMandatory())
    .addOption(new Option('--output <format>', 'text (the token alone) or json').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExample:\n  perfhound token create --name ci-gate --scope ingest\n  curl -H "Authorization: Bearer $TOKEN" --data-binary @results.subunit localhost:8080/api/v1/ingest/subunit');
  addDbOption(create).action(async (flags: { db?: string; name: string; scope: string; output: string }) => {
    const scope = parseScope(flags.scope);
    const created = await withStore(flags.db, (store) => createToken(store.db, { name: flags.name, scope }));
    if (flags.output === 'json') printJson({ ...created.info, token: created.token });
    else {
      process.stdout.write(created.token + '\n');
      process.stderr.write(`token "${created.info.name}" (scope ${created.info.scope}) created; it is not shown again\n`);
    }
  });

  const list = token
    .command('list')
    .description('tokens with their scope and state (never the secrets)')
    .addOption(new Option('--output <format>', 'table or json').choices(['table', 'json']).default('table'));
  addDbOption(list).action(async (flags: { db?: string; output: string }) => {
    const tokens = await withStore(flags.db, (store) => listTokens(store.db));
    if (flags.output === 'json') printJson(tokens);
    else process.stdout.write(tokensTable(tokens) + '\n');
  });

  const revoke = token
    .command('revoke')
    .description('revoke a valid token by name, or by id with --id')
    .argument('[name]', 'the token name (a name, even "1", is always a name)')
    .option('--id <id>', 'the token id (as token list shows it) instead of a name')
    .addHelpText('after', '\nExamples:\n  perfhound token revoke ci-gate\n  perfhound token revoke --id 3');
  addDbOption(revoke).action(async (name: string | undefined, flags: { db?: string; id?: string }) => {
    if ((name === undefined) === (flags.id === undefined)) throw new UserError('give a token name or --id N (one of them)', { field: 'name' });
    const ref: TokenRef = flags.id === undefined ? { name: name! } : { id: parseId(flags.id) };
    const revoked = await withStore(flags.db, (store) => revokeToken(store.db, ref));
    process.stdout.write(`revoked token "${revoked.name}" (scope ${revoked.scope})\n`);
  });
}

function parseId(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new UserError(`--id must be a token id, a positive whole number (got "${text}")`, { field: '--id' });
  return Number(text);
}

function tokensTable(tokens: TokenInfo[]): string {
  if (!tokens.length) return '(no tokens)';
  return renderTable(
    ['id', 'name', 'scope', 'created', 'revoked'],
    tokens.map((t) => [String(t.id), t.name, t.scope, t.created, t.revoked ?? '']),
  );
}
