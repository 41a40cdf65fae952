/**
 * Adversarial tests of the second pass's overlap (run N commits while run N+1's statements run): the
 * database refusing a run at any point of it — a statement, the commit, a dropped connection — loses or
 * half-writes nothing, reports exactly which runs were ingested, and leaves no transaction behind.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ingestBulk } from '../../src/ingest/bulk.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { tableCounts } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { BULK_OPTIONS as OPTIONS, bulkRunsFile as bulkFile, refuseMarkedDocument } from './bulk-runs.js';

async function expectOnlyRunOneRefused(store: Store, report: Awaited<ReturnType<typeof ingestBulk>>, docs: number, reason: RegExp): Promise<void> {
  expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual([
    ['r0', 'created'],
    ['r1', 'failed'],
    ['r2', 'created'],
    ['r3', 'created'],
  ]);
  expect(report.runs[1].error).toMatch(reason);
  const runs = await store.db.selectFrom('runs').select('uuid').orderBy('id').execute();
  expect(runs.map((r) => r.uuid)).toEqual(['r0', 'r2', 'r3']);
  const counts = await tableCounts(store.db);
  expect([counts.documents, counts.run_metadata]).toEqual([3 * docs, 3 * 3]);
}

for (const dialect of DIALECTS) {
  describe(`bulk ingest overlap on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('re-ingests runs of several document batches: replaced, row counts unchanged', async () => {
      const store = await openStore(db.url);
      try {
        const file = bulkFile(4, 3000);
        const first = await ingestBulk(store, file, OPTIONS);
        expect(first.runs.map((r) => r.outcome)).toEqual(['created', 'created', 'created', 'created']);
        const counts = await tableCounts(store.db);
        const again = await ingestBulk(store, file, OPTIONS);
        expect(again.runs.map((r) => r.outcome)).toEqual(['replaced', 'replaced', 'replaced', 'replaced']);
        expect(await tableCounts(store.db)).toEqual(counts);
      } finally {
        await store.close();
      }
    });

    it('a run refused while the next run is under way: only it is missing, the others are reported and written', async () => {
      const created = await import('../support/create-database.js').then((m) => m.createTestDatabase(dialect));
      const store = await openStore(created.url);
      try {
        await refuseMarkedDocument(store, dialect);
        const report = await ingestBulk(store, bulkFile(4, 2500), OPTIONS);
        await expectOnlyRunOneRefused(store, report, 2500, /runs\.ndjson:\d+: database refused the run: .*refused document/);
      } finally {
        await store.close();
        await created.drop();
      }
    });
  });
}

describe('bulk ingest overlap on postgres: the commit refused', () => {
  const db = useTestDatabase('postgres');

  async function refuseCommitOf(store: Store, uuid: string, action: string): Promise<void> {
    await sql.raw(`create or replace function refuse_commit() returns trigger language plpgsql as $$ begin
      if new.uuid = '${uuid}' then ${action}; end if; return null; end $$`).execute(store.db);
    await sql`drop trigger if exists refuse_commit on runs`.execute(store.db);
    await sql`create constraint trigger refuse_commit after insert or update on runs deferrable initially deferred for each row execute function refuse_commit()`.execute(store.db);
  }

  it('a unique violation at commit refuses only that run', async () => {
    const store = await openStore(db.url);
    try {
      await refuseCommitOf(store, 'r1', `raise exception 'duplicate at commit' using errcode = '23505'`);
      const report = await ingestBulk(store, bulkFile(4, 2000), OPTIONS);
      await expectOnlyRunOneRefused(store, report, 2000, /database refused the run: duplicate at commit/);
      await sql`drop trigger refuse_commit on runs`.execute(store.db);
      await sql`truncate runs, run_metadata, documents`.execute(store.db);
    } finally {
      await store.close();
    }
  });

  it('a connection dropped in the middle of a COPY refuses only that run', async () => {
    const store = await openStore(db.url);
    try {
      await sql`truncate runs, run_metadata, documents`.execute(store.db);
      await sql.raw(`create function drop_in_copy() returns trigger language plpgsql as $$ begin
        if new.body like '%refuse-me%' then perform pg_terminate_backend(pg_backend_pid()); end if; return new; end $$`).execute(store.db);
      await sql`create trigger drop_in_copy before insert on documents for each row execute function drop_in_copy()`.execute(store.db);
      const report = await ingestBulk(store, bulkFile(4, 2000), OPTIONS);
      await sql`drop trigger drop_in_copy on documents`.execute(store.db);
      await expectOnlyRunOneRefused(store, report, 2000, /database refused the run: /);
      await sql`truncate runs, run_metadata, documents`.execute(store.db);
    } finally {
      await store.close();
    }
  });

  it('a connection dropped at commit refuses only that run, and the store still closes', async () => {
    const store = await openStore(db.url);
    try {
      await refuseCommitOf(store, 'r1', 'perform pg_terminate_backend(pg_backend_pid())');
      const report = await ingestBulk(store, bulkFile(4, 2000), OPTIONS);
      await expectOnlyRunOneRefused(store, report, 2000, /database refused the run: /);
    } finally {
      await store.close();
    }
  });
});

describe('bulk ingest overlap on postgres: connections dropped while a run waits for the one before', () => {
  const db = useTestDatabase('postgres');

  it('every run reported written is whole, every run reported refused is absent, and the ingest ends', async () => {
    const setup = await openStore(db.url);
    const name = new URL(db.url).pathname.slice(1);
    // A transaction idle for a few ms (a run waiting for the previous run's documents) loses its connection.
    await sql.raw(`alter database ${name} set idle_in_transaction_session_timeout = '5ms'`).execute(setup.db);
    await setup.close();
    // Migrated above: migrating under the timeout would lose its own connection.
    const store = await openStore(db.url, { migrate: false });
    try {
      const report = await ingestBulk(store, bulkFile(12, 1500), OPTIONS);
      expect(report.runs.map((r) => r.uuid)).toEqual(Array.from({ length: 12 }, (_, r) => `r${r}`));
      const counts = await store.db
        .selectFrom('runs')
        .leftJoin('documents', 'documents.run_id', 'runs.id')
        .select(['uuid', (eb) => eb.fn.count('documents.id').as('n')])
        .groupBy('uuid')
        .execute();
      const stored = Object.fromEntries(counts.map((c) => [c.uuid, Number(c.n)]));
      const expected = Object.fromEntries(report.runs.filter((r) => r.outcome !== 'failed').map((r) => [r.uuid, 1500]));
      expect(stored).toEqual(expected);
      for (const r of report.runs.filter((r) => r.outcome === 'failed')) expect(r.error).toMatch(/database refused the run: /);
    } finally {
      await sql.raw(`alter database ${name} reset idle_in_transaction_session_timeout`).execute(store.db);
      await store.close();
    }
  });
});
