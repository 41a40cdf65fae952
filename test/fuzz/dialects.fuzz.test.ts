/**
 * The ingest properties on PostgreSQL and MariaDB (fewer runs: each dialect has its own limits — text
 * lengths, NUL bytes, number ranges — that SQLite does not), and the database password never shown:
 * the PostgreSQL store is reached through a URL carrying a password (the test server trusts loopback, so
 * it is accepted and ignored), and every answer, message and log is swept for it.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useDaemon } from '../server/support.js';
import { check } from './support/fuzz.js';
import { assertCleanCli, capturedLogger, cliAnswer, ingestBothWays, workFolder, type Channels } from './support/channels.js';
import { hostileInput, VICTIMS } from './support/hostile.js';
import { Sweep } from './support/leaks.js';

const PASSWORD = 'Fz-p@ss:w0rd/%40?x';

function withPassword(url: string, form: 'userinfo' | 'query'): string {
  const u = new URL(url);
  if (form === 'userinfo') u.password = encodeURIComponent(PASSWORD);
  else u.searchParams.set('password', PASSWORD);
  return u.toString();
}

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`hostile ingests on ${dialect}`, () => {
    const log = capturedLogger();
    const daemon = useDaemon(dialect, { logger: log.logger, ingestLimit: 8 * 1024 * 1024 });
    const ch: Channels = { daemon, sweep: new Sweep().secret(PASSWORD).secret(encodeURIComponent(PASSWORD)), logLines: log.lines, work: workFolder('perfhound-fuzz-dialect-'), cliDb: () => daemon.url };

    beforeAll(async () => {
      for (const token of Object.values(daemon.tokens)) ch.sweep.secret(token);
      const { writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      writeFileSync(join(ch.work.abs, 'victim.json'), JSON.stringify([{ uuid: VICTIMS.bench, timestamp: '2026-01-01T00:00:00Z', metrics: { cpu: 1.5 } }]));
      writeFileSync(join(ch.work.abs, 'victim.subunit'), 'test: victim.a\nsuccess: victim.a\n');
      expect((await runCli(['ingest', 'json', ch.work.rel('victim.json'), '--db', daemon.url])).code).toBe(0);
      expect((await runCli(['ingest', 'subunit', ch.work.rel('victim.subunit'), '--run-id', VICTIMS.test, '--db', daemon.url])).code).toBe(0);
    });

    for (const format of ['json', 'csv', 'junit'] as const) {
      it(`${format}: the ingest invariants hold`, async () => {
        await check(`${dialect} ingest ${format}`, fc.asyncProperty(hostileInput(format), async (input) => void (await ingestBothWays(ch, input))), 3);
      }, 120_000);
    }

    if (dialect === 'postgres') {
      it('never shows the database password: db status, runs list, a refused connection (item 5)', async () => {
        const urls = fc.tuple(fc.constantFrom('userinfo', 'query') as fc.Arbitrary<'userinfo' | 'query'>, fc.boolean()).map(([form, reachable]) =>
          withPassword(reachable ? daemon.url : daemon.url.replace(/:5432\//, ':1/'), form),
        );
        await check(
          'database password',
          fc.asyncProperty(urls, fc.constantFrom(['db', 'status'], ['runs', 'list']), async (url, command) => {
            const r = cliAnswer(await runCli([...command, '--db', url]));
            assertCleanCli(r, `perfhound ${command.join(' ')} --db <url with a password>`, ch.sweep, []);
          }),
          6,
        );
      });
    }
  });
}
