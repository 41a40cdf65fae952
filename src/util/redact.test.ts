import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl } from './redact.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/perf', 'postgres://app:***@db:5432/perf'],
    ['https://admin:p%40ss@os.example:9200', 'https://admin:***@os.example:9200'],
    ['mysql://root@127.0.0.1:3306/t', 'mysql://root@127.0.0.1:3306/t'],
    ['http://host:9200/a', 'http://host:9200/a'],
    // Unencoded `@`, `/`, `?`, `#` in a password: the last `@` ends the userinfo.
    ['postgres://app:p@ss@db/perf', 'postgres://app:***@db/perf'],
    ['mysql://root:p@ss/w?rd#x@127.0.0.1/t', 'mysql://root:***@127.0.0.1/t'],
    ['postgres://app:12/ss@db/perf', 'postgres://app:***@db/perf'],
    // Query parameters that carry credentials, in any spelling the drivers decode.
    ['postgres://app@db/perf?password=s3cret&sslmode=require', 'postgres://app@db/perf?password=***&sslmode=require'],
    ['postgres://db/perf?user=app&pass=s3cret', 'postgres://db/perf?user=app&pass=***'],
    ['postgres://db/perf?sslkey=/keys/k.pem&sslpassword=x&sslrootcert=/ca.pem', 'postgres://db/perf?sslkey=***&sslpassword=***&sslrootcert=/ca.pem'],
    ['postgres://db/perf?pass%77ord=s3cret', 'postgres://db/perf?pass%77ord=***'],
    ['postgres://db/perf?PASSWORD=s3cret', 'postgres://db/perf?PASSWORD=***'],
    ['mysql://root@db/t?password2=otp&passwordSha1=ab', 'mysql://root@db/t?password2=***&passwordSha1=***'],
    ['mysql://root@db/t?ssl={"passphrase":"x"}&connectTimeout=5000', 'mysql://root@db/t?ssl=***&connectTimeout=5000'],
    // A password with an unencoded `@` in a query value: nothing before the last `@` can be trusted.
    ['postgres://db/perf?password=p@ss', 'postgres://***@ss'],
    ['postgres://db/perf?password=ab#cd', 'postgres://db/perf?password=***#***'],
    ['http://host:9200/a@b', 'http://host:***@b'],
  ])('%s', (url, expected) => expect(redactUrl(url)).toBe(expected));
});

/** Passwords of any characters: Unicode, controls, and (often) every URL delimiter. */
const passwordChar = fc.oneof(fc.constantFrom(...'@:/?#%&=+;, []\\\t\n\'"'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const password = fc.string({ unit: passwordChar, minLength: 1, maxLength: 40 });

/** URL forms that carry a password, given it percent-encoded. */
const ENCODED_FORMS: Array<(encoded: string) => string> = [
  (p) => `postgres://app:${p}@db.example:5432/perf`,
  (p) => `postgresql://app:${p}@[::1]:5432/perf?sslmode=require`,
  (p) => `mysql://root:${p}@127.0.0.1:3306/t?charset=utf8mb4`,
  (p) => `mariadb://:${p}@127.0.0.1/t`,
  (p) => `https://admin:${p}@os.example:9200/`,
  (p) => `postgres://app@db/perf?password=${p}`,
  (p) => `postgres://app@db/perf?sslmode=require&pass=${p}&application_name=perfhound`,
  (p) => `postgres://app@db/perf?sslpassword=${p}`,
  (p) => `postgres://app@db/perf?sslkey=${p}`,
  (p) => `mysql://root@db/t?password=${p}`,
  (p) => `mysql://root@db/t?password1=${p}&password2=${p}`,
  (p) => `postgres://app:${p}@db/perf?password=${p}`,
];

/** Forms where the password is written as is (no percent-encoding), as people do. */
const RAW_FORMS: Array<(raw: string) => string> = [
  (p) => `postgres://app:${p}@db.example:5432/perf`,
  (p) => `mysql://root:${p}@127.0.0.1:3306/t`,
  (p) => `postgres://app:${p}@db/perf?sslmode=require`,
];

describe('redactUrl on arbitrary passwords', () => {
  it('percent-encoded: the redacted URL does not depend on the password, nor contain it', () => {
    fc.assert(
      fc.property(password, password, fc.integer({ min: 0, max: ENCODED_FORMS.length - 1 }), (p1, p2, form) => {
        const url = ENCODED_FORMS[form];
        const shown = redactUrl(url(encodeURIComponent(p1)));
        expect(shown).toBe(redactUrl(url(encodeURIComponent(p2))));
        expect(shown).not.toContain(encodeURIComponent(p1).length >= 4 ? encodeURIComponent(p1) : '\u0000never');
      }),
      { numRuns: 500 },
    );
  });

  it('written as is: the redacted URL does not depend on the password', () => {
    fc.assert(
      fc.property(password, password, fc.integer({ min: 0, max: RAW_FORMS.length - 1 }), (p1, p2, form) => {
        const url = RAW_FORMS[form];
        expect(redactUrl(url(p1))).toBe(redactUrl(url(p2)));
      }),
      { numRuns: 500 },
    );
  });

  it('a message that echoes the URL or the password is cleaned of both', () => {
    fc.assert(
      fc.property(fc.string({ unit: passwordChar, minLength: 4, maxLength: 40 }), fc.integer({ min: 0, max: ENCODED_FORMS.length - 1 }), (p, form) => {
        const url = ENCODED_FORMS[form](encodeURIComponent(p));
        const message = redactSecrets(`connect ${url} failed: bad password ${p} (${encodeURIComponent(p)})`, url);
        expect(message).not.toContain(p);
        expect(message).not.toContain(encodeURIComponent(p));
      }),
      { numRuns: 300 },
    );
  });
});
