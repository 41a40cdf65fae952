import { describe, expect, it } from 'vitest';
import { ingestTestRecords } from '../../src/ingest/subunit/ingest.js';
import { readSubunitTestBatches } from '../../src/ingest/subunit/read.js';
import { encodePacket } from '../../src/ingest/subunit/v2-writer.js';
import { openStore } from '../../src/store/connect.js';
import { runTestResults } from '../../src/store/tests.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { chunked } from './support.js';

/**
 * Names and metadata that array literals, casts and collations could bend (PostgreSQL passes each column as
 * one array parameter, tests.ts unnestRows): quotes, backslashes, braces, commas, the word NULL, non-ASCII,
 * names apart only by trailing spaces, the longest name a test may have, and results without timestamps
 * (NULL times and run_time).
 */
const NAMES = [
  'odd.quote"d',
  "odd.apos'trophe",
  'odd.back\\slash',
  'odd.{brace,comma}',
  'NULL',
  'null',
  '',
  ' odd.leading',
  'odd.é☃𝄞',
  'odd.sp ace',
  // Two ids apart only by trailing spaces: one key to a PAD SPACE collation (MariaDB before 0009).
  'odd.pad',
  'odd.pad ',
  'odd.pad  ',
  `odd.long.${'é'.repeat(512 - 'odd.long.'.length)}`,
];

function stream(): Buffer {
  return Buffer.concat(
    NAMES.flatMap((name, i) => {
      const timed = i % 2 === 0;
      const tags = [`tag"${i}`, 'NULL', `é{${i}}`];
      return [
        encodePacket({ testId: name, status: 'inprogress', timestampUs: timed ? 1_780_000_000_000_000 + i * 1000 : null }),
        encodePacket({ testId: name, status: i % 3 ? 'success' : 'fail', tags, timestampUs: timed ? 1_780_000_000_000_000 + i * 1000 + 250 : null }),
      ];
    }),
  );
}

for (const dialect of DIALECTS) {
  describe(`odd names and values on ${dialect}`, () => {
    const database = useTestDatabase(dialect);
    it('are stored as they are, each with its own metadata and times', async () => {
      const store = await openStore(database.url);
      try {
        for (let pass = 0; pass < 2; pass++) {
          const summary = await ingestTestRecords(store, readSubunitTestBatches(chunked(stream(), 97)), { source: 'subunit', runId: 'odd' });
          expect(summary.tests).toBe(NAMES.length);
        }
        const results = await runTestResults(store.db, (await store.db.selectFrom('runs').select('id').where('uuid', '=', 'odd').executeTakeFirstOrThrow()).id);
        const got = results.map((r) => [r.name, r.status, r.startUs === null ? null : r.stopUs! - r.startUs, r.metadata.tags ?? null]);
        const want = NAMES.map((name, i) => [name, i % 3 ? 'success' : 'fail', i % 2 === 0 ? 250 : null, [`tag"${i}`, 'NULL', `é{${i}}`].join(',')]);
        expect(got.sort()).toEqual(want.sort());
        const tests = await store.db.selectFrom('tests').select(['test_id', 'run_count', 'run_time']).execute();
        expect(tests.map((t) => [t.test_id, t.run_count, t.run_time === null ? null : Number(t.run_time)]).sort()).toEqual(
          NAMES.map((name, i) => [name, 1, i % 2 === 0 ? 0.00025 : null]).sort(),
        );
      } finally {
        await store.close();
      }
    });
  });
}
