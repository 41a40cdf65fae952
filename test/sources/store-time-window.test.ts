/**
 * The store source reads a test's time window (`--lookback` → after, `--since` → before) through run_times
 * (migration 0014) instead of reading every selected run: the runs it returns must be exactly those of the
 * naive reading (every run's time — its metadata's timestamp field as `toEpochMs` reads it, else its stored
 * time — tested against the window), on every dialect, over random stores, windows and timestamp fields:
 * ISO dates, epoch seconds and ms, numeric strings, fractional ms, unreadable values, arrays, objects,
 * dotted keys, fields read through arrays. And it parses only the runs of the window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getNested, toEpochMs } from '../../src/sources/opensearch/fields.js';
import { MatchableDocument, matchesSelector } from '../../src/sources/store/match.js';
import { StoreSource } from '../../src/sources/store/index.js';
import type { MetadataSelector } from '../../src/sources/types.js';
import { openStore } from '../../src/store/connect.js';
import { writeRun } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { parsedRunUuids } from '../support/parsed-runs.js';
import { withStoreAt } from '../support/migrate.js';

const base = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const time = fc.constantFrom<unknown>(
  base - 5000, base, base + 1, base + 2.7, base + 10_000, (base + 3000) / 1000, String(base + 4000), iso(base + 6000), '2026-01-01T00:00:07', 'not a time', '', null, true, [base + 1], { t: base },
);
const metadata = fc.record(
  { timestamp: time, m: fc.record({ ts: time }, { requiredKeys: [] }), 'a.b': time, a: fc.record({ b: time }, { requiredKeys: [] }), x: fc.array(time, { maxLength: 2 }), platform: fc.constantFrom('AWS', 'GCP') },
  { requiredKeys: [] },
);
const bound = fc.option(fc.constantFrom(base - 5000, base - 1, base, base + 1, base + 2, base + 3000, base + 4000, base + 6500, base + 10_000, base + 20_000), { nil: undefined });
const field = fc.constantFrom('timestamp', 'm.ts', 'a.b', 'x.0', 'x.length', 'missing');
const selector = fc.constantFrom<MetadataSelector>(
  { match: {}, not: {}, wildcard: {} },
  { match: { platform: 'AWS' }, not: {}, wildcard: {} },
  { match: { 'platform.keyword': 'GCP' }, not: {}, wildcard: {} },
);

/** Today's reading: every run's time as source.ts `metadataTime` gives it, the window tested on each. */
function naive(metas: Record<string, unknown>[], uuids: string[], timestampField: string, sel: MetadataSelector, after?: number, before?: number): string[] {
  const hits = metas.flatMap((meta, i) => {
    const raw = getNested(meta, timestampField);
    const ts = raw === undefined ? base + i * 1000 : toEpochMs(raw);
    if (Number.isNaN(ts) || (after !== undefined && !(ts > after)) || (before !== undefined && !(ts < before))) return [];
    return matchesSelector(new MatchableDocument(meta), sel) ? [{ uuid: uuids[i], ts }] : [];
  });
  hits.sort((a, b) => b.ts - a.ts);
  return hits.sort((a, b) => a.ts - b.ts).map((h) => h.uuid);
}

for (const dialect of DIALECTS) {
  describe(`store source time window (${dialect})`, () => {
    const db = useTestDatabase(dialect);

    it('selects exactly the runs of the window the naive reading selects', async () => {
      const store = await openStore(db.url);
      let round = 0;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(metadata, { minLength: 1, maxLength: 10 }), field, selector, bound, bound, fc.constantFrom(1, 10_000), async (generated, timestampField, sel, after, before, probe) => {
            const collection = `w${round++}`;
            const uuids = generated.map((_, i) => `${collection}-${i}`);
            // As stored and read back (fast-check's records have no prototype); the uuid field is the run's own.
            const metas = generated.map((m, i) => JSON.parse(JSON.stringify({ ...m, uuid: uuids[i] })) as Record<string, unknown>);
            await store.transaction(async (trx) => {
              for (const [i, meta] of metas.entries()) await writeRun(trx, { uuid: uuids[i], timestampMs: base + i * 1000, source: 'test', collection, metadata: meta });
            });
            const source = new StoreSource(store, { metadataProbe: probe });
            const runs = await source.findRuns({
              index: collection, selector: sel, uuidField: 'uuid', versionField: 'ver', timestampField,
              after: after === undefined ? undefined : new Date(after), before: before === undefined ? undefined : new Date(before),
            });
            expect(runs.map((r) => r.uuid)).toEqual(naive(metas, uuids, timestampField, sel, after, before));
          }),
          { numRuns: 60 },
        );
      } finally {
        await store.close();
      }
    });

    it('parses only the runs of the window', async () => {
      const store = await openStore(db.url);
      try {
        await store.transaction(async (trx) => {
          for (let i = 0; i < 200; i++) {
            await writeRun(trx, { uuid: `u${i}`, timestampMs: base, source: 'test', collection: 'perf_scale_ci', metadata: { uuid: `u${i}`, benchmark: 'node-density', timestamp: iso(base + i * 60_000) } });
          }
        });
        const { result: runs, parsed } = await parsedRunUuids(() =>
          new StoreSource(store, { metadataCollection: 'perf_scale_ci' }).findRuns({
              selector: { match: { benchmark: 'node-density' }, not: {}, wildcard: {} }, uuidField: 'uuid', versionField: 'ver', timestampField: 'timestamp',
              // Off the runs' own times by 1 ms: a bound equal to a run's time reads it (whole ms are stored).
              after: new Date(base + 194 * 60_000 + 1), before: new Date(base + 198 * 60_000 - 1),
            }),
        );
        expect(runs.map((r) => r.uuid)).toEqual(['u195', 'u196', 'u197']);
        expect(parsed).toEqual(['u195', 'u196', 'u197']);
      } finally {
        await store.close();
      }
    });

  });

  describe(`migration 0014 (${dialect})`, () => {
    const db = useTestDatabase(dialect);

    it('writes the times of the runs stored before it', async () => {
      await withStoreAt(db.url, '0013_alerts', async (old) => {
        await old.transaction(async (trx) => {
          for (let i = 0; i < 3; i++) await writeRun(trx, { uuid: `old${i}`, timestampMs: base, source: 'test', collection: 'meta', metadata: { uuid: `old${i}`, timestamp: iso(base + i * 1000) } });
        });
      });
      const store = await openStore(db.url);
      try {
        const runs = await new StoreSource(store).findRuns({ index: 'meta', selector: { match: {}, not: {}, wildcard: {} }, uuidField: 'uuid', versionField: 'ver', timestampField: 'timestamp', after: new Date(base) });
        expect(runs.map((r) => r.uuid)).toEqual(['old1', 'old2']);
      } finally {
        await store.close();
      }
    });
  });
}
