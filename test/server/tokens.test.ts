import { describe, expect, it } from 'vitest';
import { createToken, findToken, hashToken, listTokens, revokeToken, scopeAllows } from '../../src/auth/tokens.js';
import { openStore } from '../../src/store/connect.js';
import { runCli } from '../support/cli.js';
import { useTestDatabase } from '../support/databases.js';

describe('API tokens', () => {
  const db = useTestDatabase('sqlite');

  it('stores only the SHA-256 of a token, finds it by its secret and forgets it once revoked', async () => {
    const store = await openStore(db.url);
    try {
      const { token, info } = await createToken(store.db, { name: 'ci', scope: 'ingest' });
      const rows = await store.db.selectFrom('api_tokens').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toBe(hashToken(token));
      expect(JSON.stringify(rows)).not.toContain(token);
      expect((await findToken(store.db, token))?.name).toBe('ci');
      expect(await findToken(store.db, token + 'x')).toBeUndefined();
      await expect(createToken(store.db, { name: 'ci', scope: 'ack' })).rejects.toThrow(/exists already/);
      expect((await revokeToken(store.db, { name: 'ci' })).revoked).not.toBeNull();
      expect(await findToken(store.db, token)).toBeUndefined();
      await expect(revokeToken(store.db, { name: 'ci' })).rejects.toThrow(/no valid token/);
      // A revoked name may be reused.
      await createToken(store.db, { name: 'ci', scope: 'ack' });
      expect((await listTokens(store.db)).map((t) => [t.name, t.scope, t.revoked === null])).toEqual([
        ['ci', 'ingest', false],
        ['ci', 'ack', true],
      ]);
      expect(info.id).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('admin may do everything, other scopes only their own', () => {
    expect(scopeAllows('admin', 'ingest')).toBe(true);
    expect(scopeAllows('admin', 'ack')).toBe(true);
    expect(scopeAllows('ingest', 'ingest')).toBe(true);
    expect(scopeAllows('ingest', 'ack')).toBe(false);
    expect(scopeAllows('ack', 'admin')).toBe(false);
  });

  it('perfhound token create prints the secret once; list never shows it; revoke disables it', async () => {
    const created = await runCli(['token', 'create', '--name', 'gate', '--scope', 'admin', '--db', db.url]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^phk_[A-Za-z0-9_-]{43}$/);
    const listed = await runCli(['token', 'list', '--output', 'json', '--db', db.url]);
    expect(listed.stdout).not.toContain(token);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((t) => t.name)).toContain('gate');
    const bad = await runCli(['token', 'create', '--name', 'x', '--scope', 'root', '--db', db.url]);
    expect(bad.code).toBe(1);
    expect((await runCli(['token', 'revoke', 'gate', '--db', db.url])).code).toBe(0);
    const store = await openStore(db.url);
    try {
      expect(await findToken(store.db, token)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
