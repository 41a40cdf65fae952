import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestCsv, type CsvOptions } from '../../src/ingest/csv.js';
import { listRuns } from '../../src/store/runs.js';
import { useTempStore } from '../support/temp-store.js';

const OPTIONS: CsvOptions = { timeColumn: 'time', collection: 'results', runCollection: 'results', runMeta: {} };

describe('ingest csv: rows that would be written wrong are refused with their line', () => {
  const env = useTempStore('perfhound-csv-');

  it('refuses a short row, hex and infinite values; takes the others', async () => {
    const file = join(env.dir, 'rows.csv');
    writeFileSync(file, '\ntime,commit,throughput\n1700000000,a,1.5\n1700000100,b\n1700000200,c,0x10\n1700000300,d,-inf\n1700000400,e,2e3\n');
    const report = await ingestCsv(env.store, file, OPTIONS);
    expect(report.runs.map((r) => r.outcome)).toEqual(['created', 'failed', 'failed', 'failed', 'created']);
    expect(report.runs[1].error).toBe(`${file}:4: expected 3 cells as in the header, found 2`);
    expect(report.runs[2].error).toBe(`${file}:5: field throughput: "0x10" is not a number`);
    expect(report.runs[3].error).toBe(`${file}:6: field throughput: "-inf" is not a finite number`);
    const runs = await listRuns(env.store.db, { collection: 'results' });
    expect(runs.map((r) => r.metadata.commit)).toEqual(['a', 'e']);
  });

  it('names the header line, not line 1, when a named column is missing', async () => {
    const file = join(env.dir, 'header.csv');
    writeFileSync(file, '\n\ntime,value\n1,2\n');
    await expect(ingestCsv(env.store, file, { ...OPTIONS, metrics: ['latency'] })).rejects.toThrow(`${file}:3: field latency: column "latency" is not in the header ("time", "value")`);
  });
});
