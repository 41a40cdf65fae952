import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { errorMessage } from '../../src/util/errors.js';
import { runCli } from '../support/cli.js';
import { useTestDatabase } from '../support/databases.js';

/**
 * Item 5 of the security issue: a password given as `?password=` (or with an unencoded `@`) was printed by
 * `db status`, the daemon's start-up log (both print `store.display`) and connection errors. Here against
 * the real servers: PostgreSQL on trust accepts any password, so `db status` connects and prints; MariaDB's
 * root has none, so any password is refused — and the refusal must not carry it; a closed port refuses
 * before any password is sent.
 */
const SECRET = 'Tr0ub4dor&3@x/y?z#w';
const enc = encodeURIComponent;

/** Everything a user might see of the secret: as written, encoded, and its pieces around delimiters. */
function expectNoSecret(text: string): void {
  for (const form of [SECRET, enc(SECRET), 'Tr0ub4dor', 'ub4dor&3']) expect(text).not.toContain(form);
}

/** `url` with `user:password@`, and with the password as a query parameter too. */
function withPassword(url: string, password: string, form: 'userinfo' | 'query' | 'raw-userinfo'): string {
  const u = new URL(url);
  if (form === 'query') return `${url}${u.search ? '&' : '?'}password=${enc(password)}`;
  const user = u.username || 'root';
  const rest = url.slice(url.indexOf('@') + 1);
  return `${u.protocol}//${user}:${form === 'raw-userinfo' ? password : enc(password)}@${rest}`;
}

describe('postgres', () => {
  const db = useTestDatabase('postgres');

  for (const form of ['userinfo', 'query'] as const) {
    it(`db status never prints a password given in the ${form}`, async () => {
      const url = withPassword(db.url, SECRET, form);
      for (const output of ['text', 'json']) {
        const { code, stdout, stderr } = await runCli(['db', 'status', '--db', url, '--output', output]);
        expect(code).toBe(0);
        expect(stdout).toContain('127.0.0.1:5432');
        expectNoSecret(stdout + stderr);
      }
      const store = await openStore(url);
      try {
        expectNoSecret(store.display); // what `serve` logs as "perfhound daemon ready"
      } finally {
        await store.close();
      }
    });
  }

  it('a password with an unencoded @ is redacted whole', async () => {
    const store = await openStore(withPassword(db.url, 'pa@ss', 'raw-userinfo'));
    try {
      expect(store.display).not.toContain('pa');
      expect(store.display).toMatch(/^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\//);
    } finally {
      await store.close();
    }
  });
});

describe('connection errors carry no password', () => {
  const mysql = useTestDatabase('mysql');

  /** The error a user sees when opening `url` (one line), or a failure if it opened. */
  async function refusal(url: string): Promise<string> {
    try {
      const store = await openStore(url);
      await store.close();
    } catch (err) {
      return errorMessage(err);
    }
    throw new Error(`opened ${url}`);
  }

  it('MariaDB refusing a wrong password: the message does not depend on the password', async () => {
    const reference = await refusal(withPassword(mysql.url, 'reference-password', 'userinfo'));
    expect(reference).toMatch(/^field db: cannot connect to database mysql:\/\/root:\*\*\*@127\.0\.0\.1:3306\/\S+: Access denied/);
    await fc.assert(
      // (mysql2 takes the password from the userinfo only: `?password=` is ignored, so nothing is refused.)
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }), async (password) => {
        const message = await refusal(withPassword(mysql.url, password, 'userinfo'));
        expect(message.replace(/\(using password: \w+\)/, '')).toBe(reference.replace(/\(using password: \w+\)/, ''));
      }),
      { numRuns: 15 },
    );
  });

  it('a closed port: the same message whatever the password, for each driver and form', async () => {
    for (const base of ['postgres://app@127.0.0.1:1/perf', 'mysql://root@127.0.0.1:1/t']) {
      for (const form of ['userinfo', 'query'] as const) {
        const reference = await refusal(withPassword(base, 'reference-password', form));
        expect(reference).toContain('ECONNREFUSED');
        await fc.assert(
          fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }), async (password) => {
            expect(await refusal(withPassword(base, password, form))).toBe(reference);
          }),
          { numRuns: 10 },
        );
      }
      // Written without encoding, a password may break the URL: whatever the error, it is not in it.
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }), async (tail) => {
          const password = `Zq9${tail}`;
          expect(await refusal(withPassword(base, password, 'raw-userinfo'))).not.toContain(password);
        }),
        { numRuns: 10 },
      );
    }
  });
});
