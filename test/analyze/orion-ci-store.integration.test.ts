/**
 * EXPECTED.md over the store: Orion's CI corpus ingested with `perfhound ingest bulk` into SQLite,
 * PostgreSQL and MariaDB gives the same answers as over OpenSearch — and the regressions are recorded.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { runCli } from '../support/cli.js';
import { analyzeCi, orionExpectations } from './orion-ci-expectations.js';

for (const dialect of DIALECTS) {
  describe(`perfhound analyze over the store (${dialect})`, () => {
    const db = useTestDatabase(dialect);

    it('ingests the corpus', async () => {
      const r = await runCli(['ingest', 'bulk', 'test/fixtures/opensearch/bulk.ndjson', '--metadata-collection', 'orion-integration-test-data', '--db', db.url]);
      expect(r.code).toBe(0);
    });

    orionExpectations(() => ['--db', db.url]);

    it('records the regression once, keeping its status across re-analyses', async () => {
      const store = await openStore(db.url);
      try {
        await store.db.updateTable('regressions').set({ status: 'acknowledged' }).where('run_uuid', '=', 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012').execute();
        await analyzeCi(['--db', db.url], 'ci-tests.yaml');
        const rows = await store.db.selectFrom('regressions').selectAll().where('test_name', '=', 'olm-integration-test').where('metric', '=', 'OCP-84094_catalogdCPU_GCP_avg').execute();
        const hunter = rows.filter((r) => r.run_uuid === 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012');
        expect(hunter).toHaveLength(1);
        expect(hunter[0].status).toBe('acknowledged');
        expect(Number(hunter[0].percentage_change)).toBeCloseTo(404.549, 3);
      } finally {
        await store.close();
      }
    });

    it('an ack in the store silences the change point (exit 0)', async () => {
      const store = await openStore(db.url);
      try {
        await store.db.insertInto('acks').values({ run_uuid: 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012', test_name: null, metric: 'OCP-84094_catalogdCPU_GCP_avg', reason: 'known', acked_by: 'test', created_ms: 0 }).execute();
        const r = await analyzeCi(['--db', db.url], 'ci-tests.yaml');
        expect(r.code).toBe(0);
        expect(r.stdout).toContain('No regressions found');
        await store.db.deleteFrom('acks').execute();
      } finally {
        await store.close();
      }
    });
  });
}
