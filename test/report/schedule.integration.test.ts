/**
 * Scheduled generation (`report generate --every`): each tick generates reports for new runs only, and two
 * generators (two daemons) on one PostgreSQL never generate the same report twice at once.
 */
import { expect, it } from 'vitest';
import { generateReports } from '../../src/report/generate.js';
import { openReportSetup, type ReportSetup } from '../../src/report/setup.js';
import { useTestDatabase } from '../support/databases.js';
import { ingestRuns, usePrometheusHistory } from './fixture.js';
import type { HistoryRun } from './history.js';

const T0 = 1736000000;
const RUNS: HistoryRun[] = Array.from({ length: 24 }, (_, i) => ({ uuid: `s-${String(i).padStart(2, '0')}`, cluster: `c${i % 4}`, startS: T0 + i * 3600, endS: T0 + i * 3600 + 300 }));
const database = useTestDatabase('postgres');
const fixture = usePrometheusHistory(RUNS, 'report-schedule-');
const ingest = (runs: HistoryRun[], name: string) => ingestRuns(database.url, fixture.dir, runs, name);

it('two generators on one PostgreSQL split the new runs between them, none generated twice; a later tick takes only new runs', async () => {
  await ingest(RUNS.slice(0, 20), 'first.ndjson');
  const setups: ReportSetup[] = [];
  try {
    for (const holder of ['daemon-a', 'daemon-b']) setups.push(await openReportSetup({ db: database.url, prometheus: fixture.prom.url, concurrency: 4, holder }));
    const since = new Date('2025-01-01');
    const tick = () => Promise.all(setups.map((s) => generateReports(s.fresh(), { since, onlyNew: true })));
    const [a, b] = await tick();
    const uuidsOf = (r: { reports: Array<{ uuid: string }> }) => r.reports.map((x) => x.uuid);
    const all = [...uuidsOf(a!), ...uuidsOf(b!)].sort();
    expect(all).toEqual(RUNS.slice(0, 20).map((r) => r.uuid));
    expect(new Set(all).size).toBe(all.length);
    // Each one's skipped runs are exactly what the other generated (or had listed and the other took).
    for (const [self, other] of [[a!, b!], [b!, a!]]) for (const uuid of self.claimedElsewhere) expect(uuidsOf(other)).toContain(uuid);
    const rows = await setups[0]!.context.store.db.selectFrom('reports').select('uuid').execute();
    expect(rows).toHaveLength(20);
    expect(await setups[0]!.context.store.db.selectFrom('report_claims').selectAll().execute()).toEqual([]);

    await ingest(RUNS.slice(20), 'second.ndjson');
    const [c, d] = await tick();
    expect([...uuidsOf(c!), ...uuidsOf(d!)].sort()).toEqual(RUNS.slice(20).map((r) => r.uuid));
    expect(c!.runs + d!.runs).toBeLessThanOrEqual(8);
  } finally {
    for (const s of setups) await s.close();
  }
}, 120_000);

it('an aborted generation (a daemon closing) starts no further run and leaves no claim behind', async () => {
  const setup = await openReportSetup({ db: database.url, prometheus: fixture.prom.url, concurrency: 2, holder: 'closing' });
  try {
    const result = await generateReports({ ...setup.fresh(), signal: AbortSignal.abort() }, { since: new Date('2025-01-01') });
    expect(result.runs).toBe(RUNS.length);
    expect(result.reports).toEqual([]);
    expect(await setup.context.store.db.selectFrom('report_claims').selectAll().execute()).toEqual([]);
  } finally {
    await setup.close();
  }
}, 60_000);
