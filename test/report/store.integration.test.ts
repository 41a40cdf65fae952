/** src/store/reports.ts on every dialect: replace by uuid, metric documents, list filters, claims. */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { readDataVersion } from '../../src/store/data-version.js';
import { claimReport, getReport, listReports, releaseClaim, writeReport, type ReportRow } from '../../src/store/reports.js';
import { writeRun } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';

const row = (uuid: string, cluster: string, ts: number, body: Record<string, unknown> = {}): ReportRow => ({
  uuid,
  clusterName: cluster,
  reportType: 'podLatency',
  runTimestampMs: ts,
  generatedMs: 1,
  warnings: 0,
  body: JSON.stringify({ uuid, ...body }),
});

for (const dialect of DIALECTS) {
  describe(`report store (${dialect})`, () => {
    const database = useTestDatabase(dialect);

    it('replaces a report and its metric documents by uuid, bumping the data version, and lists by cluster and time', async () => {
      const store = await openStore(database.url);
      try {
        const { id } = await store.writeTransaction((trx) => writeRun(trx, { uuid: 'r1', timestampMs: 1000, source: 'json', collection: 'perf_scale_ci', metadata: {} }));
        const doc = (v: number) => ({ metricName: 'report.p.q.all.avg', timestampMs: 1000, body: JSON.stringify({ metricName: 'report.p.q.all.avg', value: v }) });
        const version = await readDataVersion(store.db);
        await store.writeTransaction((trx) => writeReport(trx, row('r1', 'c1', 1000, { n: 1 }), { runId: id, collection: 'perfhound-reports', documents: [doc(1)] }));
        await store.writeTransaction((trx) => writeReport(trx, row('r1', 'c1', 1000, { n: 2 }), { runId: id, collection: 'perfhound-reports', documents: [doc(2)] }));
        expect(await readDataVersion(store.db)).toBe(version + 2);
        expect(await getReport(store.db, 'r1')).toEqual({ uuid: 'r1', n: 2 });
        const docs = await store.db.selectFrom('documents').select(['body', 'collection']).where('run_id', '=', id).execute();
        expect(docs).toEqual([{ collection: 'perfhound-reports', body: JSON.stringify({ metricName: 'report.p.q.all.avg', value: 2 }) }]);
        // A report of a run that is not in the store (an OpenSearch run).
        await store.writeTransaction((trx) => writeReport(trx, row('os-1', 'c2', 3000), undefined));
        await store.writeTransaction((trx) => writeReport(trx, row('os-2', 'c1', 2000), undefined));
        expect((await listReports(store.db)).map((r) => r.uuid)).toEqual(['r1', 'os-2', 'os-1']);
        expect((await listReports(store.db, { cluster: 'c1' })).map((r) => r.uuid)).toEqual(['r1', 'os-2']);
        expect((await listReports(store.db, { since: new Date(2000), until: new Date(2000) })).map((r) => r.uuid)).toEqual(['os-2']);
        expect((await listReports(store.db, { limit: 2 })).map((r) => r.uuid)).toEqual(['os-2', 'os-1']);
        await expect(getReport(store.db, 'nope')).rejects.toThrow('no report for run nope');
      } finally {
        await store.close();
      }
    });

    it('claims: one holder at a time, taken over after expiry, released by the write', async () => {
      const store = await openStore(database.url);
      try {
        expect(await claimReport(store.db, 'x', 'a', 1000, 100)).toBe(true);
        expect(await claimReport(store.db, 'x', 'b', 1050, 100)).toBe(false);
        expect(await claimReport(store.db, 'x', 'b', 1101, 100)).toBe(true); // a's claim expired at 1100
        expect(await claimReport(store.db, 'x', 'a', 1150, 100)).toBe(false);
        await store.writeTransaction((trx) => writeReport(trx, row('x', 'c', 1), undefined, 'b'));
        expect(await claimReport(store.db, 'x', 'a', 1160, 100)).toBe(true);
        await releaseClaim(store.db, 'x', 'a');
        expect(await store.db.selectFrom('report_claims').selectAll().execute()).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
}
