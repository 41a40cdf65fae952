/**
 * Runs every `sh` block of the guides (docs/operations.md, workflow.md, configuration.md), in order, in one
 * fresh folder per guide, with the built CLI (`npm run build` first) as `perfhound` on the PATH — so the
 * guides cannot drift from the program. Commands run as written, with two exceptions: the daemon's port
 * 8080 becomes a free port, and nothing else. The operations guide creates the databases `perfhound` and
 * `perfhound_restored` and the role `perfhound_docs_ro` on the loopback servers; the test refuses to start
 * when they exist and removes them at the end. Blocks marked `not-run` (CI files, systemd) are few.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedBlocks, readGuide, REPO } from './markdown.js';
import { freePort } from '../support/free-port.js';
import { fixtureBytes } from '../test-results/support.js';

const GUIDES = ['operations.md', 'workflow.md', 'configuration.md'];
const NOT_RUN_LIMIT = 5;
const DATABASES = ['perfhound', 'perfhound_restored'];
const ROLE = 'perfhound_docs_ro';

function sh(command: string): { status: number | null; output: string } {
  const r = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

const psql = (query: string) => sh(`psql -h 127.0.0.1 -U postgres -d postgres -Atc "${query}"`);
const mysql = (query: string) => sh(`mysql -h 127.0.0.1 -u root -N -e "${query}"`);

function leftovers(): string[] {
  const pg = psql(`select datname from pg_database where datname in ('perfhound', 'perfhound_restored') union all select rolname from pg_roles where rolname = '${ROLE}'`).output.trim();
  const my = mysql(`select schema_name from information_schema.schemata where schema_name in ('perfhound', 'perfhound_restored') union all select user from mysql.user where user = '${ROLE}'`).output.trim();
  return [pg, my].filter(Boolean);
}

function dropServerObjects(): void {
  for (const db of DATABASES) {
    psql(`drop database if exists ${db} with (force)`);
    mysql(`drop database if exists ${db}`);
  }
  psql(`drop role if exists ${ROLE}`);
  mysql(`drop user if exists '${ROLE}'@'%'`);
}

describe('the guides', () => {
  it('mark every block that is not run, and few of them', () => {
    for (const guide of GUIDES) {
      const blocks = fencedBlocks(readGuide(guide));
      const notRun = blocks.filter((b) => b.info.split(/\s+/).includes('not-run'));
      expect(blocks.filter((b) => b.info === 'sh').length, guide).toBeGreaterThan(0);
      for (const b of blocks) expect(b.info === 'sh' || notRun.includes(b), `${guide}:${b.line} is neither sh nor not-run`).toBe(true);
      expect(notRun.length, guide).toBeLessThanOrEqual(NOT_RUN_LIMIT);
    }
  });

  it('are linked from the README', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    for (const guide of [...GUIDES, 'schema.md']) expect(readme).toContain(`(docs/${guide})`);
  });
});

for (const guide of GUIDES) {
  describe(`commands of docs/${guide}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-guide-'));
    const bin = mkdtempSync(join(tmpdir(), 'perfhound-bin-'));
    let port = 0;

    beforeAll(async () => {
      expect(existsSync(join(REPO, 'dist', 'cli', 'entry.cjs')), 'run npm run build first').toBe(true);
      // As npm links the installed command.
      symlinkSync(join(REPO, 'bin', 'perfhound.cjs'), join(bin, 'perfhound'));
      // A CI job's results, as the workflow guide's upload step finds them.
      writeFileSync(join(dir, 'results.subunit'), fixtureBytes('streams/generated_200_seed1.subunit.gz'));
      writeFileSync(join(dir, 'junit.xml'), fixtureBytes('junit-sample.xml'));
      port = await freePort();
      if (guide === 'operations.md') expect(leftovers(), 'databases or role of an earlier run: drop them').toEqual([]);
    });

    afterAll(() => {
      const pidFile = join(dir, 'serve.pid');
      if (existsSync(pidFile)) spawnSync('bash', ['-c', `kill ${Number(readFileSync(pidFile, 'utf8'))} 2>/dev/null`]);
      if (guide === 'operations.md') dropServerObjects();
    });

    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: dir };
    delete env.PERFHOUND_DB;

    for (const block of fencedBlocks(readGuide(guide)).filter((b) => b.info === 'sh')) {
      it(`docs/${guide}:${block.line}`, () => {
        const script = block.body.replace(/\b8080\b/g, String(port));
        const logPath = join(dir, `block-${block.line}.log`);
        const log = openSync(logPath, 'w');
        // Output to a file, not a pipe: a daemon started in the background keeps the pipe open.
        const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, env, stdio: ['ignore', log, log], timeout: 180_000 });
        closeSync(log);
        expect(r.status, `${block.body}\n--- output:\n${readFileSync(logPath, 'utf8')}`).toBe(0);
      });
    }
  });
}
