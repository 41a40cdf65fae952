/**
 * Regressions from the CLI over Orion's CI corpus in a store: `analyze --no-record` writes nothing,
 * `regressions list|show|ack|unack` follow the API's rules, and an analysis says how many regressions acks
 * silenced ("1 regression acknowledged") instead of hiding them. Orion's dead `--filter` flag is accepted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeCi } from '../analyze/orion-ci-expectations.js';
import { runCli } from '../support/cli.js';

const CHANGED_RUN = 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012';
const METRIC = 'OCP-84094_catalogdCPU_GCP_avg';
type Listed = { id: number; status: string; runUuid: string; metric: string; statusReason: string | null; statusBy: string | null };

let db: string;
const target = () => ['--db', db];
const list = async (): Promise<Listed[]> => JSON.parse((await runCli(['regressions', 'list', '--output', 'json', '--db', db])).stdout) as Listed[];

beforeAll(async () => {
  db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'regressions-cli-')), 'p.db')}`;
  const r = await runCli(['ingest', 'bulk', 'test/fixtures/opensearch/bulk.ndjson', '--metadata-collection', 'orion-integration-test-data', '--db', db]);
  expect(r.code).toBe(0);
});

describe('regressions from the CLI', () => {
  it('analyze --no-record finds the regression and records nothing; --filter is accepted and ignored', async () => {
    const r = await analyzeCi(target(), 'ci-tests.yaml', ['--no-record', '--filter']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(await list()).toEqual([]);
  });

  it('list, show, ack, unack: an acked regression is said, not hidden; un-acked it is reported again', async () => {
    expect((await analyzeCi(target(), 'ci-tests.yaml')).code).toBe(2);
    const [recorded] = await list();
    expect(recorded).toMatchObject({ status: 'open', runUuid: CHANGED_RUN, metric: METRIC });

    const show = await runCli(['regressions', 'show', String(recorded.id), '--db', db]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`run:\\s+${CHANGED_RUN}`));
    expect(show.stdout).toMatch(/change:\s+404\.5%/);
    expect(show.stdout).not.toMatch(/^ack:/m);

    const ack = await runCli(['regressions', 'ack', String(recorded.id), '--reason', 'known', '--by', 'alice', '--db', db]);
    expect(ack.code).toBe(0);
    const shownAcked = JSON.parse((await runCli(['regressions', 'show', String(recorded.id), '--output', 'json', '--db', db])).stdout) as Listed & { acks: { reason: string; by: string }[] };
    expect(shownAcked).toMatchObject({ status: 'acknowledged', statusBy: 'alice', acks: [{ reason: 'known', by: 'alice' }] });

    const silenced = await analyzeCi(target(), 'ci-tests.yaml');
    expect(silenced.code).toBe(0);
    expect(silenced.stdout).toContain('No regressions found');
    expect(silenced.stderr).toContain(`1 regression acknowledged, not reported (--no-ack reports them): olm-integration-test ${METRIC} at ${CHANGED_RUN}`);

    const unack = await runCli(['regressions', 'unack', String(recorded.id), '--reason', 'not that after all', '--by', 'bob', '--db', db]);
    expect(unack.code).toBe(0);
    expect(unack.stdout).toContain('open again');
    expect((await list())[0]).toMatchObject({ status: 'open', statusReason: 'not that after all', statusBy: 'bob' });
    const again = await analyzeCi(target(), 'ci-tests.yaml');
    expect(again.code).toBe(2);
    expect(again.stderr).not.toContain('acknowledged');
  });

  it('unack of a regression that is not acknowledged, show of an unknown id: one clear line, exit 1', async () => {
    const [recorded] = await list();
    const unack = await runCli(['regressions', 'unack', String(recorded.id), '--reason', 'x', '--db', db]);
    expect(unack.code).toBe(1);
    expect(unack.stderr.trim()).toBe(`perfhound: field id: regression ${recorded.id} is not acknowledged (it is open)`);
    const show = await runCli(['regressions', 'show', '999', '--db', db]);
    expect(show.code).toBe(1);
    expect(show.stderr.trim()).toBe('perfhound: field id: no regression with id 999');
  });
});
