/**
 * The store source finds a test's runs through run_terms (an index over run metadata) instead of reading
 * every run of the metadata collection: the runs it selects must be exactly those the whole collection gives
 * under match.ts (the naive reading: every run's metadata tested by `matchesSelector`), on every dialect,
 * over random stores and selectors — text and `.keyword` matches, numbers and booleans, arrays, arrays of
 * objects, values longer than the keyword limit and the term cut, `not` and `wildcard` — whether the
 * rarest field's runs or the intersection of every field's runs are the candidates. And it reads only the
 * selected runs: unrelated runs are not parsed, and (SQLite's plans) not walked either.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MatchableDocument, matchesSelector } from '../../src/sources/store/match.js';
import { StoreSource } from '../../src/sources/store/index.js';
import { SelectionLog } from '../../src/sources/store/selection.js';
import type { FieldValue, MetadataSelector } from '../../src/sources/types.js';
import { openStore } from '../../src/store/connect.js';
import { writeRun } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { withStoreAt } from '../support/migrate.js';
import { parsedRunUuids } from '../support/parsed-runs.js';

const long = 'Word '.repeat(70).trim();
const strings = ['AWS', 'aws-ocp', 'self-managed', 'managed', '4.17.0-0.nightly-2026', 'True', 'x', '3', 'Straße ü', long, `${'y'.repeat(220)} tail`];
const scalar = fc.oneof(fc.constantFrom(...strings), fc.constantFrom(3, 3.5, 0, -1, 17), fc.boolean());
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.record({ a: scalar }), { maxLength: 2 }) },
  { weight: 1, arbitrary: fc.record({ a: scalar }) },
);
const metadata = fc.record({ platform: value, ver: value, f: value, n: value }, { requiredKeys: [] });
const fields = ['platform', 'ver', 'f', 'f.a', 'n'];
const queryField = fc.constantFrom(...fields.flatMap((f) => [f, `${f}.keyword`]));
const queryValue = fc.oneof(fc.constantFrom(...strings, 'managed', 'nightly', '4.17.0', 'true', 'WORD', 'y'.repeat(220), 'Straße'), fc.constantFrom(3, 17, 3.5), fc.boolean());
const selector: fc.Arbitrary<MetadataSelector> = fc.record({
  match: fc.dictionary(queryField, queryValue, { minKeys: 1, maxKeys: 3 }),
  not: fc.dictionary(queryField, fc.array(queryValue, { minLength: 1, maxLength: 2 }), { maxKeys: 1 }),
  wildcard: fc.dictionary(queryField, fc.constantFrom('*', 'aws*', '*managed', 'x', '4.1?.*', 'word*'), { maxKeys: 1 }),
});

const base = Date.UTC(2026, 0, 1);

for (const dialect of DIALECTS) {
  describe(`store source metadata selection (${dialect})`, () => {
    const db = useTestDatabase(dialect);

    it('selects exactly the runs the naive reading of the whole collection selects', async () => {
      const store = await openStore(db.url);
      let round = 0;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(metadata, { minLength: 1, maxLength: 12 }), fc.array(selector, { minLength: 1, maxLength: 4 }), fc.constantFrom(1, 2, 10_000), async (generated, selectors, probe) => {
            // As stored and read back (fast-check's records have no prototype).
            const metas = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>[];
            const collection = `c${round++}`;
            await store.transaction(async (trx) => {
              for (const [i, meta] of metas.entries()) {
                await writeRun(trx, { uuid: `${collection}-${i}`, timestampMs: base + i, source: 'test', collection, metadata: { ...meta, uuid: `${collection}-${i}` } });
              }
            });
            for (const sel of selectors) {
              const source = new StoreSource(store, { metadataProbe: probe });
              const runs = await source.findRuns({ index: collection, selector: sel, uuidField: 'uuid', versionField: 'ver', timestampField: 'timestamp' });
              const naive = metas.flatMap((meta, i) => (matchesSelector(new MatchableDocument({ ...meta, uuid: `${collection}-${i}` }), sel) ? [`${collection}-${i}`] : []));
              expect(runs.map((r) => r.uuid)).toEqual(naive);
            }
          }),
          { numRuns: 40 },
        );
      } finally {
        await store.close();
      }
    });

    it('reads only the runs the selector may select, not the unrelated runs of the collection', async () => {
      const store = await openStore(db.url);
      try {
        await store.transaction(async (trx) => {
          for (let i = 0; i < 300; i++) {
            const benchmark = i < 5 ? 'node-density' : `other-${i}`;
            await writeRun(trx, { uuid: `u${i}`, timestampMs: base + i, source: 'test', collection: 'perf_scale_ci', metadata: { uuid: `u${i}`, benchmark, platform: 'AWS' } });
          }
        });
        const source = new StoreSource(store, { metadataCollection: 'perf_scale_ci' });
        const { result: runs, parsed } = await parsedRunUuids(() =>
          source.findRuns({ selector: { match: { 'benchmark.keyword': 'node-density', platform: 'aws' }, not: {}, wildcard: {} }, uuidField: 'uuid', versionField: 'ver', timestampField: 'timestamp' }),
        );
        expect(runs.map((r) => r.uuid)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
        expect(parsed).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
      } finally {
        await store.close();
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`migration 0017 on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('finds runs stored before it (with the terms of 0012) by the keys it writes', async () => {
      await withStoreAt(db.url, '0016_terms_without_rowid', (store) =>
        store.transaction(async (trx) => {
          await writeRun(trx, { uuid: 'old', timestampMs: base, source: 'test', collection: 'meta', metadata: { uuid: 'old', benchmark: 'b', platform: 'AWS-ocp', n: [3] } });
          await writeRun(trx, { uuid: 'other', timestampMs: base + 1, source: 'test', collection: 'meta', metadata: { uuid: 'other', benchmark: 'b', platform: 'GCP', n: [4] } });
        }),
      );
      const store = await openStore(db.url);
      try {
        const find = async (match: Record<string, FieldValue>) =>
          (await new StoreSource(store).findRuns({ selector: { match, not: {}, wildcard: {} }, uuidField: 'uuid', versionField: 'ver', timestampField: 'timestamp' })).map((r) => r.uuid);
        expect(await find({ platform: 'ocp', n: 3 })).toEqual(['old']);
        expect(await find({ 'platform.keyword': 'GCP' })).toEqual(['other']);
        const { parsed } = await parsedRunUuids(() => find({ n: 4 }));
        expect(parsed).toEqual(['other']);
      } finally {
        await store.close();
      }
    });
  });
}

describe('store source metadata selection (sqlite plans)', () => {
  const db = useTestDatabase('sqlite');

  it('reads the candidate runs by their ids, not by walking the collection', async () => {
    // Beside 500 000 runs of the collection, SQLite's plan for `collection IN (…) AND id IN (…)` walked
    // ix_runs_collection over all of them (91 ms a read) where the primary key finds the 200 candidates
    // (1 ms). The plan does not depend on the table's size (no statistics): a small store shows it.
    const store = await openStore(db.url);
    const statements: string[] = [];
    const realPrepare = Database.prototype.prepare;
    const spy = vi.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, source: string) {
      statements.push(source);
      return realPrepare.call(this, source);
    });
    try {
      await store.transaction(async (trx) => {
        for (let i = 0; i < 40; i++) {
          await writeRun(trx, { uuid: `u${i}`, timestampMs: base + i, source: 'test', collection: i % 2 ? 'perf_scale_ci' : 'other', metadata: { uuid: `u${i}`, benchmark: i < 10 ? 'node-density' : 'x' } });
        }
      });
      const source = new StoreSource(store, { metadataCollection: 'perf_scale_ci', reads: new SelectionLog() });
      const runs = await source.findRuns({ selector: { match: { 'benchmark.keyword': 'node-density' }, not: {}, wildcard: {} }, uuidField: 'uuid', versionField: 'ver', timestampField: 'timestamp' });
      // Candidates of another collection share the term: they are read and left out.
      expect(runs.map((r) => r.uuid)).toEqual(['u1', 'u3', 'u5', 'u7', 'u9']);
    } finally {
      spy.mockRestore();
      await store.close();
    }
    const byIds = statements.filter((q) => /from "runs" where .*"id" in \(/.test(q));
    expect(byIds.length).toBe(2); // the fingerprint and the metadata read
    const file = new Database(db.url.slice('sqlite:'.length), { readonly: true });
    try {
      for (const q of byIds) {
        const params = Array.from({ length: (q.match(/\?/g) ?? []).length }, () => 1);
        const plan = file.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...params) as { detail: string }[];
        expect(plan.map((p) => p.detail).join('; ')).toMatch(/^SEARCH runs USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      }
    } finally {
      file.close();
    }
  });
});
