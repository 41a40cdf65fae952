/**
 * `perfhound serve --report-every`: daemons started in-process with a short interval against a real
 * Prometheus generate the reports of new runs on their own; two daemons on one PostgreSQL generate each
 * report once; closing a daemon ends its loop; a tick that fails is logged and the daemon goes on.
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../src/cli/serve.js';
import { openStore } from '../../src/store/connect.js';
import { getReport } from '../../src/store/reports.js';
import { useTestDatabase } from '../support/databases.js';
import { ingestRuns, usePrometheusHistory } from './fixture.js';
import { NAMESPACES, type HistoryRun } from './history.js';

const T0 = 1736000000;
const RUNS: HistoryRun[] = Array.from({ length: 16 }, (_, i) => ({ uuid: `d-${String(i).padStart(2, '0')}`, cluster: `c${i % 3}`, startS: T0 + i * 3600, endS: T0 + i * 3600 + 300 }));
const database = useTestDatabase('postgres');
const fixture = usePrometheusHistory(RUNS, 'report-serve-');
const ingest = (runs: HistoryRun[], name: string) => ingestRuns(database.url, fixture.dir, runs, name);

interface LogLine {
  level: number;
  msg: string;
  reports?: number;
}

/** A daemon whose log lines are kept. */
async function daemon(extra: Record<string, unknown> = {}): Promise<{ daemon: Daemon; lines: LogLine[] }> {
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const d = await startDaemon({ db: database.url, port: '0', reportEvery: '1s', reportSince: '2025-01-01', prometheus: fixture.prom.url, ...extra }, log);
  return { daemon: d, lines };
}

async function reportedUuids(): Promise<string[]> {
  const store = await openStore(database.url);
  try {
    return (await store.db.selectFrom('reports').select('uuid').orderBy('uuid').execute()).map((r) => r.uuid);
  } finally {
    await store.close();
  }
}

/** Polls the store until `want` reports are there (the daemons' ticks are 1 s apart). */
async function waitForReports(want: number): Promise<string[]> {
  for (let i = 0; ; i++) {
    const uuids = await reportedUuids();
    if (uuids.length >= want || i > 600) return uuids;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ticks = (lines: LogLine[]) => lines.filter((l) => l.msg === 'scheduled report generation');

it('two daemons on one PostgreSQL generate the reports of new runs on their timer, each report once; closing ends the loops', async () => {
  await ingest(RUNS.slice(0, 12), 'first.ndjson');
  const a = await daemon({ readPublic: true });
  const b = await daemon();
  let closed = false;
  try {
    expect(await waitForReports(12)).toEqual(RUNS.slice(0, 12).map((r) => r.uuid));
    // A run ingested while the daemons run gets its report at a later tick.
    await ingest(RUNS.slice(12), 'second.ndjson');
    expect(await waitForReports(16)).toEqual(RUNS.map((r) => r.uuid));
    // The daemon answers its API meanwhile, and lists the reports.
    const listed = (await (await fetch(`${a.daemon.url}/api/v1/reports`)).json()) as unknown;
    expect(JSON.stringify(listed)).toContain('d-15');

    await Promise.all([a.daemon.close(), b.daemon.close()]);
    closed = true;
    // Each report generated once, by one daemon or the other, over all ticks of both.
    const generated = [...ticks(a.lines), ...ticks(b.lines)].reduce((n, l) => n + (l.reports ?? 0), 0);
    expect(generated).toBe(16);
    expect(ticks(a.lines).length).toBeGreaterThanOrEqual(2);
    expect(ticks(b.lines).length).toBeGreaterThanOrEqual(2);
    // The values are Prometheus's: etcd's max CPU of a run added while the daemons ran.
    const doc = (await openStore(database.url).then(async (s) => {
      try {
        return await getReport(s.db, 'd-15');
      } finally {
        await s.close();
      }
    })) as { metrics: Record<string, Record<string, Record<string, Record<string, number>>>> };
    for (const ns of NAMESPACES) expect(doc.metrics['control-plane']!.podCPU![ns]!.max).toBeCloseTo(fixture.history.expected('d-15').podCPU[ns]!.max, 6);
    // Closed: no tick after.
    const after = ticks(a.lines).length + ticks(b.lines).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(ticks(a.lines).length + ticks(b.lines).length).toBe(after);
    expect([...a.lines, ...b.lines].filter((l) => l.level >= 50)).toEqual([]);
  } finally {
    if (!closed) await Promise.all([a.daemon.close(), b.daemon.close()]);
  }
}, 180_000);

it('a tick that fails is logged and the daemon goes on serving and ticking', async () => {
  const store = await openStore(database.url);
  const { daemon: d, lines } = await daemon();
  try {
    // The reports table gone under the loop: each tick fails until it is back.
    await sql`ALTER TABLE reports RENAME TO reports_away`.execute(store.db);
    const failed = () => lines.filter((l) => l.level >= 50 && /scheduled report generation failed/.test(l.msg));
    for (let i = 0; !failed().length && i < 300; i++) await new Promise((r) => setTimeout(r, 100));
    expect(failed().length).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
    await sql`ALTER TABLE reports_away RENAME TO reports`.execute(store.db);
    await ingest([{ uuid: 'd-16', cluster: 'c0', startS: T0 + 40 * 3600, endS: T0 + 40 * 3600 + 300 }], 'third.ndjson');
    expect(await waitForReports(17)).toContain('d-16');
  } finally {
    await d.close();
    await store.close();
  }
}, 120_000);

it('refuses a bad --report-every and a missing report config before it listens', async () => {
  await expect(startDaemon({ db: database.url, port: '0', reportEvery: 'soon' }, pino({ level: 'silent' }))).rejects.toThrow('"soon" is not a duration (e.g. 1h, 30m)');
  await expect(startDaemon({ db: database.url, port: '0', reportEvery: '1h', reportConfig: join(fixture.dir, 'none.yaml') }, pino({ level: 'silent' }))).rejects.toThrow(/none\.yaml/);
});
