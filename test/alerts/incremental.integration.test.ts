/**
 * Watches reuse detection's incremental append: over a sequence of ingests, an analysis whose series keep
 * their state from the last one (`SeriesMemory`) answers exactly what a full analysis answers, appending
 * where the new runs come after the old ones and starting afresh where they do not (a run inserted in the
 * past, a gap that changes the detection mode). A watch after an ingest that wrote none of its runs is
 * not analysed at all.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWatch, runWatches } from '../../src/alerts/index.js';
import { runAnalysis, SeriesMemory, type AnalysisReport } from '../../src/analyze/index.js';
import { parseAnalysisConfig, type AnalysisConfig } from '../../src/config/index.js';
import { StoreSource } from '../../src/sources/store/source.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { alertFiles, runsFile } from './data.js';

for (const dialect of DIALECTS) {
  describe(`incremental watch analysis (${dialect})`, () => {
    const db = useTestDatabase(dialect);
    const files = alertFiles();
    let store: Store;
    let config: AnalysisConfig;
    const memory = new SeriesMemory();
    const ingest = async (path: string) => expect((await runCli(['ingest', 'json', path, '--db', db.url])).code).toBe(0);
    /** The same analysis twice: with the kept state, and in full from nothing. */
    const both = async (): Promise<{ incremental: AnalysisReport; full: AnalysisReport }> => ({
      incremental: await runAnalysis(config, {}, { source: new StoreSource(store), store, recordRegressions: false, detectSeries: memory.detect }),
      full: await runAnalysis(config, {}, { source: new StoreSource(store), store, recordRegressions: false }),
    });
    /** A run of test t1 written by hand: `hour` hours after the data's start. */
    const oneRun = (name: string, uuid: string, hour: number, metrics: Record<string, number>, platform = 'AWS') => {
      const path = join(files.dir, name);
      writeFileSync(path, JSON.stringify([{ uuid, timestamp: new Date(Date.UTC(2026, 0, 1) + hour * 3_600_000).toISOString(), metadata: { platform, ocpVersion: `4.20.${uuid}` }, metrics }]));
      return path;
    };

    beforeAll(async () => {
      store = await openStore(db.url);
      config = await parseAnalysisConfig(readFileSync(files.config, 'utf8'), { file: 'watch.yaml' });
      await ingest(runsFile(files.dir, 'start.json', 0, 40));
    });
    afterAll(async () => store?.close());

    it('appends each ingest to the kept series and finds what a full analysis finds, change points included', async () => {
      const first = await both();
      expect(first.incremental).toEqual(first.full);
      expect(memory.stats).toEqual({ appended: 0, full: 2 }); // cpu and mem, from nothing
      const batches: Array<[number, number]> = [[40, 41], [41, 45], [45, 52], [52, 53], [53, 60]];
      let changePoints = 0;
      for (const [k, [from, to]] of batches.entries()) {
        await ingest(runsFile(files.dir, `batch-${k}.json`, from, to, { cpuStepAt: 44, memStepAt: 53 }));
        const { incremental, full } = await both();
        expect(incremental).toEqual(full);
        expect(memory.stats).toEqual({ appended: 2 * (k + 1), full: 2 });
        changePoints = full.tests[0].changePoints.length;
      }
      // The comparison had something to agree on: the cpu step at run 44 and the mem step at run 53.
      expect(changePoints).toBe(2);
    });

    it('starts a series afresh when a run is inserted in the past, and agrees with the full analysis', async () => {
      await ingest(oneRun('past.json', 'run-past', 20.5, { cpu: 10, mem: 100 }));
      const { incremental, full } = await both();
      expect(incremental.tests[0].rows.map((r) => r.uuid)).toContain('run-past');
      expect(incremental).toEqual(full);
      expect(memory.stats).toEqual({ appended: 10, full: 4 });
    });

    it('starts a series afresh when a gap changes its detection mode', async () => {
      await ingest(oneRun('gap.json', 'run-gap', 60, { cpu: 20 }));
      const { incremental, full } = await both();
      expect(incremental).toEqual(full);
      // cpu is appended to; mem now has a run without a value (perfhound mode instead of Otava's).
      expect(memory.stats).toEqual({ appended: 11, full: 5 });
    });

    it('a watch keeps its state between runs; an ingest that writes none of its runs does not analyse it', async () => {
      await addWatch(store, { name: 'inc', config: readFileSync(files.config, 'utf8') });
      const [first] = await runWatches(store);
      expect(first.series).toEqual({ appended: 0, full: 2 });
      await ingest(runsFile(files.dir, 'next.json', 61, 62, { cpuStepAt: 0, memStepAt: 0 }));
      const [next] = await runWatches(store, { touched: new Set(['run-061']) });
      expect(next).toMatchObject({ touched: true, series: { appended: 2, full: 0 } });
      await ingest(oneRun('gcp.json', 'run-gcp', 62, { cpu: 1, mem: 1 }, 'GCP'));
      const [other] = await runWatches(store, { touched: new Set(['run-gcp']) });
      expect(other).toMatchObject({ touched: false, series: { appended: 0, full: 0 } });
    });
  });
}
